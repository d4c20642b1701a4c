"""Reads of the national push shared by its pages and commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from core import outbound
from core.choices import Action
from core.publishing import publishables

from .choices import OutboxStatus
from .models import OutboundMessage, OutboxEntry, Reconciliation

COUNTED_STATUSES = (OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT, OutboxStatus.FAILED, OutboxStatus.REJECTED)
# Superseded entries pile up with every correction, like delivered ones: counted up to a cap, through
# the status index, never over the whole history.
SUPERSEDED_COUNT_CAP = 1000


@dataclass(frozen=True)
class PushSummary:
    counts: dict[str, int]  # the open states only: delivered grows forever and is not counted per request
    oldest_waiting_since: datetime | None
    last_delivery_at: datetime | None
    superseded: int = 0  # at most SUPERSEDED_COUNT_CAP
    superseded_capped: bool = False  # there are more

    @property
    def lag(self) -> timedelta | None:
        """How long the oldest entry still waiting has waited."""
        return timezone.now() - self.oldest_waiting_since if self.oldest_waiting_since else None


def push_summary(principal) -> PushSummary:
    entries = OutboxEntry.objects.in_scope(principal, Action.VIEW)
    counted = dict(entries.filter(status__in=COUNTED_STATUSES).values_list("status").annotate(n=Count("id")).order_by())
    oldest = entries.waiting().order_by("id").values_list("created_at", flat=True).first()
    last = (
        entries.filter(status=OutboxStatus.DELIVERED, delivered_at__isnull=False)
        .order_by("-delivered_at")
        .values_list("delivered_at", flat=True)
        .first()
    )
    superseded = entries.filter(status=OutboxStatus.SUPERSEDED).values("id")[: SUPERSEDED_COUNT_CAP + 1].count()
    return PushSummary(
        {s: counted.get(s, 0) for s in COUNTED_STATUSES},
        oldest,
        last,
        superseded=min(superseded, SUPERSEDED_COUNT_CAP),
        superseded_capped=superseded > SUPERSEDED_COUNT_CAP,
    )


def record_type_labels() -> dict[str, str]:
    return {p.record_type: str(p.model._meta.verbose_name) for p in publishables()}


def latest_reconciliations(limit: int = 5) -> list[Reconciliation]:
    return list(Reconciliation.objects.order_by("-id")[:limit])


def record_timeline(principal, record_type: str, record_id: int) -> list[OutboxEntry]:
    return list(
        OutboxEntry.objects.in_scope(principal, Action.VIEW)
        .of_record(record_type, record_id)
        .prefetch_related("tries")
        .order_by("id")
    )


# --- messages to other systems (core.outbound) -----------------------------------------------------

OUTBOUND_WAITING = (OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT)


@dataclass(frozen=True)
class DestinationSummary:
    destination: str
    pending: int  # queued or being sent
    delivered: int  # at most SUPERSEDED_COUNT_CAP
    dead: int  # every attempt used: waits for a replay
    oldest_pending_since: datetime | None
    delivered_capped: bool = False  # there are more

    @property
    def oldest_pending_age(self) -> timedelta | None:
        return timezone.now() - self.oldest_pending_since if self.oldest_pending_since else None


def outbound_summary(principal) -> list[DestinationSummary]:
    """Per destination: what waits, what is dead and the oldest wait in one grouped query over the few
    undelivered messages (the status index), and what got there counted up to a cap per destination —
    delivered messages only grow, and the dashboard must not count them all on every load."""
    visible = OutboundMessage.objects.in_scope(principal, Action.VIEW)
    waiting = Q(status__in=OUTBOUND_WAITING)
    rows = (
        visible.filter(status__in=[*OUTBOUND_WAITING, OutboxStatus.FAILED])
        .values("destination")
        .annotate(
            pending=Count("id", filter=waiting),
            dead=Count("id", filter=Q(status=OutboxStatus.FAILED)),
            oldest=Min("created_at", filter=waiting),
        )
        .order_by()
    )
    found = {row["destination"]: row for row in rows}
    names = sorted({d.name for d in outbound.destinations()} | set(found))
    empty = {"pending": 0, "dead": 0, "oldest": None}
    summaries = []
    for name in names:
        delivered = (
            visible.filter(status=OutboxStatus.DELIVERED, destination=name)
            .values("id")[: SUPERSEDED_COUNT_CAP + 1]
            .count()
        )
        row = found.get(name, empty)
        summaries.append(
            DestinationSummary(
                name,
                row["pending"],
                min(delivered, SUPERSEDED_COUNT_CAP),
                row["dead"],
                row["oldest"],
                delivered_capped=delivered > SUPERSEDED_COUNT_CAP,
            )
        )
    return summaries


def outbound_dead_letters(principal, limit: int = 20) -> list[OutboundMessage]:
    """The latest dead letters the principal sees (through the status index), newest first."""
    return list(
        OutboundMessage.objects.in_scope(principal, Action.VIEW)
        .filter(status=OutboxStatus.FAILED)
        .defer("payload")
        .order_by("-id")[:limit]
    )
