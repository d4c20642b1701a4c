"""Exam applicants: the statutory grounds and the exam-misconduct terms at their boundaries, the check by API
with the ID number in the body only, who may ask, and the log of every check."""

import datetime
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from civil_servants import services
from civil_servants.choices import ExamGround
from civil_servants.models import ExamDisqualification, ExamEligibilityCheck
from core.models import AuditEvent
from organizations import services as organization_services
from organizations.choices import Role
from tests.factories import make_resident_id, user_with_role

pytestmark = pytest.mark.django_db
D = datetime.date
APPLICANT = make_resident_id(4242, birth=D(1998, 3, 9))
URL = reverse("api:exam-eligibility")


@pytest.fixture
def officer(world):
    return user_with_role(Role.PERSONNEL_OFFICER, world.district)


def record(world, officer, ground, decided_on, until_on=None, resident_id=APPLICANT):
    return services.exam_disqualification_record(
        data={
            "resident_id": resident_id,
            "person_name": "考生甲",
            "ground": ground,
            "decided_on": decided_on,
            "until_on": until_on,
            "decided_by": "浙江省公务员局",
            "document_number": "浙公考〔2022〕12号",
            "organization": world.district,
        },
        actor=officer,
    )


def check(officer, on, resident_id=APPLICANT):
    return services.exam_eligibility_check(
        resident_id=resident_id, purpose="2026年度录用考试资格复审", on=on, actor=officer
    )


def test_five_years_for_serious_misconduct_counted_to_the_day(world, officer):
    record(world, officer, ExamGround.EXAM_SERIOUS, D(2020, 6, 1))
    assert ExamDisqualification.objects.get().until_on == D(2025, 5, 31)
    barred = check(officer, D(2025, 5, 31))
    assert not barred.eligible and barred.grounds[0].until_on == D(2025, 5, 31)
    assert check(officer, D(2025, 6, 1)).eligible
    assert check(officer, D(2026, 12, 3)).eligible  # a five-year record from 2020 no longer bars in 2026


def test_organised_cheating_bars_for_life_or_for_the_long_term_given(world, officer):
    record(world, officer, ExamGround.EXAM_ORGANISED, D(2022, 4, 15))
    later = check(officer, D(2026, 12, 3))
    assert not later.eligible and later.grounds[0].until_on is None  # 2022 organised cheating: still barred
    other = make_resident_id(77, birth=D(1995, 1, 1))
    record(world, officer, ExamGround.EXAM_ORGANISED, D(2015, 1, 10), until_on=D(2024, 12, 31), resident_id=other)
    assert not check(officer, D(2024, 12, 31), resident_id=other).eligible
    assert check(officer, D(2025, 1, 1), resident_id=other).eligible


def test_statutory_grounds_bar_for_ever_and_a_listing_while_it_lasts(world, officer):
    record(world, officer, ExamGround.CRIMINAL_PUNISHMENT, D(2010, 3, 1))
    record(world, officer, ExamGround.JOINT_PUNISHMENT, D(2025, 1, 1), until_on=D(2027, 12, 31))
    result = check(officer, D(2026, 12, 3))
    assert [ground.ground for ground in result.grounds] == ["criminal_punishment", "joint_punishment"]
    assert [ground.until_on for ground in result.grounds] == [None, D(2027, 12, 31)]
    assert [g.ground for g in check(officer, D(2028, 1, 1)).grounds] == ["criminal_punishment"]
    assert check(officer, D(2009, 12, 31)).eligible  # before any decision


def test_bad_records_are_refused_by_field(world, officer):
    with pytest.raises(ValidationError) as refused:
        services.exam_disqualification_record(
            data={
                "resident_id": APPLICANT[:-1] + ("0" if APPLICANT[-1] != "0" else "1"),
                "ground": "dismissal",
                "decided_on": D(2024, 1, 1),
                "until_on": D(2030, 1, 1),
                "organization": world.district,
            },
            actor=officer,
        )
    assert {"resident_id", "until_on", "person_name", "decided_by", "document_number"} <= set(
        refused.value.message_dict
    )
    with pytest.raises(ValidationError) as refused:
        record(world, officer, ExamGround.JOINT_PUNISHMENT, D(2025, 1, 1))  # a listing needs its end
    assert "until_on" in refused.value.message_dict
    assert not ExamDisqualification.objects.exists()


def test_a_withdrawn_ground_no_longer_bars_and_stays_on_file(world, officer):
    ground = record(world, officer, ExamGround.DISMISSAL, D(2023, 5, 5))
    services.exam_disqualification_withdraw(disqualification=ground, reason="处分决定已被撤销", actor=officer)
    assert check(officer, D(2026, 1, 1)).eligible
    assert ExamDisqualification.objects.filter(pk=ground.pk, withdrawn_at__isnull=False).exists()


def test_only_personnel_and_the_exam_authority_may_check(world, officer):
    staff = user_with_role(Role.STAFF, world.department)
    with pytest.raises(PermissionDenied):
        check(staff, D(2026, 1, 1))
    elsewhere = user_with_role(Role.PERSONNEL_OFFICER, world.other_district)
    with pytest.raises(ValidationError) as refused:  # may check, but not record for another district
        record(world, elsewhere, ExamGround.DISMISSAL, D(2023, 5, 5))
    assert "organization" in refused.value.message_dict
    assert check(elsewhere, D(2026, 1, 1)).eligible


def test_the_api_takes_the_number_in_the_body_checks_it_and_logs_the_call_without_it(
    api_client, world, officer, caplog
):
    record(world, officer, ExamGround.EXAM_ORGANISED, D(2022, 4, 15))
    assert api_client.post(URL, {"resident_id": APPLICANT, "purpose": "资格复审"}, format="json").status_code == 401
    client, token = organization_services.api_client_create(
        organization=world.city, name="省考试系统", scopes=["exam_check"], actor=None
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with caplog.at_level(logging.DEBUG):
        response = api_client.post(
            URL, {"resident_id": APPLICANT, "purpose": "2026年度录用考试资格复审"}, format="json"
        )
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is False and body["grounds"][0]["ground"] == "exam_organised"
    assert body["grounds"][0]["until_on"] is None
    wrong_digit = APPLICANT[:-1] + ("0" if APPLICANT[-1] != "0" else "1")
    refused = api_client.post(URL, {"resident_id": wrong_digit, "purpose": "资格复审"}, format="json")
    assert refused.status_code == 400 and "resident_id" in refused.json()
    assert api_client.post(URL, {"resident_id": "33010619", "purpose": "资格复审"}, format="json").status_code == 400
    assert api_client.post(URL, {"resident_id": APPLICANT, "purpose": ""}, format="json").status_code == 400
    # Logged with the client and the purpose; the number is nowhere: not in the log, the audit or the logs.
    logged = ExamEligibilityCheck.objects.get()
    assert logged.client_label == f"api:省考试系统#{client.pk}" and logged.purpose == "2026年度录用考试资格复审"
    assert logged.person_digest == services.person_digest(APPLICANT) and not logged.eligible
    assert APPLICANT not in caplog.text
    assert not AuditEvent.objects.filter(after__icontains=APPLICANT).exists()
    _read_only, read_token = organization_services.api_client_create(
        organization=world.city, name="只读系统", scopes=["read"], actor=None
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {read_token}")
    assert api_client.post(URL, {"resident_id": APPLICANT, "purpose": "资格复审"}, format="json").status_code == 403


def test_checks_are_rate_limited_per_client(api_client, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "exam_eligibility": "2/min"},
    }
    from django.core.cache import cache

    cache.clear()
    _client, token = organization_services.api_client_create(
        organization=world.city, name="考试系统", scopes=["exam_check"], actor=None
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    answers = [
        api_client.post(URL, {"resident_id": APPLICANT, "purpose": "资格复审"}, format="json").status_code
        for _ in range(3)
    ]
    assert answers == [200, 200, 429]
