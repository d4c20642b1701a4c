"""Every write of the national push: queueing (in the publishing transaction), draining, replaying.

Delivery is at-least-once on our side and exactly-once on the other: an entry is claimed with a
lease, sent, and marked from the answer. A worker that dies after sending leaves its entries
in flight until the lease runs out; they are then sent again under the same keys, and the national
side answers a key (and a record version) it has seen with the receipt it gave the first time.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log_many
from core.bulk import insert_records, update_records
from core.services import notify

from ..choices import AttemptOutcome, OutboxStatus
from ..client import Answer, NationalPlatform, close_session
from ..models import DeliveryAttempt, OutboxEntry

logger = logging.getLogger(__name__)

PUSH_SCHEDULED_KEY = "sharing:push-scheduled"
RESULT_FIELDS = [
    "status",
    "attempts",
    "next_attempt_at",
    "claim_token",
    "lease_expires_at",
    "last_error",
    "last_status_code",
    "receipt_id",
    "delivered_at",
    "rejection_reasons",
    "updated_at",
]


def options() -> dict:
    return settings.SHARING


# --- queueing (called inside the publishing transaction) ------------------------------------------


def idempotency_key(record_type: str, record_id: int, version: int, action: str) -> str:
    return f"{record_type}:{record_id}:v{version}:{action}"


def outbox_enqueue(record, version, publishable) -> OutboxEntry:
    """The announcement listener: one outbox row, in the caller's transaction (a rolled-back
    publish leaves none), and a push scheduled for after the commit."""
    owner = publishable.owner(record)
    entry = OutboxEntry.objects.create(
        record_type=record.record_type,
        record_id=record.pk,
        version=version.version,
        action=version.action,
        publication=version,
        owner=owner,
        scope_path=owner.path,
        idempotency_key=idempotency_key(record.record_type, record.pk, version.version, version.action),
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(schedule_push)
    return entry


def schedule_push() -> None:
    """Ask a worker to drain soon; a burst of publications asks once (the key lives two seconds)."""
    if cache.add(PUSH_SCHEDULED_KEY, 1, timeout=2):
        from ..tasks import push_pending

        try:
            push_pending.delay()
        except Exception:  # the broker is down: the beat's next run drains the outbox anyway
            logger.warning("could not schedule the national push; the periodic run will send it", exc_info=True)


# --- draining -------------------------------------------------------------------------------------


@dataclass
class DrainReport:
    batches: int = 0
    delivered: int = 0
    rejected: int = 0
    retried: int = 0
    failed: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: DrainReport) -> None:
        for name in ("batches", "delivered", "rejected", "retried", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for outcome, count in other.outcomes.items():
            self.outcomes[outcome] += count


def push_pending(
    *, budget_seconds: float = 240, batch_size: int | None = None, platform=None, concurrency: int | None = None
) -> DrainReport:
    """Send batches until nothing is due or the time budget is spent.

    `concurrency` requests are kept in flight (threads, each with its own database connection):
    while the national side works on one batch, this side settles another. Several workers may
    run this at once as well: each claim takes different rows (SKIP LOCKED).
    """
    platform = platform or NationalPlatform()
    deadline = time.monotonic() + budget_seconds
    concurrency = concurrency or options()["CONCURRENCY"]
    if concurrency <= 1 or connection.vendor != "postgresql":  # SQLite has one writer at a time anyway
        return _drain(deadline, batch_size, platform)
    reports: list[DrainReport] = []
    failures: list[BaseException] = []

    def drain() -> None:
        try:
            reports.append(_drain(deadline, batch_size, platform))
        except BaseException as error:  # re-raised below, in the task's thread
            failures.append(error)
        finally:
            connections.close_all()  # this thread's own connections
            close_session()

    threads = [threading.Thread(target=drain, name=f"push-{n}") for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    total = DrainReport()
    for report in reports:
        total.add(report)
    return total


def _drain(deadline: float, batch_size: int | None, platform) -> DrainReport:
    report = DrainReport()
    while time.monotonic() < deadline:
        batch = push_batch(batch_size=batch_size, platform=platform)
        if batch is None:
            break
        report.add(batch)
    return report


def claim_batch(*, size: int) -> tuple[uuid.UUID, list[OutboxEntry]]:
    """Claim up to `size` due entries (and entries whose claim ran out) for one request."""
    token = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        # Each query walks its partial index in order and stops at `size` rows, however long the queue.
        locked = OutboxEntry.objects.select_for_update(skip_locked=True)
        expired = list(
            locked.filter(status=OutboxStatus.IN_FLIGHT, lease_expires_at__lt=now)
            .order_by("lease_expires_at")
            .values_list("pk", flat=True)[:size]
        )
        fresh = list(
            locked.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[: size - len(expired)]
        )
        ids = expired + fresh
        if not ids:
            return token, []
        OutboxEntry.objects.filter(pk__in=ids).update(
            status=OutboxStatus.IN_FLIGHT,
            claim_token=token,
            lease_expires_at=now + timedelta(seconds=options()["LEASE_SECONDS"]),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    entries = list(OutboxEntry.objects.filter(pk__in=ids).select_related("publication").order_by("id"))
    return token, entries


def push_batch(*, batch_size: int | None = None, platform=None) -> DrainReport | None:
    """Claim, send and settle one batch. None when nothing was due."""
    platform = platform or NationalPlatform()
    token, entries = claim_batch(size=batch_size or options()["BATCH_SIZE"])
    if not entries:
        return None
    batch_key = "batch-" + hashlib.sha256("\n".join(e.idempotency_key for e in entries).encode()).hexdigest()[:48]
    records = [
        {
            "record_type": entry.record_type,
            "record_id": str(entry.record_id),
            "version": entry.version,
            "action": entry.action,
            "data": entry.publication.payload,
        }
        for entry in entries
    ]
    started_at, started = timezone.now(), time.monotonic()
    try:
        answer = platform.send_records(records, idempotency_key=batch_key)
    except requests.Timeout as error:
        answer, failure = None, (AttemptOutcome.TIMEOUT, str(error))
    except requests.RequestException as error:
        answer, failure = None, (AttemptOutcome.CONNECTION, str(error))
    else:
        failure = None
    elapsed_ms = int((time.monotonic() - started) * 1000)
    attempt = _Attempt(batch_key=batch_key, started_at=started_at, duration_ms=elapsed_ms)
    if answer is not None:
        return settle(token, entries, answer, attempt)
    return settle_failure(token, entries, attempt, outcome=failure[0], detail=failure[1])


@dataclass(frozen=True)
class _Attempt:
    batch_key: str
    started_at: object
    duration_ms: int


def settle(token, entries: list[OutboxEntry], answer: Answer, attempt: _Attempt) -> DrainReport:
    if answer.status == 200 and answer.body is not None and isinstance(answer.body.get("results"), list):
        return _settle_results(token, entries, answer, attempt)
    if answer.status == 429:
        return settle_failure(
            token,
            entries,
            attempt,
            outcome=AttemptOutcome.THROTTLED,
            detail=_("Throttled; asked to wait %(seconds)s s.") % {"seconds": answer.retry_after},
            http_status=429,
            retry_after=answer.retry_after,
        )
    if answer.status == 200:
        outcome = AttemptOutcome.BAD_ANSWER
    elif answer.status >= 500:
        outcome = AttemptOutcome.SERVER_ERROR
    else:
        outcome = AttemptOutcome.CLIENT_ERROR
    detail = (answer.body or {}).get("error", "") if answer.body else ""
    return settle_failure(
        token,
        entries,
        attempt,
        outcome=outcome,
        detail=f"HTTP {answer.status} {detail}".strip(),
        http_status=answer.status,
    )


def _settle_results(token, entries: list[OutboxEntry], answer: Answer, attempt: _Attempt) -> DrainReport:
    results = {
        (r.get("record_type"), str(r.get("record_id")), r.get("version"), r.get("action")): r
        for r in answer.body["results"]
        if isinstance(r, dict)
    }
    now = timezone.now()
    report = DrainReport(batches=1)
    unanswered = []
    with transaction.atomic():
        ours = _still_claimed(token, entries)
        settled, attempts, rejected = [], [], []
        for entry in ours:
            result = results.get((entry.record_type, str(entry.record_id), entry.version, entry.action))
            if result is None:
                unanswered.append(entry)
                continue
            entry.claim_token, entry.lease_expires_at, entry.updated_at = None, None, now
            entry.last_status_code = 200
            if result.get("status") == "accepted":
                entry.status, entry.receipt_id, entry.delivered_at = OutboxStatus.DELIVERED, result["receipt_id"], now
                entry.last_error = ""
                outcome, detail = AttemptOutcome.ACCEPTED, result["receipt_id"]
                report.delivered += 1
            else:
                reasons = result.get("reasons") or []
                entry.status, entry.rejection_reasons = OutboxStatus.REJECTED, reasons
                entry.last_error = "; ".join(f"{r.get('field', '')} {r.get('message', '')}".strip() for r in reasons)
                outcome, detail = AttemptOutcome.REJECTED, entry.last_error
                rejected.append(entry)
                report.rejected += 1
            settled.append(entry)
            attempts.append(_attempt_row(entry, attempt, outcome, 200, detail))
            report.outcomes[outcome] += 1
        update_records(OutboxEntry, settled, RESULT_FIELDS)
        insert_records(DeliveryAttempt, attempts)
        if rejected:
            _notify_rejections(rejected, attempt.batch_key)
    if unanswered:  # the answer left some of our records out: a transport problem, try them again
        missing = settle_failure(
            token,
            unanswered,
            attempt,
            outcome=AttemptOutcome.BAD_ANSWER,
            detail=_("The answer did not mention this record."),
            http_status=200,
        )
        missing.batches = 0
        report.add(missing)
    return report


def settle_failure(
    token,
    entries: list[OutboxEntry],
    attempt: _Attempt,
    *,
    outcome: str,
    detail: str,
    http_status: int | None = None,
    retry_after: float | None = None,
) -> DrainReport:
    """The request as a whole did not get through: try again later with full-jitter back-off (or
    after Retry-After); after MAX_ATTEMPTS transport failures the entry becomes a dead letter."""
    config = options()
    now = timezone.now()
    report = DrainReport(batches=1)
    with transaction.atomic():
        ours = _still_claimed(token, entries)
        dead = []
        for entry in ours:
            entry.claim_token, entry.lease_expires_at, entry.updated_at = None, None, now
            entry.last_status_code, entry.last_error = http_status, detail[:2000]
            if outcome == AttemptOutcome.THROTTLED:
                # Being asked to wait is not a failure of ours: it does not count towards the limit.
                entry.attempts = max(entry.attempts - 1, 0)
                wait = retry_after if retry_after is not None else backoff_seconds(entry.attempts + 1)
                entry.status, entry.next_attempt_at = OutboxStatus.PENDING, now + timedelta(seconds=wait)
                report.retried += 1
            elif entry.attempts >= config["MAX_ATTEMPTS"]:
                entry.status = OutboxStatus.FAILED
                dead.append(entry)
                report.failed += 1
            else:
                entry.status = OutboxStatus.PENDING
                entry.next_attempt_at = now + timedelta(seconds=backoff_seconds(entry.attempts))
                report.retried += 1
        update_records(OutboxEntry, ours, RESULT_FIELDS)
        insert_records(DeliveryAttempt, [_attempt_row(entry, attempt, outcome, http_status, detail) for entry in ours])
        if dead:
            _notify_dead_letters(dead, attempt.batch_key)
    report.outcomes[outcome] += len(ours)
    return report


def backoff_seconds(attempts: int) -> float:
    """Full jitter: a random wait up to base·2^(n−1), capped, so that retries spread out."""
    config = options()
    ceiling = min(config["BACKOFF_CAP_SECONDS"], config["BACKOFF_BASE_SECONDS"] * 2 ** max(attempts - 1, 0))
    return random.uniform(0, ceiling)


def _still_claimed(token, entries: list[OutboxEntry]) -> list[OutboxEntry]:
    """The entries this claim still holds: if our lease ran out and another worker took them over,
    its answer counts, not ours."""
    held = set(
        OutboxEntry.objects.select_for_update()
        .filter(pk__in=[e.pk for e in entries], claim_token=token, status=OutboxStatus.IN_FLIGHT)
        .values_list("pk", flat=True)
    )
    return [entry for entry in entries if entry.pk in held]


def _attempt_row(entry, attempt: _Attempt, outcome: str, http_status, detail: str) -> DeliveryAttempt:
    return DeliveryAttempt(
        entry=entry,
        number=entry.attempts,
        batch_key=attempt.batch_key,
        started_at=attempt.started_at,
        duration_ms=attempt.duration_ms,
        outcome=outcome,
        http_status=http_status,
        detail=(detail or "")[:2000],
    )


# --- telling people ------------------------------------------------------------------------------


def _by_owner(entries):
    groups = defaultdict(list)
    for entry in entries:
        groups[entry.owner_id].append(entry)
    return groups


def _notify_rejections(entries: list[OutboxEntry], batch_key: str) -> None:
    """A rejection is a data problem: the department that owns the record hears of it."""
    from organizations.choices import Role
    from organizations.models import Organization, User

    owners = Organization.objects.in_bulk(list({e.owner_id for e in entries}))
    for owner_id, rejected in _by_owner(entries).items():
        recipients = User.objects.filter(
            is_active=True,
            role_assignments__organization_id=owner_id,
            role_assignments__role__in=(Role.STAFF, Role.REVIEWER),
        ).distinct()
        listed = "、".join(f"{e.record_type}#{e.record_id}" for e in rejected[:10]) + (
            "…" if len(rejected) > 10 else ""
        )
        notify(
            recipients=recipients,
            kind="sharing.rejected",
            subject=_("%(org)s: the national platform rejected %(count)d record(s)")
            % {"org": owners[owner_id].short_name, "count": len(rejected)},
            body=_("Correct the records and publish the correction: %(records)s") % {"records": listed},
            link=f"/sharing/?status={OutboxStatus.REJECTED}",
            dedupe_key=f"sharing-rejected-{batch_key}-{owner_id}",
            email=True,
        )


def _notify_dead_letters(entries: list[OutboxEntry], batch_key: str) -> None:
    """A dead letter is a transport problem that outlasted every retry: supervisors decide."""
    from organizations.models import Organization
    from organizations.selectors import supervisors_over

    owners = Organization.objects.in_bulk(list({e.owner_id for e in entries}))
    for owner_id, dead in _by_owner(entries).items():
        notify(
            recipients=supervisors_over(owners[owner_id]),
            kind="sharing.failed",
            subject=_("%(count)d record(s) could not be sent to the national platform") % {"count": len(dead)},
            body=_("Last error: %(error)s") % {"error": dead[0].last_error[:300]},
            link=f"/sharing/?status={OutboxStatus.FAILED}",
            dedupe_key=f"sharing-failed-{batch_key}-{owner_id}",
            email=True,
        )


# --- replay ---------------------------------------------------------------------------------------


def outbox_replay(*, entries, actor) -> int:
    """Dead letters go back to the queue, attempts reset. Rejected entries are not replayed: the
    national side would reject the same data again; a correction sends a new version."""
    with transaction.atomic():
        chosen = list(
            OutboxEntry.objects.select_for_update().filter(pk__in=[e.pk for e in entries], status=OutboxStatus.FAILED)
        )
        if not chosen:
            raise ValidationError(_("Only failed entries can be sent again."), code="not_failed")
        now = timezone.now()
        OutboxEntry.objects.filter(pk__in=[e.pk for e in chosen]).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, last_error="", updated_at=now
        )
        audit_log_many(
            actor=actor,
            action="sharing.replay",
            targets=chosen,
            changes={"before": {"status": OutboxStatus.FAILED}, "after": {"status": OutboxStatus.PENDING}},
            scope_path_of=lambda entry: entry.scope_path,
        )
        transaction.on_commit(schedule_push)
    return len(chosen)
