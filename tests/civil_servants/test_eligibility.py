"""Eligibility for appointment, promotion, awards and honours: records within their period, sanctions
barring honours until their end, disciplinary periods at their boundaries, a consider-removal flag raised
once, every check logged, and the API's statuses and access."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from civil_servants.choices import CareerEntryKind, DisciplineSeverity, EligibilityPurpose
from civil_servants.models import CareerEntry, EligibilityCheck, RemovalFlag
from civil_servants.services.eligibility import eligibility_check
from dishonesty_records import services as dishonesty_services
from dishonesty_records.choices import SanctionKind, Severity
from organizations.choices import Role
from tests.api_schema import validate_response
from tests.dishonesty_records.factories import Clock, make_record, people_for
from tests.factories import CivilServantFactory, user_with_role

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 6, 1)
ALL = [p.value for p in EligibilityPurpose]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, TODAY)


@pytest.fixture
def people(world, clock):
    return people_for(world.department, world.district)


@pytest.fixture
def officer(world):
    return user_with_role(Role.PERSONNEL_OFFICER, world.district)


@pytest.fixture
def servant(world):
    return CivilServantFactory(organization=world.department)


def published(world, people, servant, *, severity=Severity.GENERAL):
    record = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        until="waived",
        civil_servant=servant,
        severity=severity,
    )
    record = dishonesty_services.record_confirm(
        record=record, reason="经核查，事实清楚。", actor=people["supervisor"], explanation_required=False
    )
    return dishonesty_services.record_publish(record=record, actor=people["supervisor"])


def discipline(servant, severity, decided_on, until_on=None):
    return CareerEntry.objects.create(
        civil_servant=servant,
        kind=CareerEntryKind.DISCIPLINE,
        severity=severity,
        title="处分",
        decided_on=decided_on,
        until_on=until_on,
        decided_by="甲区纪委监委",
        document_number="甲纪〔2026〕7号",
        recorded_by_label="test",
    )


def check(servant, purpose, officer, on):
    return eligibility_check(civil_servant=servant, purpose=purpose, actor=officer, on=on)


def codes(result):
    return [reason.code for reason in result.reasons]


def test_a_clean_servant_is_eligible_for_everything_and_each_check_is_logged(servant, officer, clock):
    for purpose in ALL:
        result = check(servant, purpose, officer, TODAY)
        assert result.eligible and result.reasons == []
    rows = list(EligibilityCheck.objects.filter(civil_servant=servant).order_by("id"))
    assert [(row.purpose, row.eligible, row.reasons) for row in rows] == [(p, True, 0) for p in ALL]
    assert rows[0].checked_by_label == officer.get_username()


def test_a_record_restricts_every_purpose_within_its_publicity_period(world, people, servant, officer):
    record = published(world, people, servant)
    end = record.publicity_ends_on
    assert end is not None and end > TODAY
    for purpose in ALL:
        result = check(servant, purpose, officer, end)
        assert not result.eligible and codes(result)[0] == "dishonesty_record"
        assert result.reasons[0].source == f"dishonesty_records.record#{record.pk}"
        assert result.reasons[0].until == end and not result.reasons[0].serious
    assert check(servant, EligibilityPurpose.PROMOTION, officer, end + datetime.timedelta(days=1)).eligible
    assert check(servant, EligibilityPurpose.PROMOTION, officer, TODAY - datetime.timedelta(days=1)).eligible
    assert not RemovalFlag.objects.exists()  # a general record is not a serious case
    assert EligibilityCheck.objects.filter(civil_servant=servant, eligible=False, reasons=1).count() == len(ALL)


def test_an_honours_sanction_bars_honours_until_its_end_not_after(world, people, servant, officer):
    record = published(world, people, servant)
    end = TODAY + datetime.timedelta(days=90)
    dishonesty_services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="取消评优资格",
        end_on=end,
        actor=people["supervisor"],
    )
    on_last_day = check(servant, EligibilityPurpose.HONOURS, officer, end)
    assert "honours_ineligibility" in codes(on_last_day)
    bar = next(r for r in on_last_day.reasons if r.code == "honours_ineligibility")
    assert bar.until == end and bar.source == f"dishonesty_records.record#{record.pk}"
    assert "honours_ineligibility" in codes(check(servant, EligibilityPurpose.AWARD, officer, end))
    assert "honours_ineligibility" not in codes(
        check(servant, EligibilityPurpose.HONOURS, officer, end + datetime.timedelta(days=1))
    )
    assert "honours_ineligibility" not in codes(check(servant, EligibilityPurpose.APPOINTMENT, officer, end))


def test_a_disciplinary_sanction_bars_promotion_and_appointment_for_its_period(servant, officer, clock):
    discipline(servant, DisciplineSeverity.DEMERIT, D(2026, 1, 10))  # 记过: 12 months
    last = D(2027, 1, 9)
    for purpose in (EligibilityPurpose.PROMOTION, EligibilityPurpose.APPOINTMENT):
        barred = check(servant, purpose, officer, last)
        assert codes(barred) == ["discipline"] and barred.reasons[0].until == last
        assert check(servant, purpose, officer, D(2027, 1, 10)).eligible
    assert check(servant, EligibilityPurpose.PROMOTION, officer, D(2026, 1, 9)).eligible  # before the decision
    assert check(servant, EligibilityPurpose.HONOURS, officer, last).eligible
    given = discipline(servant, DisciplineSeverity.WARNING, D(2026, 2, 1), until_on=D(2026, 9, 30))
    reasons = check(servant, EligibilityPurpose.PROMOTION, officer, D(2026, 9, 30)).reasons
    assert [r.until for r in reasons] == [last, D(2026, 9, 30)] and reasons[1].source.endswith(f"#{given.pk}")
    CareerEntry.objects.filter(pk=given.pk).update(withdrawn_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC))
    assert len(check(servant, EligibilityPurpose.PROMOTION, officer, D(2026, 9, 30)).reasons) == 1


def test_serious_cases_raise_one_removal_flag_per_source(world, people, servant, officer):
    dismissal = discipline(servant, DisciplineSeverity.DISMISSAL, D(2026, 3, 1))
    first = check(servant, EligibilityPurpose.PROMOTION, officer, TODAY)
    assert first.reasons[0].serious and first.reasons[0].until is None
    assert [(f.source_type, f.source_id) for f in first.removal_flags_raised] == [
        ("civil_servants.career_entry", dismissal.pk)
    ]
    again = check(servant, EligibilityPurpose.APPOINTMENT, officer, TODAY)
    assert again.removal_flags_raised == [] and not again.eligible
    record = published(world, people, servant, severity=Severity.SERIOUS)
    third = check(servant, EligibilityPurpose.HONOURS, officer, TODAY)  # the dismissal does not list here…
    assert [(f.source_type, f.source_id) for f in third.removal_flags_raised] == [
        ("dishonesty_records.record", record.pk)
    ]
    check(servant, EligibilityPurpose.PROMOTION, officer, TODAY)
    assert RemovalFlag.objects.filter(civil_servant=servant).count() == 2  # …and nothing is acted upon
    assert CareerEntry.objects.filter(civil_servant=servant).count() == 1 and servant.is_active


def test_bad_purpose_and_access_in_the_service(world, servant, officer):
    with pytest.raises(ValidationError) as bad:
        check(servant, "transfer", officer, TODAY)
    assert "purpose" in bad.value.message_dict
    with pytest.raises(PermissionDenied):
        check(
            servant, EligibilityPurpose.PROMOTION, user_with_role(Role.PERSONNEL_OFFICER, world.other_district), TODAY
        )
    assert not EligibilityCheck.objects.exists()


def url(pk):
    return f"/api/v1/civil-servants/{pk}/eligibility/"


def test_api_statuses_and_access(api_client, world, people, servant, officer):
    record = published(world, people, servant)
    assert api_client.get(url(servant.pk), {"purpose": "promotion"}).status_code == 401
    for outsider in (
        user_with_role(Role.PERSONNEL_OFFICER, world.other_district),
        user_with_role(Role.STAFF, world.department),
        user_with_role(Role.SUPERVISOR, world.district),
    ):
        api_client.force_login(outsider)
        assert api_client.get(url(servant.pk), {"purpose": "promotion"}).status_code == 404
    api_client.force_login(officer)
    assert api_client.get(url(999999), {"purpose": "promotion"}).status_code == 404
    assert api_client.get(url(servant.pk), {"purpose": "transfer"}).status_code == 400
    assert api_client.get(url(servant.pk)).status_code == 400
    response = api_client.get(url(servant.pk), {"purpose": "promotion"})
    assert response.status_code == 200
    body = response.json()
    validate_response(body, "/api/v1/civil-servants/{id}/eligibility/", "get", 200)
    assert body["eligible"] is False and body["purpose"] == "promotion"
    assert body["reasons"][0]["source"] == f"dishonesty_records.record#{record.pk}"
    assert body["reasons"][0]["until"] == record.publicity_ends_on.isoformat()
    assert body["check_id"] == EligibilityCheck.objects.latest("id").pk
    assert servant.resident_id not in response.content.decode()
    later = (record.publicity_ends_on + datetime.timedelta(days=1)).isoformat()
    assert api_client.get(url(servant.pk), {"purpose": "promotion", "on": later}).json()["eligible"] is True


def test_api_reads_a_fixed_few_queries_whatever_the_history(
    api_client, world, people, officer, django_assert_num_queries
):
    """Session, user, person, roles; in one savepoint the records, (for honours) the sanctions and the
    obligations, the career entries, and the check written: 9 queries, 11 for honours, however long the
    history (a servant without any record skips the two lookups by record)."""
    some, many = (CivilServantFactory(organization=world.department) for _ in range(2))
    for person, n in ((some, 1), (many, 4)):
        for _ in range(n):
            published(world, people, person)
        for severity in (DisciplineSeverity.WARNING, DisciplineSeverity.DEMERIT)[: n if n < 2 else 2]:
            discipline(person, severity, D(2026, 2, 1))
    api_client.force_login(officer)
    api_client.get(url(some.pk), {"purpose": "honours"})  # the first request of a session
    for person in (some, many):
        for purpose, queries in (("honours", 11), ("award", 11), ("promotion", 9), ("appointment", 9)):
            with django_assert_num_queries(queries):
                assert api_client.get(url(person.pk), {"purpose": purpose}).status_code == 200
