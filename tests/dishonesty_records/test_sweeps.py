"""The beat's sweeps: each acts once per thing, says so once, and two at once do no harm (SKIP LOCKED)."""

import datetime
import time

import pytest
from django.core import mail

from core import sweeps as core_sweeps
from core.models import AuditEvent, LedgerEntry, Notification
from core.publication import PublicationStatus
from core.publishing import history
from core.sweeps import end_due_publicity
from dishonesty_records import services
from dishonesty_records.choices import ObligationKind, RectificationState
from dishonesty_records.models import DishonestyRecord, Obligation
from sharing.models import OutboxEntry
from tests.concurrency import run_at_once
from tests.permissions import OWN_ORG, SUPERVISOR

from ..conftest import uses_postgresql
from .factories import evidence, make_record, make_repairable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
D = datetime.date
EXPLANATION_DUE = D(2026, 6, 15)
PUBLICITY_ENDS = D(2027, 6, 1)  # a general record determined on 1 June 2026: twelve months


def published(world, people, **overrides):
    return make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
        **overrides,
    )


def subject_side(world, people) -> set[int]:
    return {people["staff"].pk, people["reviewer"].pk, world.user(OWN_ORG).pk}


def supervisors(world, people) -> set[int]:
    return {people["supervisor"].pk, people["second_supervisor"].pk, world.user(SUPERVISOR).pk}


def recipients(kind: str) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


# --- overdue obligations --------------------------------------------------------------------------------


def test_overdue_obligations_are_escalated_to_both_sides_once(world, people, clock, django_capture_on_commit_callbacks):
    record = published(world, people)
    clock.set(EXPLANATION_DUE)
    assert services.escalate_overdue_obligations() == 0
    clock.set(EXPLANATION_DUE + datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue_obligations() == 1
    everyone = subject_side(world, people) | supervisors(world, people)
    assert recipients("dishonesty.overdue") == sorted(everyone)
    notice = Notification.objects.filter(kind="dishonesty.overdue").first()
    assert notice.subject == f"Overdue: Written explanation (书面说明) for {record.reference}, due 2026-06-15"
    assert len({address for message in mail.outbox for address in message.to}) == len(everyone)
    assert DishonestyRecord.objects.get(pk=record.pk).rectification_state == RectificationState.OVERDUE
    explanation = Obligation.objects.get(record=record, kind=ObligationKind.EXPLANATION)
    assert explanation.escalated_at is not None
    # Again, and the day after: nothing new.
    assert services.escalate_overdue_obligations() == 0
    clock.advance(1)
    assert services.escalate_overdue_obligations() == 0
    assert Notification.objects.filter(kind="dishonesty.overdue").count() == len(everyone)
    assert AuditEvent.objects.filter(action="obligation.overdue").count() == 1


def test_returned_with_more_time_and_late_again_is_escalated_again(world, people, clock):
    record = published(world, people)
    clock.set(D(2026, 6, 16))
    assert services.escalate_overdue_obligations() == 1
    explanation = Obligation.objects.get(record=record, kind=ObligationKind.EXPLANATION)
    services.obligation_submit(obligation=explanation, text="补交书面说明及相关材料。", actor=people["staff"])
    services.obligation_return(
        obligation=explanation, reason="说明不完整", actor=people["supervisor"], extra_working_days=2
    )
    assert Obligation.objects.get(pk=explanation.pk).due_on == D(2026, 6, 18)
    clock.set(D(2026, 6, 22))
    assert services.escalate_overdue_obligations() == 1
    subjects = set(Notification.objects.filter(kind="dishonesty.overdue").values_list("subject", flat=True))
    assert {s[-10:] for s in subjects} == {"2026-06-15", "2026-06-18"}


def test_a_withdrawn_records_obligations_are_no_longer_chased(world, people, clock):
    record = published(world, people)
    services.record_withdraw(record=record, reason="原判决经再审撤销", actor=people["supervisor"])
    clock.set(D(2026, 6, 16))
    assert services.escalate_overdue_obligations() == 0
    assert not Notification.objects.filter(kind="dishonesty.overdue").exists()
    assert DishonestyRecord.objects.get(pk=record.pk).rectification_state == RectificationState.IN_PROGRESS


# --- ready for a ruling --------------------------------------------------------------------------------


def test_supervisors_hear_once_that_proposals_await_their_ruling(world, people, clock):
    first = make_record(world.department, proposer=people["staff"])
    second = make_record(world.department, proposer=people["staff"])
    assert services.notify_ready_for_ruling() == 0  # the objection period is open
    clock.set(D(2026, 6, 9))
    assert services.notify_ready_for_ruling() == 2
    notices = Notification.objects.filter(kind="dishonesty.ready_for_ruling")
    assert sorted(notices.values_list("recipient", flat=True)) == sorted(supervisors(world, people))
    notice = notices.first()
    assert notice.subject == "2 dishonesty records await your ruling"
    assert notice.body == f"{first.reference}、{second.reference}"
    assert services.notify_ready_for_ruling() == 0
    clock.advance(1)
    assert services.notify_ready_for_ruling() == 0
    assert notices.count() == 3


def test_an_objection_or_a_waiver_makes_a_proposal_ready_at_once(world, people):
    objected = make_record(world.department, proposer=people["staff"])
    services.record_object(record=objected, statement="我们不同意该认定，理由如下……", actor=people["staff"])
    waived = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    make_record(world.department, proposer=people["staff"])  # still open
    assert services.notify_ready_for_ruling() == 2
    notified = set(DishonestyRecord.objects.filter(ruling_notified_at__isnull=False).values_list("pk", flat=True))
    assert notified == {objected.pk, waived.pk}


# --- repair reviews -------------------------------------------------------------------------------------


def test_a_repair_review_past_ten_working_days_is_flagged_once(world, people, clock):
    record = make_repairable(world.department, people=people, determined_on=D(2026, 1, 5))
    application = services.repair_apply(
        record=record, statement="已全额履行判决，并建立资金拨付台账制度。", actor=people["staff"], files=[evidence()]
    )
    assert application.review_due_on == D(2026, 6, 15)
    clock.set(D(2026, 6, 15))
    assert services.flag_overdue_repair_reviews() == 0
    clock.set(D(2026, 6, 16))
    assert services.flag_overdue_repair_reviews() == 1
    assert recipients("dishonesty.repair_overdue") == sorted(supervisors(world, people))
    assert services.flag_overdue_repair_reviews() == 0
    assert Notification.objects.filter(kind="dishonesty.repair_overdue").count() == 3


# --- end of publicity ------------------------------------------------------------------------------------


def test_publicity_ends_after_its_last_day_without_a_ledger_entry_and_once(world, people, clock):
    record = published(world, people)
    later = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
        severity="serious",
    )
    clock.set(PUBLICITY_ENDS)
    assert end_due_publicity() == 0
    assert set(DishonestyRecord.objects.public()) == {record, later}  # the last day is still public
    clock.set(PUBLICITY_ENDS + datetime.timedelta(days=1))
    assert end_due_publicity() == 1
    assert end_due_publicity() == 0
    ended = DishonestyRecord.objects.get(pk=record.pk)
    assert ended.status == PublicationStatus.PUBLICITY_ENDED and ended.display_state == "publicity_ended"
    assert ended.publicity_ended_at is not None
    assert list(DishonestyRecord.objects.public()) == [later]
    assert list(history(ended).values_list("action", flat=True)) == ["publish", "end_publicity"]
    # Ending at the date the record already carried changes nothing the public or the platform was told.
    assert list(LedgerEntry.objects.filter(record_id=record.pk).values_list("action", flat=True)) == ["publish"]
    assert list(OutboxEntry.objects.filter(record_id=record.pk).values_list("action", flat=True)) == ["publish"]
    assert AuditEvent.objects.filter(action="dishonesty_records.record.end_publicity").count() == 1


# --- two beats at once --------------------------------------------------------------------------------


@pytest.mark.skipif(not uses_postgresql(), reason="row locks (SKIP LOCKED) need PostgreSQL; CI runs it")
@pytest.mark.django_db(transaction=True)
def test_two_escalation_sweeps_at_once_escalate_each_obligation_once(world, people, clock, monkeypatch):
    records = [published(world, people) for _ in range(8)]
    real_notify = core_sweeps.notify

    def slow_notify(**kwargs):
        time.sleep(0.01)  # inside the batch's transaction: the two sweeps overlap
        return real_notify(**kwargs)

    monkeypatch.setattr(core_sweeps, "notify", slow_notify)
    clock.set(D(2026, 7, 15))  # both obligations of every record are late
    results = run_at_once(lambda: services.escalate_overdue_obligations(batch_size=3))
    assert sum(results) == 16
    assert AuditEvent.objects.filter(action="obligation.overdue").count() == 16
    per_obligation = len(subject_side(world, people) | supervisors(world, people))
    assert Notification.objects.filter(kind="dishonesty.overdue").count() == 16 * per_obligation
    late = DishonestyRecord.objects.filter(pk__in=[r.pk for r in records])
    assert set(late.values_list("rectification_state", flat=True)) == {RectificationState.OVERDUE}


@pytest.mark.skipif(not uses_postgresql(), reason="row locks (SKIP LOCKED) need PostgreSQL; CI runs it")
@pytest.mark.django_db(transaction=True)
def test_two_publicity_sweeps_at_once_end_each_record_once(world, people, clock, monkeypatch):
    from core import publishing

    records = [published(world, people) for _ in range(8)]
    real_apply = core_sweeps.apply_transition

    def slow_apply(*args, **kwargs):
        time.sleep(0.02)
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(core_sweeps, "apply_transition", slow_apply)
    clock.set(PUBLICITY_ENDS + datetime.timedelta(days=1))
    results = run_at_once(lambda: end_due_publicity(batch_size=3))
    assert sum(results) == 8
    for record in records:
        assert [v.action for v in publishing.history(record)] == ["publish", "end_publicity"]
