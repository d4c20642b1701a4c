"""The staff eligibility page and the consider-removal flags: who reaches them (own subtree / other district
/ supervisor / anonymous), a check shown reason by reason and logged for the servant, a serious case's flag
decided by a person with the decision kept; and the servant's own view of their score, training and checks."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from civil_servants.choices import CareerEntryKind, DisciplineSeverity, EligibilityPurpose
from civil_servants.models import CareerEntry, Completion, Course, EligibilityCheck, RemovalFlag
from civil_servants.services import assessment
from civil_servants.services.eligibility import eligibility_check, removal_flag_resolve
from core.models import AuditEvent
from organizations.choices import Role
from tests.factories import CivilServantFactory, UserFactory, user_with_role
from tests.permissions import SUPERVISOR, request_as

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cast(world):
    servant = CivilServantFactory(organization=world.department, name="王小明")
    return {
        "servant": servant,
        "officer": user_with_role(Role.PERSONNEL_OFFICER, world.district),
        "city_officer": user_with_role(Role.PERSONNEL_OFFICER, world.city),
        "other_officer": user_with_role(Role.PERSONNEL_OFFICER, world.other_district),
        "supervisor": world.user(SUPERVISOR),
        "servant_user": UserFactory(civil_servant=servant, organization=world.department),
    }


def dismissal(servant, decided_on=TODAY - datetime.timedelta(days=30)):
    return CareerEntry.objects.create(
        civil_servant=servant,
        kind=CareerEntryKind.DISCIPLINE,
        severity=DisciplineSeverity.DISMISSAL,
        title="开除处分",
        decided_on=decided_on,
        decided_by="甲区纪委监委",
        document_number="甲纪〔2026〕9号",
        recorded_by_label="test",
    )


def check_url(servant):
    return reverse("civil_servants:eligibility_check", args=[servant.pk])


def test_who_reaches_the_eligibility_page(client, cast):
    url = check_url(cast["servant"])
    assert request_as(client, None, "get", url).status_code == 302
    assert request_as(client, cast["other_officer"], "get", url).status_code == 404
    assert request_as(client, cast["supervisor"], "get", url).status_code == 404
    assert request_as(client, cast["servant_user"], "get", url).status_code == 404
    assert request_as(client, cast["officer"], "get", url).status_code == 200
    assert request_as(client, cast["other_officer"], "post", url, {"purpose": "promotion"}).status_code == 404
    assert not EligibilityCheck.objects.exists()


def test_a_check_shows_each_reason_and_is_logged_for_the_servant(client, cast):
    entry = dismissal(cast["servant"])
    page = request_as(
        client, cast["officer"], "post", check_url(cast["servant"]) + "?language=en", {"purpose": "promotion"}
    )
    assert page.status_code == 200
    result = page.context["result"]
    assert not result.eligible and [r.source for r in result.reasons] == [f"civil_servants.career_entry#{entry.pk}"]
    text = page.content.decode()
    assert "甲纪〔2026〕9号" in text and "Serious case" in text and "no end set" in text
    assert 'data-eligible="false"' in text
    check = EligibilityCheck.objects.get(civil_servant=cast["servant"])
    assert (check.on, check.purpose, check.findings) == (
        TODAY,
        EligibilityPurpose.PROMOTION,
        [{"code": "discipline", "reference": "甲纪〔2026〕9号", "until": None}],
    )
    # The servant sees the check, its day and why.
    own = request_as(client, cast["servant_user"], "get", reverse("civil_servants:my_file")).content.decode()
    assert "处分影响期内" in own and "甲纪〔2026〕9号" in own  # in Chinese by default


def test_bad_input_on_the_eligibility_page_is_a_field_error(client, cast):
    page = request_as(client, cast["officer"], "post", check_url(cast["servant"]), {"purpose": "dinner"})
    assert page.status_code == 200 and "purpose" in page.context["form"].errors
    assert not EligibilityCheck.objects.exists()


def test_a_serious_case_flag_waits_for_a_persons_decision(client, cast):
    entry = dismissal(cast["servant"])
    eligibility_check(civil_servant=cast["servant"], purpose="appointment", actor=cast["officer"])
    flag = RemovalFlag.objects.get(civil_servant=cast["servant"])
    assert (flag.source_type, flag.source_id, flag.resolved_at) == ("civil_servants.career_entry", entry.pk, None)
    url = reverse("civil_servants:removal_flags")
    assert request_as(client, None, "get", url).status_code == 302
    assert request_as(client, cast["supervisor"], "get", url).status_code == 403
    assert list(request_as(client, cast["other_officer"], "get", url).context["page"]) == []
    assert [f.pk for f in request_as(client, cast["officer"], "get", url).context["page"]] == [flag.pk]
    decide = reverse("civil_servants:removal_flag_resolve", args=[flag.pk])
    assert request_as(client, cast["other_officer"], "post", decide, {"resolution": "x"}).status_code == 404
    request_as(client, cast["officer"], "post", decide, {"resolution": ""})
    flag.refresh_from_db()
    assert flag.resolved_at is None  # no decision without its reasons
    response = request_as(client, cast["officer"], "post", decide, {"resolution": "已启动辞退程序，报区委组织部。"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolution == "已启动辞退程序，报区委组织部。" and flag.resolved_by_label == cast["officer"].get_username()
    assert list(request_as(client, cast["officer"], "get", url).context["page"]) == []
    decided = request_as(client, cast["officer"], "get", url + "?state=decided")
    assert [f.pk for f in decided.context["page"]] == [flag.pk] and "已启动辞退程序" in decided.content.decode()
    assert AuditEvent.objects.filter(action="civil_servants.removal_flag.resolve").count() == 1
    assert cast["servant"].is_active  # nothing acted upon by the system


def test_a_flag_is_decided_once(cast):
    dismissal(cast["servant"])
    eligibility_check(civil_servant=cast["servant"], purpose="appointment", actor=cast["officer"])
    flag = RemovalFlag.objects.get()
    removal_flag_resolve(flag=flag, resolution="继续留任观察", actor=cast["officer"])
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        removal_flag_resolve(flag=flag, resolution="再次决定", actor=cast["officer"])
    with pytest.raises(PermissionDenied):
        removal_flag_resolve(flag=flag, resolution="越权", actor=cast["other_officer"])


def test_district_officers_read_the_rules_and_only_the_city_keeps_them(client, cast):
    assessment.rule_set_create(
        effective_from=D(TODAY.year, 1, 1),
        rules={"base": 100, "records": {"general": -10, "serious": -30}},
        note="首版",
        actor=cast["city_officer"],
    )
    url = reverse("civil_servants:assessment_rules")
    district = request_as(client, cast["officer"], "get", url)
    assert district.status_code == 200 and district.context["form"] is None and "首版" in district.content.decode()
    assert request_as(client, cast["officer"], "post", url, {"note": "x"}).status_code == 403
    assert request_as(client, cast["supervisor"], "get", url).status_code == 403
    assert request_as(client, cast["city_officer"], "get", url).context["form"] is not None


def test_the_servant_reads_their_score_breakdown_and_training(client, cast, world):
    keeper = cast["city_officer"]
    assessment.rule_set_create(
        effective_from=D(TODAY.year, 1, 1),
        rules={"base": 100, "training": {"per_missing": -2}},
        note="首版",
        actor=keeper,
    )
    done = Course.objects.create(
        title="诚信手册导读",
        hours=Decimal("2"),
        provider="干部学习新干线",
        mandatory=True,
        year=TODAY.year,
        organization=world.city,
    )
    missing = Course.objects.create(
        title="政务诚信专题",
        hours=Decimal("3"),
        provider="市委党校",
        mandatory=True,
        year=TODAY.year,
        organization=world.district,
    )
    Completion.objects.create(
        civil_servant=cast["servant"], course=done, completed_on=TODAY, hours=done.hours, recorded_by_label="t"
    )
    assessment.score_recompute(cast["servant"])
    page = request_as(client, cast["servant_user"], "get", reverse("civil_servants:my_file"))
    assert page.context["score"].score == Decimal("98.00")
    assert [(d.course.pk, d.completed_on) for d in page.context["training"]] == [(missing.pk, None), (done.pk, TODAY)]
    text = page.content.decode()
    assert 'id="score-breakdown"' in text and f"civil_servants.course#{missing.pk}" in text and "尚未完成" in text
