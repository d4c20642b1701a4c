"""One record's versions never overtake each other on the way to the national platform (real stand-in,
real HTTP): a newer entry supersedes an older one that was not delivered yet, a claim holds a newer
entry back while an older one is in the air, and a stale_version answer is final."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Notification
from disclosures import services as disclosures
from mock_national.models import ReceivedRecord
from organizations.choices import Role
from organizations.models import Organization
from sharing import services
from sharing.choices import AttemptOutcome, OutboxStatus
from sharing.models import OutboxEntry
from tests.concurrency import run_at_once
from tests.conftest import uses_postgresql
from tests.disclosures.factories import clerk_and_reviewer, make_penalty
from tests.factories import make_organization, user_with_role

from .conftest import faults

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def department():
    city = make_organization(name="顺序市人民政府")
    return make_organization(parent=city, name="顺序市市场监管局")


@pytest.fixture
def reviewer(department):
    return clerk_and_reviewer(department)[1]


def _correct(record, reviewer, fine="0.5"):
    record.refresh_from_db()
    disclosures.disclosure_correct(record=record, data={"fine_amount": fine}, reason="金额录入错误", actor=reviewer)
    record.refresh_from_db()
    return record


def _received(record) -> list[tuple[int, str, bool]]:
    """What the national side received of the record, in the order it arrived."""
    return list(
        ReceivedRecord.objects.filter(record_id=str(record.pk))
        .order_by("id")
        .values_list("version", "action", "accepted")
    )


def _statuses(record) -> list[tuple[int, str, str]]:
    return list(
        OutboxEntry.objects.of_record(record.record_type, record.pk)
        .order_by("id")
        .values_list("version", "action", "status")
    )


def _make_due() -> None:
    """Back-off waits have passed, as time would have it."""
    OutboxEntry.objects.filter(status=OutboxStatus.PENDING).update(next_attempt_at=timezone.now())


def test_a_correction_queued_while_v1_waits_for_a_retry_is_delivered_and_v1_never_after_it(
    department, reviewer, national, settings
):
    record = make_penalty(department)
    settings.SHARING = {**settings.SHARING, "BACKOFF_BASE_SECONDS": 600, "BACKOFF_CAP_SECONDS": 600}
    faults(settings, ERROR_RATE=1.0)
    services.push_pending(budget_seconds=5, platform=national)
    assert _statuses(record) == [(1, "publish", OutboxStatus.PENDING)]  # v1 waits for its retry
    faults(settings, ERROR_RATE=0.0)

    _correct(record, reviewer)
    services.push_pending(budget_seconds=10, platform=national)
    _make_due()  # v1's retry comes due
    services.push_pending(budget_seconds=10, platform=national)

    assert _received(record) == [(2, "correct", True)]
    assert _statuses(record) == [(1, "publish", OutboxStatus.SUPERSEDED), (2, "correct", OutboxStatus.DELIVERED)]
    latest = national.latest_records(record.record_type)["results"]
    assert [(row["record_id"], row["version"], row["action"]) for row in latest] == [(str(record.pk), 2, "correct")]
    assert services.reconciliation_run(platform=national).ok


def test_a_dead_letter_overtaken_by_a_correction_is_superseded_and_cannot_be_replayed(
    department, reviewer, national, settings
):
    record = make_penalty(department)
    supervisor = user_with_role(Role.SUPERVISOR, Organization.objects.get(name="顺序市人民政府"))
    settings.SHARING = {**settings.SHARING, "MAX_ATTEMPTS": 1}
    faults(settings, ERROR_RATE=1.0)
    services.push_pending(budget_seconds=5, platform=national)
    v1 = OutboxEntry.objects.get(record_id=record.pk)
    assert v1.status == OutboxStatus.FAILED
    faults(settings, ERROR_RATE=0.0)

    _correct(record, reviewer)
    services.push_pending(budget_seconds=10, platform=national)

    v1.refresh_from_db()
    assert v1.status == OutboxStatus.SUPERSEDED
    with pytest.raises(ValidationError) as refused:
        services.outbox_replay(entries=[v1], actor=supervisor)
    assert refused.value.code == "not_failed"
    assert _received(record) == [(2, "correct", True)]


def test_a_correction_waits_while_v1_is_in_the_air_then_follows_it(department, reviewer, national):
    record = make_penalty(department)
    token, claimed = services.claim_batch(size=10)  # one pusher has sent v1 and waits for the answer
    assert [(e.record_id, e.version) for e in claimed] == [(record.pk, 1)]

    _correct(record, reviewer)
    assert _statuses(record) == [(1, "publish", OutboxStatus.IN_FLIGHT), (2, "correct", OutboxStatus.PENDING)]
    assert services.push_pending(budget_seconds=5, platform=national).batches == 0  # another pusher holds v2 back

    assert services.send_claimed(token, claimed, platform=national).delivered == 1  # v1's answer comes in
    assert services.push_pending(budget_seconds=10, platform=national).delivered == 1

    assert _received(record) == [(1, "publish", True), (2, "correct", True)]
    assert _statuses(record) == [(1, "publish", OutboxStatus.DELIVERED), (2, "correct", OutboxStatus.DELIVERED)]


def test_a_stale_version_answer_is_final_for_the_row(department, reviewer, national):
    record = make_penalty(department)
    token, claimed = services.claim_batch(size=10)
    # Meanwhile the platform got version 2 of the record by another road (say, an earlier lost answer).
    newer = {**claimed[0].publication.payload, "CF_NR_FK": "0.5"}
    national.send_records(
        [
            {
                "record_type": record.record_type,
                "record_id": str(record.pk),
                "version": 2,
                "action": "correct",
                "data": newer,
            }
        ],
        idempotency_key="elsewhere",
    )

    report = services.send_claimed(token, claimed, platform=national)

    assert (report.superseded, report.rejected, report.retried, report.failed) == (1, 0, 0, 0)
    entry = OutboxEntry.objects.get(record_id=record.pk)
    assert entry.status == OutboxStatus.SUPERSEDED and "stale_version" in entry.last_error
    assert entry.tries.get().outcome == AttemptOutcome.STALE
    assert not Notification.objects.filter(kind__startswith="sharing.").exists()  # nobody has anything to do
    _make_due()
    assert services.push_pending(budget_seconds=5, platform=national).batches == 0  # not retried


@pytest.mark.skipif(not uses_postgresql(), reason="row locks (SKIP LOCKED) need PostgreSQL; CI runs it")
def test_two_pushers_at_once_never_deliver_a_version_after_a_newer_one(department, reviewer, national, settings):
    settings.SHARING = {**settings.SHARING, "BATCH_SIZE": 3}
    faults(settings, LATENCY_MS=50)
    records = [make_penalty(department) for _ in range(12)]
    # A pusher claimed every v1 and died before sending; the corrections are queued meanwhile, then its
    # leases run out. Both the v1s and the v2s are now due, and two pushers drain at once.
    _token, claimed = services.claim_batch(size=100)
    assert len(claimed) == len(records)
    for record in records:
        _correct(record, reviewer)
    OutboxEntry.objects.filter(status=OutboxStatus.IN_FLIGHT).update(
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    run_at_once(lambda: services.push_pending(budget_seconds=30, platform=national, concurrency=1))
    for record in records:
        assert _received(record) == [(2, "correct", True)], record.pk
        assert _statuses(record) == [(1, "publish", OutboxStatus.SUPERSEDED), (2, "correct", OutboxStatus.DELIVERED)]
    assert services.reconciliation_run(platform=national).ok


# --- reconciliation compares (record, version) ---------------------------------------------------------


def test_reconciliation_reports_a_record_held_there_at_another_version(department, reviewer, national, settings):
    corrected, untouched = make_penalty(department), make_penalty(department)
    services.push_pending(budget_seconds=10, platform=national)
    faults(settings, ERROR_RATE=1.0)
    _correct(corrected, reviewer)  # version 2 here; the push fails, so version 1 stays there
    services.push_pending(budget_seconds=5, platform=national)

    run = services.reconciliation_run(platform=national)

    detail = run.details[corrected.record_type]
    assert not run.ok
    assert (detail["ours"], detail["theirs"], detail["missing_upstream"], detail["stale_upstream"]) == (2, 2, 0, 0)
    assert detail["version_mismatch"] == 1
    assert detail["version_sample"] == [{"record_id": corrected.pk, "ours": 2, "theirs": 1}]
    assert untouched.pk not in [gap["record_id"] for gap in detail["version_sample"]]
    faults(settings, ERROR_RATE=0.0)
    _make_due()
    services.push_pending(budget_seconds=10, platform=national)
    assert services.reconciliation_run(platform=national).ok
