"""The outbox of the national push: queueing (in the publishing transaction), claiming, replaying.
Sending and settling what was claimed is `delivery`.

Delivery is at-least-once on our side and exactly-once on the other: an entry is claimed with a
lease, sent, and marked from the answer. A worker that dies after sending leaves its entries
in flight until the lease runs out; they are then sent again under the same keys, and the national
side answers a key (and a record version) it has seen with the receipt it gave the first time.

One record's entries never overtake each other. The national platform keeps the latest version of a
record, so an older version delivered after a newer one would roll it back; and every national
document is whole, so a newer entry carries all that an older one said. Hence an older entry that was
not delivered yet is *superseded* (never sent) as soon as a newer one is queued, rather than delivered
first: waiting for it would hold a correction back behind a failing or dead-lettered version, for
nothing. Three rules keep it so, whatever the number of pushers:
- queueing a newer entry supersedes the record's older ones that are waiting or dead-lettered; one
  whose request is in the air (claimed, lease running) is left to finish;
- a claim skips an entry while an older entry of its record is in flight, and supersedes the
  entries it finds a newer entry for instead of sending them (an older entry whose worker died is
  taken again when its lease runs out, and superseded then);
- an entry the national side refuses as `stale_version` (it holds a newer version) is superseded:
  final, not retried, not a dead letter.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log_many

from ..choices import OutboxStatus
from ..models import OutboxEntry

logger = logging.getLogger(__name__)

PUSH_SCHEDULED_KEY = "sharing:push-scheduled"


def options() -> dict:
    return settings.SHARING


# --- queueing (called inside the publishing transaction) ------------------------------------------


def idempotency_key(record_type: str, record_id: int, version: int, action: str) -> str:
    return f"{record_type}:{record_id}:v{version}:{action}"


def outbox_enqueue(record, version, publishable) -> OutboxEntry:
    """The announcement listener: one outbox row, in the caller's transaction (a rolled-back
    publish leaves none), the record's undelivered older rows superseded, and a push scheduled
    for after the commit."""
    owner = publishable.owner(record)
    with transaction.atomic():
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
        _supersede_older(entry)
    transaction.on_commit(schedule_push)
    return entry


def _supersede_older(entry: OutboxEntry) -> int:
    """Mark the record's older entries that are not delivered and not in the air superseded.

    Their rows are locked first, waiting (not skipping) for a claim or a settlement that holds one:
    those are short and never wait on a publication, and each older entry is then judged in its
    settled state. An entry whose request is in the air stays in flight; the claim holds this entry
    back until it has landed.
    """
    older = OutboxEntry.objects.of_record(entry.record_type, entry.record_id).filter(
        id__lt=entry.pk, status__in=(OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT, OutboxStatus.FAILED)
    )
    held = list(older.select_for_update().values_list("pk", flat=True))
    if not held:
        return 0
    now = timezone.now()
    not_in_the_air = Q(status__in=(OutboxStatus.PENDING, OutboxStatus.FAILED)) | Q(
        status=OutboxStatus.IN_FLIGHT, lease_expires_at__lt=now
    )
    return (
        OutboxEntry.objects.filter(pk__in=held)
        .filter(not_in_the_air)
        .update(status=OutboxStatus.SUPERSEDED, claim_token=None, lease_expires_at=None, updated_at=now)
    )


def newer_entry_exists() -> Exists:
    """For a queryset of entries: a later entry of the same record exists (whatever its state)."""
    return Exists(
        OutboxEntry.objects.filter(
            record_type=OuterRef("record_type"), record_id=OuterRef("record_id"), id__gt=OuterRef("id")
        )
    )


def older_entry_in_flight() -> Exists:
    """For a queryset of entries: an earlier entry of the same record is claimed.

    Whether its lease still runs is left out on purpose: with it, the planner drives this anti-join
    from the lease index and compares every due row with every row in flight (200 ms for a batch
    behind 2,000 rows in flight, against 2–8 ms probing the record index). An older entry whose lease
    ran out is due itself, and the claim that takes it supersedes it, which frees this one.
    """
    return Exists(
        OutboxEntry.objects.filter(
            record_type=OuterRef("record_type"),
            record_id=OuterRef("record_id"),
            id__lt=OuterRef("id"),
            status=OutboxStatus.IN_FLIGHT,
        )
    )


def schedule_push() -> None:
    """Ask a worker to drain soon; a burst of publications asks once (the key lives two seconds)."""
    if cache.add(PUSH_SCHEDULED_KEY, 1, timeout=2):
        from ..tasks import push_pending

        try:
            push_pending.delay()
        except Exception:  # the broker is down: the beat's next run drains the outbox anyway
            logger.warning("could not schedule the national push; the periodic run will send it", exc_info=True)


# --- claiming -------------------------------------------------------------------------------------


def claim_batch(*, size: int) -> tuple[uuid.UUID, list[OutboxEntry]]:
    """Claim up to `size` due entries (and entries whose claim ran out) for one request.

    Set-based and SKIP LOCKED, so that pushers at once take different rows. An entry waits while an
    older entry of its record is in the air; an entry that a newer one of its record follows is
    superseded here instead of claimed (the newer one is sent), so one record's versions never
    overtake each other and a batch holds at most one entry per record.
    """
    token = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        # Each query walks its partial index in order and stops at `size` rows, however long the queue.
        locked = (
            OutboxEntry.objects.select_for_update(skip_locked=True)
            .exclude(older_entry_in_flight())
            .annotate(overtaken=newer_entry_exists())
        )
        while True:
            expired = list(
                locked.filter(status=OutboxStatus.IN_FLIGHT, lease_expires_at__lt=now)
                .order_by("lease_expires_at")
                .values_list("pk", "overtaken")[:size]
            )
            fresh = list(
                locked.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")
                .values_list("pk", "overtaken")[: size - len(expired)]
            )
            found = expired + fresh
            if not found:
                return token, []
            ids = [pk for pk, overtaken in found if not overtaken]
            if superseded := [pk for pk, overtaken in found if overtaken]:
                OutboxEntry.objects.filter(pk__in=superseded).update(
                    status=OutboxStatus.SUPERSEDED, claim_token=None, lease_expires_at=None, updated_at=now
                )
            if ids:
                break  # else every row found was superseded: look again past them
        OutboxEntry.objects.filter(pk__in=ids).update(
            status=OutboxStatus.IN_FLIGHT,
            claim_token=token,
            lease_expires_at=now + timedelta(seconds=options()["LEASE_SECONDS"]),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    entries = list(OutboxEntry.objects.filter(pk__in=ids).select_related("publication").order_by("id"))
    return token, entries


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
