"""Sending what was claimed and settling it from the answer: the pusher's side of the outbox.

`push_pending` drains: claim a batch (`outbox.claim_batch`), send it in one signed request, mark each
entry from the per-record answer (delivered, rejected, superseded) or, when the request as a whole
failed, back off and retry until the entry becomes a dead letter.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import requests
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import insert_records, update_records
from core.services import notify

from ..choices import STALE_VERSION_CODE, AttemptOutcome, OutboxStatus
from ..client import Answer, NationalPlatform, close_session
from ..models import DeliveryAttempt, OutboxEntry
from .outbox import claim_batch, newer_entry_exists, options

logger = logging.getLogger(__name__)

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


# --- draining -------------------------------------------------------------------------------------


@dataclass
class DrainReport:
    batches: int = 0
    delivered: int = 0
    rejected: int = 0
    # Claimed, then superseded: refused as stale by the national side, or followed by a newer entry
    # while its request failed (those superseded before they were ever claimed are not counted).
    superseded: int = 0
    retried: int = 0
    failed: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: DrainReport) -> None:
        for name in ("batches", "delivered", "rejected", "superseded", "retried", "failed"):
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


def push_batch(*, batch_size: int | None = None, platform=None) -> DrainReport | None:
    """Claim, send and settle one batch. None when nothing was due."""
    token, entries = claim_batch(size=batch_size or options()["BATCH_SIZE"])
    if not entries:
        return None
    return send_claimed(token, entries, platform=platform)


def send_claimed(token, entries: list[OutboxEntry], *, platform=None) -> DrainReport:
    """Send one claimed batch in one request and settle it from the answer."""
    platform = platform or NationalPlatform()
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
            elif result.get("code") == STALE_VERSION_CODE:
                # The other side holds a newer version of the record: nothing to correct, nothing to retry.
                entry.status, entry.last_error = OutboxStatus.SUPERSEDED, _reasons_text(result)
                outcome, detail = AttemptOutcome.STALE, entry.last_error
                report.superseded += 1
            else:
                entry.status, entry.rejection_reasons = OutboxStatus.REJECTED, result.get("reasons") or []
                entry.last_error = _reasons_text(result)
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


def _reasons_text(result: dict) -> str:
    reasons = [r for r in result.get("reasons") or [] if isinstance(r, dict)]
    text = "; ".join(f"{r.get('field', '')} {r.get('message', '')}".strip() for r in reasons)
    code = result.get("code")
    return f"[{code}] {text}" if code else text


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
    after Retry-After); after MAX_ATTEMPTS transport failures the entry becomes a dead letter. An
    entry that a newer one of its record was queued behind meanwhile is superseded instead."""
    config = options()
    now = timezone.now()
    report = DrainReport(batches=1)
    with transaction.atomic():
        ours = _still_claimed(token, entries)
        overtaken = _overtaken(ours)
        dead = []
        for entry in ours:
            entry.claim_token, entry.lease_expires_at, entry.updated_at = None, None, now
            entry.last_status_code, entry.last_error = http_status, detail[:2000]
            if entry.pk in overtaken:
                entry.status = OutboxStatus.SUPERSEDED
                report.superseded += 1
            elif outcome == AttemptOutcome.THROTTLED:
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


def _overtaken(entries: list[OutboxEntry]) -> set[int]:
    """The entries (locked by the caller) that a newer entry of the same record follows."""
    if not entries:
        return set()
    return set(
        OutboxEntry.objects.filter(pk__in=[e.pk for e in entries])
        .filter(newer_entry_exists())
        .values_list("pk", flat=True)
    )


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
