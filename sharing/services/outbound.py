"""The outbox of messages to other systems (core.outbound): queueing, claiming, sending, settling.

The same machinery as the national push (`outbox`, `delivery`): a row written in the transaction that
changed what it tells, claimed with a lease (SKIP LOCKED, so drains at once take different rows), sent
signed (`X-Timestamp`, `X-Signature: sha256=HMAC(secret, "<timestamp>." + body)`, `Idempotency-Key`),
settled from the answer, retried with full-jitter back-off (`delivery.backoff_seconds`, the SHARING
settings) and kept as a dead letter after MAX_ATTEMPTS transport failures — never dropped.

What differs: each message is an event, not a whole document, so none supersedes another, and the
messages of one `ordering_key` (one complaint) go one at a time, in the order queued: a message waits
while an older one of its key is not delivered (waiting, in the air or a dead letter until replayed).
Delivery is at-least-once on our side (a worker that dies after sending sends again when its lease
runs out) and exactly-once for a receiver that deduplicates on the Idempotency-Key (the event id).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbound
from core.audit import audit_log_many
from core.services import notify

from ..choices import AttemptOutcome, OutboxStatus
from ..client import _retry_after, _session, signature
from ..models import OutboundAttempt, OutboundMessage
from .delivery import backoff_seconds
from .outbox import options

logger = logging.getLogger(__name__)

OUTBOUND_SCHEDULED_KEY = "sharing:outbound-scheduled"
BATCH_SIZE = 50
NOT_DELIVERED = (OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT, OutboxStatus.FAILED)


# --- queueing (inside the caller's transaction) ----------------------------------------------------


def outbound_enqueue(*, destination: str, key: str, payload: dict, ordering_key: str, owner) -> None:
    """core.outbound's backend: one row per key (the same key again queues nothing), a drain scheduled
    for after the commit."""
    OutboundMessage.objects.bulk_create(
        [
            OutboundMessage(
                destination=destination,
                idempotency_key=key[:160],
                ordering_key=ordering_key[:120],
                payload=payload,
                owner=owner,
                scope_path=owner.path,
                next_attempt_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(schedule_outbound)


def schedule_outbound() -> None:
    if cache.add(OUTBOUND_SCHEDULED_KEY, 1, timeout=2):
        from ..tasks import deliver_outbound

        try:
            deliver_outbound.delay()
        except Exception:  # the broker is down: the beat's next run sends it anyway
            logger.warning("could not schedule outbound delivery; the periodic run will send it", exc_info=True)


# --- claiming --------------------------------------------------------------------------------------


def _older_not_delivered() -> Exists:
    return Exists(
        OutboundMessage.objects.filter(
            ordering_key=OuterRef("ordering_key"), id__lt=OuterRef("id"), status__in=NOT_DELIVERED
        )
    )


def outbound_claim(*, size: int = BATCH_SIZE) -> tuple[uuid.UUID, list[OutboundMessage]]:
    """Claim up to `size` due messages (and messages whose claim ran out), each the oldest undelivered of
    its ordering key, for destinations that are configured (the others wait, queued)."""
    token, now = uuid.uuid4(), timezone.now()
    configured = [d.name for d in outbound.destinations() if d.configured]
    if not configured:
        return token, []
    with transaction.atomic():
        locked = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(destination__in=configured)
            .exclude(_older_not_delivered())
        )
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
        OutboundMessage.objects.filter(pk__in=ids).update(
            status=OutboxStatus.IN_FLIGHT,
            claim_token=token,
            lease_expires_at=now + timedelta(seconds=options()["LEASE_SECONDS"]),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return token, list(OutboundMessage.objects.filter(pk__in=ids).order_by("id"))


# --- sending and settling --------------------------------------------------------------------------


@dataclass
class OutboundReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def outbound_deliver(*, budget_seconds: float = 240, batch_size: int = BATCH_SIZE) -> OutboundReport:
    """Send what is due until nothing is or the time budget is spent."""
    report = OutboundReport()
    deadline = time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        token, messages = outbound_claim(size=batch_size)
        if not messages:
            break
        for message in messages:
            outcome = send_message(token, message)
            if outcome == Sent.DELIVERED:
                report.delivered += 1
            elif outcome == Sent.FAILED:
                report.failed += 1
            elif outcome == Sent.RETRIED:
                report.retried += 1
    return report


class Sent:
    DELIVERED, RETRIED, FAILED, LOST = "delivered", "retried", "failed", "lost"


def send_message(token, message: OutboundMessage) -> str:
    destination = outbound.destination(message.destination)
    body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Timestamp": timestamp,
        "X-Signature": signature(destination.secret, timestamp, body),
        "Idempotency-Key": message.idempotency_key,
    }
    config = options()
    started_at, started = timezone.now(), time.monotonic()
    http_status, retry_after = None, None
    try:
        response = _session().post(
            destination.url,
            data=body,
            headers=headers,
            timeout=(config["CONNECT_TIMEOUT_SECONDS"], config["READ_TIMEOUT_SECONDS"]),
        )
    except requests.Timeout as error:
        outcome, detail = AttemptOutcome.TIMEOUT, str(error)
    except requests.RequestException as error:
        outcome, detail = AttemptOutcome.CONNECTION, str(error)
    else:
        http_status = response.status_code
        detail = f"HTTP {http_status} {response.text[:300]}".strip()
        if 200 <= http_status < 300:
            outcome = AttemptOutcome.ACCEPTED
        elif http_status == 429:
            outcome, retry_after = AttemptOutcome.THROTTLED, _retry_after(response)
        elif http_status >= 500:
            outcome = AttemptOutcome.SERVER_ERROR
        else:
            outcome = AttemptOutcome.CLIENT_ERROR
    duration_ms = int((time.monotonic() - started) * 1000)
    return _settle(token, message, outcome, http_status, detail, retry_after, started_at, duration_ms)


def _settle(token, message, outcome, http_status, detail, retry_after, started_at, duration_ms) -> str:
    now = timezone.now()
    with transaction.atomic():
        held = (
            OutboundMessage.objects.select_for_update()
            .filter(pk=message.pk, claim_token=token, status=OutboxStatus.IN_FLIGHT)
            .first()
        )
        if held is None:  # our lease ran out and another drain took it over: its answer counts
            return Sent.LOST
        held.claim_token, held.lease_expires_at = None, None
        held.last_status_code = http_status
        if outcome == AttemptOutcome.ACCEPTED:
            held.status, held.delivered_at, held.last_error = OutboxStatus.DELIVERED, now, ""
            result = Sent.DELIVERED
        else:
            held.last_error = detail[:2000]
            if outcome == AttemptOutcome.THROTTLED:
                held.attempts = max(held.attempts - 1, 0)  # being asked to wait is not a failure
                wait = retry_after if retry_after is not None else backoff_seconds(held.attempts + 1)
                held.status, held.next_attempt_at = OutboxStatus.PENDING, now + timedelta(seconds=wait)
                result = Sent.RETRIED
            elif held.attempts >= options()["MAX_ATTEMPTS"]:
                held.status = OutboxStatus.FAILED
                result = Sent.FAILED
                logger.warning("outbound message %s is a dead letter: %s", held.idempotency_key, held.last_error)
            else:
                held.status = OutboxStatus.PENDING
                held.next_attempt_at = now + timedelta(seconds=backoff_seconds(held.attempts))
                result = Sent.RETRIED
        held.save()
        attempt = OutboundAttempt.objects.create(
            message=held,
            number=held.attempts if outcome != AttemptOutcome.THROTTLED else held.attempts + 1,
            started_at=started_at,
            duration_ms=duration_ms,
            outcome=outcome,
            http_status=http_status,
            detail=(detail or "")[:2000],
        )
        if result == Sent.FAILED:
            _notify_dead_letter(held, attempt)
    return result


def _notify_dead_letter(message: OutboundMessage, attempt: OutboundAttempt) -> None:
    """A dead letter outlasted every retry: the supervisors over its owner decide, as for the national
    push (`delivery._notify_dead_letters`). Once per death: the key names the last attempt, so a replayed
    message that dies again is told again, a repeated settle is not."""
    from organizations.models import Organization
    from organizations.selectors import supervisors_over

    owner = Organization.objects.get(pk=message.owner_id)
    notify(
        recipients=supervisors_over(owner),
        kind="sharing.outbound_failed",
        subject=_("A message to %(destination)s could not be sent") % {"destination": message.destination},
        body=_("Last error: %(error)s") % {"error": message.last_error[:300]},
        link="/sharing/#outbound-dead",
        dedupe_key=f"sharing-outbound-failed-{message.pk}-{attempt.pk}",
        email=True,
    )


# --- replay ----------------------------------------------------------------------------------------


def outbound_replay(*, messages, actor) -> int:
    """Dead letters go back to the queue, attempts reset (the messages behind them follow)."""
    with transaction.atomic():
        chosen = list(
            OutboundMessage.objects.select_for_update().filter(
                pk__in=[m.pk for m in messages], status=OutboxStatus.FAILED
            )
        )
        if not chosen:
            raise ValidationError(_("Only failed entries can be sent again."), code="not_failed")
        now = timezone.now()
        OutboundMessage.objects.filter(pk__in=[m.pk for m in chosen]).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, last_error="", updated_at=now
        )
        audit_log_many(
            actor=actor,
            action="sharing.outbound.replay",
            targets=chosen,
            changes={"before": {"status": OutboxStatus.FAILED}, "after": {"status": OutboxStatus.PENDING}},
            scope_path_of=lambda message: message.scope_path,
        )
        transaction.on_commit(schedule_outbound)
    return len(chosen)
