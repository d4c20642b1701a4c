"""The staff pages of exam disqualifications: who reaches them (anonymous / no personnel role / another
district's personnel officer / the own district's), recording with field errors in the user's language,
withdrawing, the list's status and filters at a fixed number of queries, and the applicant check with the
number posted, never echoed whole."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civil_servants import services
from civil_servants.choices import ExamGround
from civil_servants.models import ExamDisqualification, ExamEligibilityCheck
from core.identifiers import mask_resident_id
from organizations.choices import Role
from tests.factories import make_resident_id, user_with_role

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()
APPLICANT = make_resident_id(4243, birth=D(1997, 5, 20))
DECIDED = D(2023, 5, 5)
WRONG_DIGIT = APPLICANT[:-1] + ("0" if APPLICANT[-1] != "0" else "1")
LIST_URL = reverse("civil_servants:exam_disqualifications")
NEW_URL = reverse("civil_servants:exam_disqualification_new")
CHECK_URL = reverse("civil_servants:exam_eligibility_check")


@pytest.fixture
def cast(world):
    return {
        "officer": user_with_role(Role.PERSONNEL_OFFICER, world.district),
        "other_officer": user_with_role(Role.PERSONNEL_OFFICER, world.other_district),
        "staff": user_with_role(Role.STAFF, world.department),
    }


def as_user(client, user, language="en"):
    client.logout()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def record(world, officer, ground=ExamGround.DISMISSAL, decided_on=DECIDED, until_on=None, **fields):
    return services.exam_disqualification_record(
        data={
            "resident_id": fields.get("resident_id", APPLICANT),
            "person_name": fields.get("person_name", "考生乙"),
            "ground": ground,
            "decided_on": decided_on,
            "until_on": until_on,
            "decided_by": "浙江省公务员局",
            "document_number": fields.get("document_number", "浙公考〔2023〕7号"),
            "organization": fields.get("organization", world.district),
        },
        actor=officer,
    )


def form_data(world, **overrides):
    return {
        "person_name": "考生丙",
        "resident_id": APPLICANT,
        "ground": ExamGround.EXAM_SERIOUS,
        "decided_on": "2024-07-01",
        "until_on": "",
        "decided_by": "浙江省人事考试院",
        "document_number": "浙考〔2024〕3号",
        "facts": "携带通讯工具作弊",
        "organization": str(world.district.pk),
        **overrides,
    }


def withdraw_url(ground):
    return reverse("civil_servants:exam_disqualification_withdraw", args=[ground.pk])


# --- who reaches the pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST_URL, NEW_URL, CHECK_URL])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_withdrawal_is_sent_to_log_in(client, world, cast):
    ground = record(world, cast["officer"])
    response = client.post(withdraw_url(ground), {"reason": "撤销"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert ExamDisqualification.objects.get().withdrawn_at is None


def test_without_a_personnel_role_every_page_is_forbidden(client, world, cast):
    ground = record(world, cast["officer"])
    as_user(client, cast["staff"])
    assert client.get(LIST_URL).status_code == 403
    assert client.get(NEW_URL).status_code == 403
    assert client.post(NEW_URL, form_data(world)).status_code == 403
    assert client.get(CHECK_URL).status_code == 403
    assert client.post(CHECK_URL, {"resident_id": APPLICANT, "purpose": "资格复审"}).status_code == 403
    assert client.post(withdraw_url(ground), {"reason": "撤销"}).status_code == 403
    assert ExamDisqualification.objects.count() == 1 and not ExamEligibilityCheck.objects.exists()


def test_another_districts_officer_neither_sees_nor_withdraws_the_ground(client, world, cast):
    ground = record(world, cast["officer"], person_name="甲区考生")
    as_user(client, cast["other_officer"])
    page = client.get(LIST_URL)
    assert page.status_code == 200 and "甲区考生" not in page.content.decode()
    assert client.post(withdraw_url(ground), {"reason": "撤销"}).status_code == 404
    assert ExamDisqualification.objects.get().withdrawn_at is None
    form = client.get(NEW_URL).context["form"]
    assert list(form.fields["organization"].queryset) == [world.other_district, world.other_department]
    refused = client.post(NEW_URL, form_data(world))  # the other district is not a choice
    assert refused.status_code == 200 and "organization" in refused.context["form"].errors
    assert ExamDisqualification.objects.count() == 1


def test_the_own_districts_officer_sees_records_and_withdraws(client, world, cast):
    record(world, cast["officer"], person_name="先前考生")
    as_user(client, cast["officer"])
    page = client.get(LIST_URL).content.decode()
    assert "先前考生" in page and mask_resident_id(APPLICANT) in page and APPLICANT not in page

    response = client.post(NEW_URL, form_data(world), follow=True)
    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "Ground recorded" in response.content.decode()
    saved = ExamDisqualification.objects.get(person_name="考生丙")
    assert saved.until_on == D(2029, 6, 30) and saved.organization == world.district  # five years, by law
    text = response.content.decode()
    assert "考生丙" in text and "2029-06-30" in text and "浙考〔2024〕3号" in text and APPLICANT not in text

    response = client.post(withdraw_url(saved), {"reason": "考试违纪认定已被撤销"}, follow=True)
    assert response.redirect_chain == [(LIST_URL, 302)]
    saved.refresh_from_db()
    assert saved.withdrawn_at is not None and saved.withdrawal_reason == "考试违纪认定已被撤销"
    again = client.post(withdraw_url(saved), {"reason": "再次"}, follow=True)
    assert "already withdrawn" in again.content.decode()
    empty_reason = record(world, cast["officer"], document_number="浙公考〔2023〕8号")
    client.post(withdraw_url(empty_reason), {"reason": "  "})
    assert ExamDisqualification.objects.get(pk=empty_reason.pk).withdrawn_at is None


def test_withdrawal_is_post_only(client, world, cast):
    ground = record(world, cast["officer"])
    as_user(client, cast["officer"])
    assert client.get(withdraw_url(ground)).status_code == 405


# --- the record form's field errors ---------------------------------------------------------------------


def test_a_wrong_check_digit_and_an_end_date_for_a_five_year_ground_are_field_errors(client, world, cast):
    as_user(client, cast["officer"])
    response = client.post(NEW_URL, form_data(world, resident_id=WRONG_DIGIT))
    assert response.status_code == 200
    assert response.context["form"].errors["resident_id"] == [
        "The check digit of this resident ID number is wrong: mistyped or invented."
    ]
    response = client.post(NEW_URL, form_data(world, until_on="2030-01-01"))
    assert response.context["form"].errors["until_on"] == [
        "This ground's term is set by law: leave the end date empty."
    ]
    html = response.content.decode()
    assert 'id="id_until_on-error"' in html and 'type="date"' in html
    assert not ExamDisqualification.objects.exists()


def test_field_errors_speak_the_users_language(client, world, cast):
    as_user(client, cast["officer"], language="zh-hans")
    response = client.post(NEW_URL, form_data(world, until_on="2030-01-01"))
    assert "该事由的限制期限由法律规定，请勿填写截止日期。" in response.content.decode()


def test_a_listing_needs_its_end_date(client, world, cast):
    as_user(client, cast["officer"])
    response = client.post(NEW_URL, form_data(world, ground=ExamGround.JOINT_PUNISHMENT))
    assert "until_on" in response.context["form"].errors
    assert not ExamDisqualification.objects.exists()


# --- the list: status, filters, pages, queries --------------------------------------------------------------


def test_the_list_shows_each_status_and_filters_by_ground_and_status(client, world, cast):
    officer = cast["officer"]
    in_force = record(world, officer, ExamGround.EXAM_ORGANISED, D(2022, 4, 15), person_name="终身考生")
    expired = record(world, officer, ExamGround.EXAM_SERIOUS, D(2015, 3, 1), person_name="过期考生")
    withdrawn = record(world, officer, ExamGround.DISMISSAL, D(2020, 1, 1), person_name="撤回考生")
    services.exam_disqualification_withdraw(disqualification=withdrawn, reason="决定已撤销", actor=officer)
    as_user(client, officer)
    rows = {row.pk: row for row in client.get(LIST_URL).context["page"]}
    assert rows[in_force.pk].status == "in_force" and rows[in_force.pk].until_label.startswith("For life")
    assert rows[expired.pk].status == "expired" and rows[expired.pk].until_label == "2020-02-29"
    assert rows[withdrawn.pk].status == "withdrawn" and rows[withdrawn.pk].until_label == "No end"

    def shown(**query):
        return [row.pk for row in client.get(LIST_URL, query).context["page"]]

    assert shown(status="in_force") == [in_force.pk]
    assert shown(status="expired") == [expired.pk]
    assert shown(status="withdrawn") == [withdrawn.pk]
    assert shown(ground=ExamGround.EXAM_SERIOUS) == [expired.pk]
    assert shown(ground=ExamGround.EXAM_SERIOUS, status="in_force") == []
    assert shown(status="nonsense") == [withdrawn.pk, expired.pk, in_force.pk]  # an unknown filter: ignored


def test_fifty_a_page_newest_first_with_a_next_link(client, world, cast):
    for n in range(52):
        record(world, cast["officer"], resident_id=make_resident_id(n), document_number=f"浙考〔2024〕{n}号")
    as_user(client, cast["officer"])
    first = client.get(LIST_URL).context["page"]
    assert len(first) == 50 and first.next_after
    ids = [row.pk for row in first]
    assert ids == sorted(ids, reverse=True)
    second = client.get(LIST_URL, {"after": first.next_after}).context["page"]
    assert len(second) == 2 and second.next_after is None and max(row.pk for row in second) < min(ids)


def test_the_list_takes_the_same_queries_for_3_or_20_rows(client, world, cast):
    officer = cast["officer"]
    as_user(client, officer)

    def queries(total):
        while ExamDisqualification.objects.count() < total:
            n = ExamDisqualification.objects.count()
            ground = record(world, officer, resident_id=make_resident_id(500 + n), document_number=f"浙考{n}")
            if n % 3 == 0:
                services.exam_disqualification_withdraw(
                    disqualification=ground, reason="认定有误，予以撤回", actor=officer
                )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST_URL)
        assert len(response.context["page"]) == total
        listed = [query["sql"] for query in captured.captured_queries if "examdisqualification" in query["sql"]]
        assert len(listed) == 1 and "COUNT(" not in listed[0].upper()  # one query for the rows, no count
        return len(captured)

    assert queries(3) == queries(20)


# --- the applicant check ------------------------------------------------------------------------------------


def test_the_check_shows_the_field_error_for_a_bad_number_and_does_not_echo_it(client, world, cast):
    as_user(client, cast["other_officer"])  # any personnel officer may check
    response = client.post(CHECK_URL, {"resident_id": WRONG_DIGIT, "purpose": "2026年度录用考试资格复审"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["resident_id"] == ["The check digit of this resident ID number is wrong: mistyped or invented."]
    html = response.content.decode()
    assert 'id="id_resident_id-error"' in html and WRONG_DIGIT not in html
    short = client.post(CHECK_URL, {"resident_id": "33010619", "purpose": "2026年度录用考试资格复审"})
    assert "resident_id" in short.context["form"].errors
    assert not ExamEligibilityCheck.objects.exists()


def test_the_check_shows_each_ground_with_its_end_and_the_number_masked(client, world, cast):
    record(world, cast["officer"], ExamGround.EXAM_ORGANISED, D(2022, 4, 15))
    record(
        world, cast["officer"], ExamGround.JOINT_PUNISHMENT, D(2025, 1, 1), until_on=TODAY.replace(year=TODAY.year + 2)
    )
    as_user(client, cast["other_officer"])
    assert client.get(CHECK_URL, {"resident_id": APPLICANT, "purpose": "x" * 8}).context["result"] is None
    response = client.post(CHECK_URL, {"resident_id": APPLICANT, "purpose": "2026年度录用考试资格复审"})
    result = response.context["result"]
    assert result is not None and not result.eligible
    html = response.content.decode()
    assert 'data-eligible="false"' in html and 'data-ground="exam_organised"' in html
    assert 'data-ground="joint_punishment"' in html and TODAY.replace(year=TODAY.year + 2).isoformat() in html
    assert "For life" in html
    assert APPLICANT not in html and mask_resident_id(APPLICANT) in html
    logged = ExamEligibilityCheck.objects.get()
    assert not logged.eligible and logged.grounds == 2 and logged.purpose == "2026年度录用考试资格复审"

    clear = client.post(CHECK_URL, {"resident_id": make_resident_id(9, birth=D(2000, 1, 1)), "purpose": "资格复审"})
    assert clear.context["result"].eligible and 'data-eligible="true"' in clear.content.decode()


def test_the_check_needs_a_purpose(client, world, cast):
    as_user(client, cast["officer"])
    response = client.post(CHECK_URL, {"resident_id": APPLICANT, "purpose": "查"})
    assert "purpose" in response.context["form"].errors and response.context["result"] is None
    assert APPLICANT not in response.content.decode()
