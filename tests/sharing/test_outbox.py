"""The outbox and the pusher, against the real stand-in over HTTP."""

import datetime
import time

import pytest
from django.db import transaction
from django.utils import timezone

from core.models import Notification
from core.publication import PublicationAction
from core.sweeps import end_due_publicity
from disclosures import services as disclosures
from mock_national.models import ReceivedRecord
from organizations.choices import Role
from organizations.models import Organization
from sharing import services
from sharing.choices import AttemptOutcome, OutboxStatus
from sharing.client import NationalPlatform
from sharing.models import DeliveryAttempt, OutboxEntry
from tests.concurrency import run_at_once
from tests.conftest import uses_postgresql
from tests.disclosures.factories import clerk_and_reviewer, make_penalty
from tests.factories import make_organization, user_with_role

from .conftest import faults

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def department():
    city = make_organization(name="推送市人民政府")
    return make_organization(parent=city, name="推送市市场监管局")


def _accepted_upstream():
    return ReceivedRecord.objects.filter(accepted=True)


# --- queueing ---------------------------------------------------------------------------------------


def test_every_announced_action_queues_one_entry_and_ending_publicity_queues_none(department):
    record = make_penalty(department)
    _clerk, reviewer = clerk_and_reviewer(department)
    disclosures.disclosure_correct(record=record, data={"fine_amount": "0.5"}, reason="金额录入错误", actor=reviewer)
    record.refresh_from_db()
    disclosures.disclosure_withdraw(record=record, reason="决定已被撤销", actor=reviewer)
    entries = list(OutboxEntry.objects.order_by("id").values_list("version", "action", "idempotency_key", "scope_path"))
    assert entries == [
        (1, PublicationAction.PUBLISH, f"disclosures.penalty:{record.pk}:v1:publish", department.path),
        (2, PublicationAction.CORRECT, f"disclosures.penalty:{record.pk}:v2:correct", department.path),
        (2, PublicationAction.WITHDRAW, f"disclosures.penalty:{record.pk}:v2:withdraw", department.path),
    ]
    ending = make_penalty(department, decided_on=datetime.date(2020, 1, 6))
    before = OutboxEntry.objects.count()
    assert end_due_publicity(today=datetime.date(2030, 1, 1)) >= 1
    ending.refresh_from_db()
    assert ending.status == "publicity_ended"
    assert OutboxEntry.objects.count() == before


def test_a_rolled_back_publish_leaves_no_outbox_row_and_sends_nothing(department, national):
    draft = make_penalty(department, published=False)
    _clerk, reviewer = clerk_and_reviewer(department)
    with pytest.raises(RuntimeError), transaction.atomic():
        disclosures.disclosure_publish(record=draft, actor=reviewer)
        assert OutboxEntry.objects.filter(record_id=draft.pk).exists()  # written inside the transaction
        raise RuntimeError("the rest of the caller's work failed")
    assert not OutboxEntry.objects.exists()
    report = services.push_pending(budget_seconds=10, platform=national)
    assert report.batches == 0
    assert not ReceivedRecord.objects.exists()


# --- delivery ---------------------------------------------------------------------------------------


def test_published_records_are_delivered_with_the_receipts_the_platform_gave(department, national):
    records = [make_penalty(department) for _ in range(3)]
    report = services.push_pending(budget_seconds=30, platform=national)
    assert (report.batches, report.delivered) == (1, 3)
    for record in records:
        entry = OutboxEntry.objects.get(record_id=record.pk)
        assert entry.status == OutboxStatus.DELIVERED and entry.delivered_at is not None
        upstream = _accepted_upstream().get(record_id=str(record.pk))
        assert entry.receipt_id == str(upstream.receipt_id)
        assert upstream.data["CF_XDR_MC"] == record.subject_name  # the national codes, unmasked
        assert entry.tries.get().outcome == AttemptOutcome.ACCEPTED
    assert services.push_pending(budget_seconds=5, platform=national).batches == 0  # nothing twice


def test_batches_respect_the_batch_size(department, national, settings):
    settings.SHARING = {**settings.SHARING, "BATCH_SIZE": 2}
    for _ in range(5):
        make_penalty(department)
    report = services.push_pending(budget_seconds=30, platform=national)
    assert (report.batches, report.delivered) == (3, 5)
    assert DeliveryAttempt.objects.values("batch_key").distinct().count() == 3


def test_a_rejected_record_is_marked_with_its_reasons_and_the_department_is_told(department, national, settings):
    record = make_penalty(department)
    clerk, reviewer = clerk_and_reviewer(department)
    faults(settings, REJECT_RATE=1.0)
    report = services.push_pending(budget_seconds=10, platform=national)
    assert report.rejected == 1
    entry = OutboxEntry.objects.get(record_id=record.pk)
    assert entry.status == OutboxStatus.REJECTED
    assert entry.rejection_reasons and "REJECT_RATE" in entry.rejection_reasons[0]["message"]
    told = Notification.objects.filter(kind="sharing.rejected")
    assert set(told.values_list("recipient", flat=True)) == {clerk.pk, reviewer.pk}
    assert services.push_pending(budget_seconds=5, platform=national).batches == 0  # a data problem: no retry


def test_server_errors_back_off_then_dead_letter_then_replay_delivers(department, national, settings):
    record = make_penalty(department)
    supervisor = user_with_role(Role.SUPERVISOR, Organization.objects.get(name="推送市人民政府"))
    settings.SHARING = {**settings.SHARING, "MAX_ATTEMPTS": 3, "BACKOFF_BASE_SECONDS": 60, "BACKOFF_CAP_SECONDS": 60}
    faults(settings, ERROR_RATE=1.0)
    before = timezone.now()
    services.push_pending(budget_seconds=10, platform=national)
    entry = OutboxEntry.objects.get(record_id=record.pk)
    assert (entry.status, entry.attempts) == (OutboxStatus.PENDING, 1)
    assert entry.last_status_code in (500, 503)
    assert before <= entry.next_attempt_at <= timezone.now() + datetime.timedelta(seconds=60)
    for _ in range(2):  # the back-off has not elapsed: make the entry due, as time would
        OutboxEntry.objects.filter(pk=entry.pk).update(next_attempt_at=timezone.now())
        services.push_pending(budget_seconds=10, platform=national)
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == (OutboxStatus.FAILED, 3)
    assert Notification.objects.filter(kind="sharing.failed", recipient=supervisor).count() == 1
    assert services.push_pending(budget_seconds=5, platform=national).batches == 0  # dead letters stay put
    faults(settings, ERROR_RATE=0.0)
    assert services.outbox_replay(entries=[entry], actor=supervisor) == 1
    services.push_pending(budget_seconds=10, platform=national)
    entry.refresh_from_db()
    assert entry.status == OutboxStatus.DELIVERED
    assert list(entry.tries.values_list("outcome", flat=True)) == [
        *[AttemptOutcome.SERVER_ERROR] * 3,
        AttemptOutcome.ACCEPTED,
    ]


def test_throttling_honours_retry_after_and_does_not_count_as_a_failure(department, national, settings):
    record = make_penalty(department)
    faults(settings, THROTTLE_RATE=1.0, RETRY_AFTER_SECONDS=7)
    started = timezone.now()
    services.push_pending(budget_seconds=10, platform=national)
    entry = OutboxEntry.objects.get(record_id=record.pk)
    assert (entry.status, entry.attempts, entry.last_status_code) == (OutboxStatus.PENDING, 0, 429)
    wait = (entry.next_attempt_at - started).total_seconds()
    assert 6 <= wait <= 9
    assert entry.tries.get().outcome == AttemptOutcome.THROTTLED


def test_a_hung_connection_times_out_and_is_retried(department, national, settings):
    record = make_penalty(department)
    # One attempt only in this drain: the retry is not due before the budget is spent.
    settings.SHARING = {**settings.SHARING, "READ_TIMEOUT_SECONDS": 0.5}
    impatient = NationalPlatform()
    faults(settings, HANG_RATE=1.0, HANG_SECONDS=2.0)
    # One batch, one attempt: a drain would retry after the full-jitter back-off, which may be ~0 s.
    services.push_batch(platform=impatient)
    entry = OutboxEntry.objects.get(record_id=record.pk)
    assert entry.status == OutboxStatus.PENDING
    assert entry.tries.get().outcome == AttemptOutcome.TIMEOUT
    faults(settings, HANG_RATE=0.0)
    OutboxEntry.objects.filter(pk=entry.pk).update(next_attempt_at=timezone.now())
    # The hung request still finishes on the server, and is applied there: wait for it.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not _accepted_upstream().filter(record_id=str(record.pk)).exists():
        time.sleep(0.1)
    services.push_pending(budget_seconds=10, platform=national)
    entry.refresh_from_db()
    assert entry.status == OutboxStatus.DELIVERED
    assert _accepted_upstream().filter(record_id=str(record.pk)).count() == 1


def test_a_lost_answer_is_sent_again_and_applied_once(department, national, settings):
    records = [make_penalty(department) for _ in range(4)]
    faults(settings, ERROR_AFTER_APPLY_RATE=1.0)
    # One batch, one attempt: a drain with the fixture's 0.05 s back-off could spend all of MAX_ATTEMPTS
    # inside its budget and dead-letter what is only waiting for its answer.
    services.push_batch(platform=national)
    assert _accepted_upstream().count() == 4  # applied, but we never heard so
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {OutboxStatus.PENDING}
    faults(settings, ERROR_AFTER_APPLY_RATE=0.0)
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    services.push_pending(budget_seconds=10, platform=national)
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    assert _accepted_upstream().count() == 4
    for record in records:
        entry = OutboxEntry.objects.get(record_id=record.pk)
        assert entry.receipt_id == str(_accepted_upstream().get(record_id=str(record.pk)).receipt_id)


def test_a_claim_whose_worker_died_is_taken_over_and_the_dead_workers_late_answer_is_ignored(
    department, national, settings
):
    record = make_penalty(department)
    token, claimed = services.claim_batch(size=10)  # a worker claims, then dies before sending
    assert [e.record_id for e in claimed] == [record.pk]
    assert services.push_pending(budget_seconds=5, platform=national).batches == 0  # the lease still holds
    OutboxEntry.objects.update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    report = services.push_pending(budget_seconds=10, platform=national)
    assert report.delivered == 1
    # The first worker was only slow: its answer comes in now and must change nothing.
    from sharing.client import Answer
    from sharing.services.delivery import _Attempt, settle

    late = settle(
        token,
        claimed,
        Answer(503, {"error": "late"}, None),
        _Attempt(batch_key="late", started_at=timezone.now(), duration_ms=1),
    )
    assert late.retried == 0
    entry = OutboxEntry.objects.get()
    assert entry.status == OutboxStatus.DELIVERED and entry.attempts == 2


@pytest.mark.skipif(not uses_postgresql(), reason="row locks (SKIP LOCKED) need PostgreSQL; CI runs it")
def test_two_pushers_at_once_never_send_the_same_entry_twice(department, national, settings):
    settings.SHARING = {**settings.SHARING, "BATCH_SIZE": 5}
    faults(settings, LATENCY_MS=100)
    published = [str(make_penalty(department).pk) for _ in range(30)]
    run_at_once(lambda: services.push_pending(budget_seconds=30, platform=national))
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    assert DeliveryAttempt.objects.count() == 30  # each entry tried exactly once
    assert ReceivedRecord.objects.filter(record_id__in=published).count() == 30  # and received exactly once


def test_under_errors_throttling_and_slow_answers_everything_is_delivered_in_the_end(department, national, settings):
    settings.SHARING = {**settings.SHARING, "BATCH_SIZE": 4, "MAX_ATTEMPTS": 50}
    records = [make_penalty(department) for _ in range(60)]
    # A first 429 and a first 5xx for certain, so that the mix below is known to meet both.
    faults(settings, THROTTLE_RATE=1.0, RETRY_AFTER_SECONDS=0)
    services.push_batch(platform=national)
    faults(settings, THROTTLE_RATE=0.0, ERROR_RATE=1.0)
    services.push_batch(platform=national)
    faults(settings, ERROR_RATE=0.3, THROTTLE_RATE=0.15, LATENCY_MS=30, ERROR_AFTER_APPLY_RATE=0.1)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and OutboxEntry.objects.exclude(status=OutboxStatus.DELIVERED).exists():
        services.push_pending(budget_seconds=5, platform=national)
        time.sleep(0.05)
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    assert _accepted_upstream().count() == len(records)  # nothing lost, nothing applied twice
    outcomes = set(DeliveryAttempt.objects.values_list("outcome", flat=True))
    assert {AttemptOutcome.SERVER_ERROR, AttemptOutcome.THROTTLED, AttemptOutcome.ACCEPTED} <= outcomes


# --- reconciliation ----------------------------------------------------------------------------------


def test_reconciliation_agrees_after_delivery_and_lists_what_is_missing_upstream(department, national, settings):
    delivered = [make_penalty(department) for _ in range(3)]
    services.push_pending(budget_seconds=10, platform=national)
    run = services.reconciliation_run(platform=national)
    assert run.ok, run.details
    assert run.details["disclosures.penalty"]["ours"] == 3
    faults(settings, ERROR_RATE=1.0)
    stuck = make_penalty(department)
    services.push_pending(budget_seconds=5, platform=national)
    _clerk, reviewer = clerk_and_reviewer(department)
    disclosures.disclosure_withdraw(record=delivered[0], reason="决定已被撤销", actor=reviewer)
    run = services.reconciliation_run(platform=national)
    detail = run.details["disclosures.penalty"]
    assert not run.ok
    assert detail["missing_sample"] == [stuck.pk]
    assert detail["stale_sample"] == [delivered[0].pk]  # withdrawn here, not yet there


def test_reconciliation_records_an_unreachable_platform(department, settings):
    settings.NATIONAL_PLATFORM_URL = "http://127.0.0.1:9/mock-national/"
    settings.SHARING = {**settings.SHARING, "CONNECT_TIMEOUT_SECONDS": 0.5}
    run = services.reconciliation_run()
    assert not run.ok and run.error
