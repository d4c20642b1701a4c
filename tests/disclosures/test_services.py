"""The life cycle of a disclosure through its services: validation, deadlines, four eyes, versions, sweeps."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from core.models import AuditEvent, CalendarDay, CalendarYear, Notification, PublicationVersion, PublicityRule
from core.publication import PublicationStatus
from core.publishing import history as publication_history
from core.sweeps import end_due_publicity
from disclosures import services
from disclosures.models import LicenseDisclosure, PenaltyDisclosure
from organizations.choices import Role
from organizations.models import RoleAssignment
from tests.factories import make_resident_id, user_with_role
from tests.permissions import OWN_ORG, SUPERVISOR

from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date


def penalty_data(world, **overrides):
    """The shared factory's data, pinned to the values these tests reason about (dates, number, fine)."""
    pinned = {
        "subject_name": "杭州西湖龙井茶业有限公司",
        "subject_uscc": "91330100716105852F",
        "decision_number": "杭市监罚〔2026〕1号",
        "penalty_kinds": ["fine"],
        "penalty_content": "罚款二千元",
        "decided_on": D(2026, 9, 30),
    }
    authority = overrides.pop("authority", world.department)
    return factories.penalty_data(authority, **{**pinned, **overrides})


@pytest.fixture
def reviewer(world):
    return user_with_role(Role.REVIEWER, world.department)


def _errors(exc):
    return exc.value.message_dict


def test_create_computes_deadline_publicity_and_search_grams(world):
    record = services.disclosure_create(kind="penalty", data=penalty_data(world), actor=world.user(OWN_ORG))
    assert record.status == PublicationStatus.DRAFT and record.version == 0
    assert record.publish_deadline == D(2026, 10, 15)  # across National Day and its make-up Saturday
    assert not record.deadline_provisional
    assert record.publicity_min_ends_on == D(2026, 12, 30) and record.publicity_ends_on == D(2029, 9, 30)
    assert "西湖" in record.subject_grams.split()
    assert AuditEvent.objects.filter(action="disclosures.penalty.create", target_id=str(record.pk)).exists()


def test_several_penalty_kinds_and_a_safety_domain_take_the_longest_period(world):
    PublicityRule.objects.filter(key="kind:warning").update(min_months=3, max_months=12)
    data = penalty_data(world, penalty_kinds=["warning", "fine"], safety_domain="fire_safety")
    record = services.disclosure_create(kind="penalty", data=data, actor=None)
    assert record.publicity_min_ends_on == D(2027, 9, 30)  # fire safety: at least a year
    assert record.publicity_ends_on == D(2029, 9, 30)


def test_publicity_rules_are_data_a_supervisor_can_change(world):
    PublicityRule.objects.filter(key="kind:fine").update(min_months=6, max_months=24)
    record = services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None)
    assert record.publicity_ends_on == D(2028, 9, 30)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject_uscc": "91330100716105852G"}, "subject_uscc"),
        ({"subject_uscc": "00000000000000000X"}, "subject_uscc"),
        ({"subject_uscc": ""}, "subject_uscc"),
        ({"legal_representative": ""}, "legal_representative"),
        ({"fine_amount": None}, "fine_amount"),
        ({"fine_amount": Decimal("20000000")}, "fine_amount"),  # yuan typed where 万元 belong
        ({"fine_amount": Decimal("0"), "penalty_kinds": ["fine"]}, "fine_amount"),
        ({"penalty_kinds": ["warning"], "fine_amount": Decimal("1")}, "fine_amount"),
        ({"penalty_kinds": ["confiscation_of_illegal_gains", "fine"]}, "confiscated_amount"),
        ({"penalty_kinds": ["license_revocation", "fine"]}, "suspended_license"),
        ({"penalty_kinds": []}, "penalty_kinds"),
        ({"decided_on": D(2099, 1, 1)}, "decided_on"),
        ({"penalty_valid_until": D(2026, 1, 1)}, "penalty_valid_until"),
        ({"violation_facts": "  "}, "violation_facts"),
        ({"subject_id_number": "110105194912310021", "subject_id_type": "resident_id"}, "subject_id_number"),
    ],
)
def test_invalid_penalties_get_field_errors_and_nothing_is_saved(world, overrides, field):
    with pytest.raises(ValidationError) as raised:
        services.disclosure_create(kind="penalty", data=penalty_data(world, **overrides), actor=None)
    assert field in _errors(raised), _errors(raised)
    assert not PenaltyDisclosure.objects.exists() and not AuditEvent.objects.exists()


def test_a_natural_person_needs_an_id_and_no_organization_codes(world):
    base = penalty_data(world, subject_kind="natural_person", subject_name="王某", legal_representative="")
    with pytest.raises(ValidationError) as raised:
        services.disclosure_create(kind="penalty", data=base, actor=None)
    assert {"subject_id_type", "subject_id_number", "subject_uscc"} <= set(_errors(raised))
    person = {**base, "subject_uscc": "", "subject_id_type": "resident_id", "subject_id_number": make_resident_id(3)}
    record = services.disclosure_create(kind="penalty", data=person, actor=None)
    assert record.masked_subject_id_number.count("*") == 8


def test_messages_follow_the_language(world):
    from django.utils import translation

    messages = {}
    for language in ("en", "zh-hans"):
        with translation.override(language), pytest.raises(ValidationError) as raised:
            services.disclosure_create(kind="penalty", data=penalty_data(world, fine_amount=None), actor=None)
        messages[language] = raised.value.message_dict["fine_amount"][0]
    assert "amount" in messages["en"] and "金额" in messages["zh-hans"]


def test_a_decision_number_is_unique_per_authority_but_not_across(world):
    services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None)
    with pytest.raises(ValidationError) as raised:
        services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None)
    assert "decision_number" in _errors(raised)
    other = penalty_data(world, authority=world.other_department, data_source=world.other_department)
    services.disclosure_create(kind="penalty", data=other, actor=None)


def test_nobody_publishes_what_they_entered(world, reviewer):
    RoleAssignment.objects.create(user=reviewer, role=Role.STAFF, organization=world.department)  # enters too
    record = services.disclosure_create(kind="penalty", data=penalty_data(world), actor=reviewer)
    with pytest.raises(ValidationError, match="其他审核员"):
        services.disclosure_publish(record=record, actor=reviewer)
    other_reviewer = user_with_role(Role.REVIEWER, world.department)
    published = services.disclosure_publish(record=record, actor=other_reviewer)
    assert published.status == PublicationStatus.PUBLISHED and published.version == 1
    assert published.published_by == other_reviewer


def test_publish_records_a_version_with_the_national_payload(world, reviewer):
    record = services.disclosure_create(kind="penalty", data=penalty_data(world), actor=world.user(OWN_ORG))
    services.disclosure_publish(record=record, actor=reviewer)
    version = PublicationVersion.objects.get(record_id=record.pk)
    assert version.record_type == "disclosures.penalty" and version.version == 1 and version.action == "publish"
    assert version.payload["CF_WSH"] == "杭市监罚〔2026〕1号" and version.payload["CF_NR_FK"] == "0.2"
    assert version.payload["CF_CFLB"] == "罚款" and version.payload["CF_XDR_LB"] == "法人及非法人组织"
    assert version.payload["CF_CFJGDM"] == world.department.uscc


def test_on_time_is_derived_from_the_publication_date(world, reviewer, monkeypatch):
    from django.utils import timezone

    recent = timezone.localdate() - datetime.timedelta(days=1)
    record = services.disclosure_create(kind="penalty", data=penalty_data(world, decided_on=recent), actor=None)
    assert services.disclosure_publish(record=record, actor=reviewer).on_time is True
    late = services.disclosure_create(
        kind="penalty", data=penalty_data(world, decided_on=D(2026, 1, 5), decision_number="晚1"), actor=None
    )
    assert services.disclosure_publish(record=late, actor=reviewer).on_time is False


def test_drafts_are_edited_published_records_are_corrected(world, reviewer):
    record = services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None)
    record = services.disclosure_update(
        record=record, data={"penalty_content": "罚款贰仟元"}, actor=world.user(OWN_ORG)
    )
    assert record.penalty_content == "罚款贰仟元"
    record = services.disclosure_publish(record=record, actor=reviewer)
    with pytest.raises(ValidationError, match=r"Only drafts|草稿"):
        services.disclosure_update(record=record, data={"penalty_content": "x"}, actor=None)
    with pytest.raises(ValidationError) as raised:
        services.disclosure_correct(
            record=record, data={"penalty_content": "罚款人民币贰仟元整"}, reason="", actor=reviewer
        )
    assert "reason" in _errors(raised)
    corrected = services.disclosure_correct(
        record=record, data={"penalty_content": "罚款人民币贰仟元整"}, reason="更正处罚内容笔误", actor=reviewer
    )
    assert corrected.version == 2 and corrected.corrected_at and corrected.status == PublicationStatus.PUBLISHED
    versions = list(publication_history(corrected).values_list("version", "action", "payload__CF_NR"))
    assert versions == [(1, "publish", "罚款贰仟元"), (2, "correct", "罚款人民币贰仟元整")]


def test_a_correction_is_validated_like_an_entry(world, reviewer):
    record = services.disclosure_publish(
        record=services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None), actor=reviewer
    )
    with pytest.raises(ValidationError) as raised:
        services.disclosure_correct(record=record, data={"fine_amount": None}, reason="去掉金额", actor=reviewer)
    assert "fine_amount" in _errors(raised)
    record.refresh_from_db()
    assert record.version == 1 and record.fine_amount == Decimal("0.2")


def test_withdrawal_needs_a_reason_and_keeps_the_record(world, reviewer):
    record = services.disclosure_publish(
        record=services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None), actor=reviewer
    )
    with pytest.raises(ValidationError):
        services.disclosure_withdraw(record=record, reason="", actor=reviewer)
    withdrawn = services.disclosure_withdraw(record=record, reason="行政复议撤销原决定", actor=reviewer)
    assert withdrawn.status == PublicationStatus.WITHDRAWN and withdrawn.withdrawal_reason == "行政复议撤销原决定"
    assert not PenaltyDisclosure.objects.public().exists() and PenaltyDisclosure.objects.filter(pk=record.pk).exists()
    with pytest.raises(ValidationError):
        services.disclosure_publish(record=withdrawn, actor=reviewer)
    # A withdrawn decision number may be used again.
    services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None)


def test_licences_validity_and_long_term(world):
    data = {
        "subject_name": "杭州某餐饮有限公司",
        "subject_kind": "legal_person",
        "subject_uscc": "91330100716105852F",
        "legal_representative": "李四",
        "decision_document_name": "食品经营许可决定书",
        "decision_number": "",
        "license_number": "JY233010600012",
        "license_category": "ordinary",
        "decided_on": D(2026, 11, 2),
        "valid_from": D(2026, 11, 2),
        "valid_until": D(2099, 12, 31),
        "authority": world.department,
        "data_source": world.department,
    }
    record = services.disclosure_create(kind="license", data=data, actor=None)
    assert record.decision_number == "JY233010600012" and record.is_long_term and record.publicity_ends_on is None
    with pytest.raises(ValidationError) as raised:
        services.disclosure_create(
            kind="license", data={**data, "decision_number": "X2", "valid_until": D(2026, 1, 1)}, actor=None
        )
    assert "valid_until" in _errors(raised)
    assert LicenseDisclosure.objects.count() == 1


def test_publicity_ends_when_due_and_the_sweep_is_idempotent(world, reviewer):
    record = services.disclosure_publish(
        record=services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None), actor=reviewer
    )
    assert end_due_publicity(today=D(2029, 9, 30)) == 0
    assert end_due_publicity(today=D(2029, 10, 1)) == 1
    assert end_due_publicity(today=D(2029, 10, 1)) == 0
    record.refresh_from_db()
    assert record.status == PublicationStatus.PUBLICITY_ENDED
    assert list(publication_history(record).values_list("action", flat=True)) == ["publish", "end_publicity"]


def test_overdue_drafts_notify_reviewers_and_supervisors_once(world, reviewer, django_capture_on_commit_callbacks):
    services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_overdue_drafts(today=D(2026, 10, 16)) == 1
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {reviewer.pk, world.user(SUPERVISOR).pk}
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [reviewer.email, world.user(SUPERVISOR).email]
    )
    assert services.flag_overdue_drafts(today=D(2026, 10, 17)) == 0
    assert services.flag_overdue_drafts(today=D(2026, 10, 15)) == 0


def test_deadline_on_the_last_day_is_not_overdue(world):
    services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None)
    assert not PenaltyDisclosure.objects.overdue(D(2026, 10, 15)).exists()
    assert PenaltyDisclosure.objects.overdue(D(2026, 10, 16)).exists()


def test_provisional_deadlines_are_recounted_when_holidays_arrive(world, monkeypatch):
    from disclosures import validation

    monkeypatch.setattr(validation.timezone, "localdate", lambda: D(2026, 12, 31))
    record = services.disclosure_create(
        kind="penalty", data=penalty_data(world, decided_on=D(2026, 12, 28)), actor=None
    )
    assert record.deadline_provisional and record.publish_deadline == D(2027, 1, 6)
    CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
    CalendarYear.objects.create(year=2027, complete=True)
    assert services.recompute_publish_deadlines([2027]) == 1
    record.refresh_from_db()
    assert not record.deadline_provisional and record.publish_deadline == D(2027, 1, 7)


def test_a_renamed_authority_does_not_change_what_was_published(client, world):
    from core.ledger import verify_ledger
    from disclosures import national

    record = factories.make_penalty(world.department)
    old_name, old_code = world.department.name, world.department.uscc
    _clerk, reviewer = factories.clerk_and_reviewer(world.department)
    world.department.name = "甲区市场监督管理局（机构改革后）"
    world.department.save(update_fields=["name"])
    record = PenaltyDisclosure.objects.select_related("authority", "data_source").get(pk=record.pk)
    document = national.to_national(record, "penalty")
    assert (document["CF_CFJG"], document["CF_CFJGDM"], document["CF_SJLY"]) == (old_name, old_code, old_name)
    assert verify_ledger().ok  # the published document is unchanged, so the ledger still matches
    assert old_name in client.get(f"/disclosures/penalties/{record.pk}/").content.decode()
    assert old_name in client.get("/disclosures/penalties/").content.decode()

    corrected = services.disclosure_correct(
        record=record, data={"penalty_content": "警告，罚款二千元整"}, reason="补全处罚内容", actor=reviewer
    )
    assert national.to_national(corrected, "penalty")["CF_CFJG"] == "甲区市场监督管理局（机构改革后）"
    assert verify_ledger().ok


def test_drafts_read_their_organizations_as_they_are_now(world):
    from disclosures import national

    draft = factories.make_penalty(world.department, published=False)
    assert draft.authority_name == ""
    world.department.name = "甲区新名称"
    world.department.save(update_fields=["name"])
    draft = PenaltyDisclosure.objects.select_related("authority", "data_source").get(pk=draft.pk)
    assert national.to_national(draft, "penalty")["CF_CFJG"] == "甲区新名称"
