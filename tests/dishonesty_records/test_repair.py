"""Credit repair (信用修复): when the subject may apply, what it must bring, and what approval and refusal do."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.ledger import verify_ledger
from core.models import AuditEvent, LedgerEntry, Notification
from core.publication import PublicationStatus
from core.publishing import history
from core.sweeps import end_due_publicity
from dishonesty_records import services
from dishonesty_records.choices import DisplayState, ObligationKind, RepairStatus
from dishonesty_records.models import DishonestyRecord, Obligation, RepairApplication
from sharing.models import OutboxEntry
from tests.permissions import OTHER_ORG

from .factories import MONDAY, evidence, make_record, make_repairable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
D = datetime.date
STATEMENT = "已全额履行（2026）浙0106执123号判决，并建立财政资金拨付台账，杜绝再次发生。"


@pytest.fixture
def repairable(world, people):
    """Determined on 5 January 2026: the three-month minimum ended on 5 April."""
    return make_repairable(world.department, people=people, determined_on=D(2026, 1, 5))


def apply(record, people, **arguments):
    return services.repair_apply(
        record=record, **{"statement": STATEMENT, "actor": people["staff"], "files": [evidence()], **arguments}
    )


def message(raised) -> str:
    return " ".join(raised.value.messages)


def fresh(record) -> DishonestyRecord:
    return DishonestyRecord.objects.get(pk=record.pk)


# --- when the subject may apply ------------------------------------------------------------------------


def test_an_application_before_the_minimum_period_is_refused_with_the_date(world, people, clock):
    record = make_repairable(world.department, people=people, determined_on=MONDAY)
    expected = "Credit repair can be applied for from 2026-09-01, when the minimum publicity period ends."
    assert services.repair_refusal(record) == expected
    clock.set(D(2026, 8, 31))
    with pytest.raises(ValidationError) as raised:
        apply(record, people)
    assert message(raised) == expected and raised.value.code == "illegal_transition"
    assert not RepairApplication.objects.exists()
    clock.set(D(2026, 9, 1))  # the day the minimum ends
    assert services.repair_refusal(fresh(record)) is None
    assert apply(record, people).status == RepairStatus.SUBMITTED


def test_the_minimum_follows_the_severity_rule(world, people):
    record = make_repairable(world.department, people=people, determined_on=D(2026, 1, 5), severity="serious")
    with pytest.raises(ValidationError, match="from 2026-07-05, when the minimum publicity period ends"):
        apply(record, people)


def test_no_repair_while_the_explanation_or_rectification_is_open(world, people, clock):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    record = services.record_confirm(
        record=record,
        reason="事实清楚",
        actor=people["supervisor"],
        determined_on=D(2026, 1, 5),
        rectification_requirement="建立资金拨付台账并提交履行凭证。",
    )
    record = services.record_publish(record=record, actor=people["supervisor"])
    refusal = "The written explanation and the rectification must be accepted first."
    with pytest.raises(ValidationError) as raised:
        apply(record, people)
    assert message(raised) == refusal
    clock.set(D(2026, 7, 20))
    services.escalate_overdue_obligations()
    assert services.repair_refusal(fresh(record)) == refusal  # overdue: all the more so
    for kind in (ObligationKind.EXPLANATION, ObligationKind.RECTIFICATION):
        obligation = Obligation.objects.get(record=record, kind=kind)
        services.obligation_submit(obligation=obligation, text="已完成并提交相关证明材料。", actor=people["staff"])
        services.obligation_accept(obligation=obligation, actor=people["supervisor"])
    assert apply(record, people).status == RepairStatus.SUBMITTED


def test_only_a_published_record_is_repaired(world, people):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    record = services.record_confirm(
        record=record, reason="事实清楚", actor=people["supervisor"], determined_on=D(2026, 1, 5)
    )
    with pytest.raises(ValidationError) as raised:
        apply(record, people)
    assert message(raised) == "Only a published record can be repaired."


def test_the_application_needs_a_statement_and_evidence_field_by_field(people, repairable):
    with pytest.raises(ValidationError) as raised:
        apply(repairable, people, statement="已整改", files=[])
    assert raised.value.message_dict == {
        "statement": ["Describe the rectification and why credit should be restored."],
        "files": ["Attach at least one file as evidence."],
    }
    with pytest.raises(ValidationError) as raised:
        apply(repairable, people, files=[evidence("报告.rar")])
    assert list(raised.value.message_dict) == ["files"]
    assert not RepairApplication.objects.exists()


def test_only_the_subjects_side_applies(world, people, repairable):
    for outsider in (people["supervisor"], world.user(OTHER_ORG)):
        with pytest.raises(PermissionDenied):
            apply(repairable, people, actor=outsider)


def test_an_application_is_reviewed_within_ten_working_days_and_supervisors_hear_of_it(world, people, repairable):
    application = apply(repairable, people, actor=people["reviewer"], files=[evidence("履行凭证.pdf")])
    assert application.review_due_on == D(2026, 6, 15) and not application.review_due_provisional
    assert application.submitted_by == people["reviewer"]
    assert list(application.evidence.values_list("stage", "original_name")) == [("repair", "履行凭证.pdf")]
    notice = Notification.objects.filter(kind="dishonesty.repair_applied", recipient=people["supervisor"]).get()
    assert notice.body == "Decide by 2026-06-15."
    assert AuditEvent.objects.filter(action="repair.apply", target_id=str(application.pk)).exists()


def test_one_application_at_a_time(people, repairable):
    apply(repairable, people)
    with pytest.raises(ValidationError) as raised:
        apply(repairable, people, actor=people["reviewer"])
    assert message(raised) == "An application is already under review."
    assert RepairApplication.objects.count() == 1


# --- the decision ---------------------------------------------------------------------------------------


def test_approval_takes_the_record_off_public_view_with_a_ledger_entry_and_a_push(world, people, repairable):
    application = apply(repairable, people)
    with pytest.raises(PermissionDenied):
        services.repair_approve(application=application, reason="同意修复", actor=people["staff"])
    with pytest.raises(ValidationError) as raised:
        services.repair_approve(application=application, reason="", actor=people["supervisor"])
    assert raised.value.message_dict == {"reason": ["Give the reasons for the decision."]}
    services.repair_approve(application=application, reason="整改到位，材料齐全，同意修复", actor=people["supervisor"])
    application.refresh_from_db()
    assert application.status == RepairStatus.APPROVED and application.decided_at
    assert application.result_shared_by == D(2026, 6, 4)  # three working days to tell the deciding unit
    record = fresh(repairable)
    assert record.status == PublicationStatus.REPAIRED and record.display_state == DisplayState.REPAIRED
    assert record.publicity_ended_at is not None
    assert not DishonestyRecord.objects.public().exists() and DishonestyRecord.objects.filter(pk=record.pk).exists()
    assert list(history(record).values_list("action", "reason")) == [
        ("publish", ""),
        ("repair", "整改到位，材料齐全，同意修复"),
    ]
    assert list(LedgerEntry.objects.filter(record_id=record.pk).values_list("action", flat=True)) == [
        "publish",
        "repair",
    ]
    assert OutboxEntry.objects.filter(record_id=record.pk, action="repair").count() == 1
    assert verify_ledger().ok
    told = Notification.objects.filter(kind="dishonesty.repair_decided")
    assert told.filter(recipient=people["staff"], subject=f"Credit repair approved: {record.reference}").exists()
    assert told.filter(recipient=people["second_supervisor"]).exists()  # the confirming authority's supervisors
    with pytest.raises(ValidationError) as raised:
        services.repair_approve(application=application, reason="再次同意", actor=people["supervisor"])
    assert message(raised) == "This application was already decided (approved)."
    with pytest.raises(ValidationError, match="Only a published record can be repaired"):
        apply(record, people)


def test_a_refusal_keeps_the_record_public_and_the_subject_may_apply_again(people, repairable):
    first = apply(repairable, people)
    with pytest.raises(ValidationError) as raised:
        services.repair_reject(application=first, reason="无", actor=people["supervisor"])
    assert raised.value.message_dict == {"reason": ["Give the reasons for the decision."]}
    services.repair_reject(application=first, reason="未提供履行判决的银行凭证", actor=people["supervisor"])
    first.refresh_from_db()
    assert (first.status, first.decision_reason) == (RepairStatus.REJECTED, "未提供履行判决的银行凭证")
    assert fresh(repairable).status == PublicationStatus.PUBLISHED
    assert Notification.objects.filter(
        kind="dishonesty.repair_decided", recipient=people["staff"], body="未提供履行判决的银行凭证"
    ).exists()
    assert not LedgerEntry.objects.filter(record_id=repairable.pk, action="repair").exists()
    with pytest.raises(ValidationError, match=r"already decided \(rejected\)"):
        services.repair_approve(application=first, reason="同意修复", actor=people["supervisor"])
    second = apply(repairable, people, statement=STATEMENT + "补充银行回单。")
    assert second.status == RepairStatus.SUBMITTED
    assert list(RepairApplication.objects.filter(record=repairable).values_list("status", flat=True)) == [
        RepairStatus.SUBMITTED,
        RepairStatus.REJECTED,
    ]


def test_an_application_whose_record_leaves_public_view_is_closed_and_the_applicant_told(people, repairable, clock):
    pending = services.repair_apply(record=repairable, statement=STATEMENT, actor=people["staff"], files=[evidence()])
    clock.set(repairable.publicity_ends_on + datetime.timedelta(days=1))
    assert end_due_publicity() == 1
    pending.refresh_from_db()
    assert pending.status == RepairStatus.CLOSED and "Publicity ended" in pending.decision_reason
    assert Notification.objects.filter(
        recipient=people["staff"], subject__startswith="Credit repair application closed"
    ).exists()
    assert services.repair_refusal(DishonestyRecord.objects.get(pk=repairable.pk)) is not None
    with pytest.raises(ValidationError, match="already decided"):
        services.repair_approve(application=pending, reason="同意修复。", actor=people["supervisor"])


def test_withdrawing_the_record_closes_its_pending_application(people, repairable):
    pending = services.repair_apply(record=repairable, statement=STATEMENT, actor=people["staff"], files=[evidence()])
    services.record_withdraw(record=repairable, reason="原判决已被撤销。", actor=people["supervisor"])
    pending.refresh_from_db()
    assert pending.status == RepairStatus.CLOSED and "原判决已被撤销" in pending.decision_reason
