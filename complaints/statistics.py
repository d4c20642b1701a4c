"""Public complaint statistics: the precompute behind `/complaints/statistics/` and the rule that keeps
small counts from pointing at anyone.

**The precompute.** `ComplaintMonthly` holds one row per month of receipt × organization complained about ×
category, with the counts the page adds up (received, accepted, not accepted, decided on acceptance in time,
replied after acceptance, replied in time, ratings 1–5). A complaint counts in the month it was *received*
(a cohort): its later acceptance, reply and rating change that month's row. `refresh(months)` recomputes whole
months in one statement on PostgreSQL — ``INSERT … SELECT … GROUP BY date_trunc('month', received_on),
organization, category ON CONFLICT DO UPDATE`` plus a DELETE of the months' rows that no longer occur — under
a transaction-level advisory lock, so two runs at once queue up instead of interleaving; elsewhere (SQLite, the
`make run` default) the same figures come from an ORM aggregate and a bulk upsert. Recomputing a month is
idempotent: run it twice, the table is the same.

**When.** One beat entry (`complaints-refresh-statistics`, every 10 minutes) runs `refresh_due()`:

* once a day, on the first run after 02:00 local time, every month is recomputed (`refresh()` with no months);
* otherwise only the months *touched* since the last run: the months of receipt of the complaints that got a
  timeline step (`ComplaintEvent`, whose primary key is a cheap range scan) with an id above the highest one
  the table has seen (`events_upto`), minus a margin of `EVENT_MARGIN` ids so a step committed late by a slow
  transaction is still caught. Every filing, decision, reply and rating adds a step, so the current month is
  never more than ten minutes behind; whatever a margin could still miss the nightly run puts right.

The page reads only this table (a few thousand rows a year), never the complaints.

**Suppression** (`protect`): see its docstring.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .choices import Status
from .models import Complaint, ComplaintEvent, ComplaintMonthly

THRESHOLD = 5  # no count below this is printed, no rate over fewer cases
EVENT_MARGIN = 5000  # ids re-read below the watermark: steps of transactions that committed late
NIGHTLY_HOUR = 2
LOCK_KEY = 0x436D6F6E  # pg_advisory_xact_lock key of the refresh ("Cmon")

COUNTS = (
    "received",
    "accepted",
    "declined",
    "decided_on_time",
    "replied",
    "replied_on_time",
    "rated_1",
    "rated_2",
    "rated_3",
    "rated_4",
    "rated_5",
)

_SQL_COUNTS = """
    count(*),
    count(*) FILTER (WHERE c.accepted_on IS NOT NULL),
    count(*) FILTER (WHERE c.status = 'declined'),
    count(*) FILTER (WHERE (c.accepted_on IS NOT NULL AND c.accepted_on <= c.accept_due)
                        OR (c.status = 'declined' AND c.replied_on <= c.accept_due)),
    count(*) FILTER (WHERE c.accepted_on IS NOT NULL AND c.replied_on IS NOT NULL),
    count(*) FILTER (WHERE c.accepted_on IS NOT NULL AND c.replied_on IS NOT NULL AND c.replied_on <= c.handle_due),
    count(*) FILTER (WHERE c.satisfaction = 1),
    count(*) FILTER (WHERE c.satisfaction = 2),
    count(*) FILTER (WHERE c.satisfaction = 3),
    count(*) FILTER (WHERE c.satisfaction = 4),
    count(*) FILTER (WHERE c.satisfaction = 5)
"""


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _orm_counts():
    accepted = Q(accepted_on__isnull=False)
    declined = Q(status=Status.DECLINED)
    replied = accepted & Q(replied_on__isnull=False)
    return {
        "received": Count("id"),
        "accepted": Count("id", filter=accepted),
        "declined": Count("id", filter=declined),
        "decided_on_time": Count(
            "id",
            filter=(accepted & Q(accepted_on__lte=F("accept_due"))) | (declined & Q(replied_on__lte=F("accept_due"))),
        ),
        "replied": Count("id", filter=replied),
        "replied_on_time": Count("id", filter=replied & Q(replied_on__lte=F("handle_due"))),
        **{f"rated_{n}": Count("id", filter=Q(satisfaction=n)) for n in range(1, 6)},
    }


def _postgres_refresh(months: list[datetime.date] | None, upto: int) -> int:
    stamp = timezone.now()  # this run's rows: the DELETE below keeps only these
    columns = ", ".join(COUNTS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in (*COUNTS, "computed_at", "events_upto"))
    table = ComplaintMonthly._meta.db_table
    source = Complaint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        if months is None:
            where, params = "", []
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the model's table
        else:
            # One index range a month (complaint_received_idx), not a scan of every complaint.
            where = (
                "JOIN unnest(%s::date[]) AS m(month) "
                "ON c.received_on >= m.month AND c.received_on < (m.month + interval '1 month')::date"
            )
            params = [months]
        cursor.execute(
            f"""
            INSERT INTO {table} (month, organization_id, category, {columns}, computed_at, events_upto)
            SELECT date_trunc('month', c.received_on)::date, c.organization_id, c.category, {_SQL_COUNTS},
                   %s, %s
            FROM {source} c {where}
            GROUP BY 1, 2, 3
            ON CONFLICT (month, organization_id, category) DO UPDATE SET {updates}
            """,  # noqa: S608 - names from the models and constants; values bound
            [stamp, upto, *params],
        )
        written = cursor.rowcount
        if months is None:
            # Every row rewritten: fresh statistics, so the page's plans see the table as it now is.
            cursor.execute(f"ANALYZE {table}")
        if months is not None:
            # Rows of these months that no longer occur (a complaint moved to another organization or
            # category): everything this statement did not write.
            cursor.execute(
                f"DELETE FROM {table} WHERE month = ANY(%s::date[]) AND computed_at <> %s",  # noqa: S608
                [months, stamp],
            )
    return written


def _portable_refresh(months: list[datetime.date] | None, upto: int) -> int:
    queryset = Complaint.objects.all()
    stale = ComplaintMonthly.objects.all()
    if months is not None:
        condition = Q(pk__in=[])
        for month in months:
            following = (month + datetime.timedelta(days=32)).replace(day=1)
            condition |= Q(received_on__gte=month, received_on__lt=following)
        queryset = queryset.filter(condition)
        stale = stale.filter(month__in=months)
    now = timezone.now()
    rows = [
        ComplaintMonthly(
            month=row.pop("month"),
            organization_id=row.pop("organization_id"),
            category=row.pop("category"),
            computed_at=now,
            events_upto=upto,
            **row,
        )
        for row in queryset.annotate(month=TruncMonth("received_on"))
        .values("month", "organization_id", "category")
        .annotate(**_orm_counts())
        .order_by()
    ]
    ComplaintMonthly.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["month", "organization", "category"],
        update_fields=[*COUNTS, "computed_at", "events_upto"],
    )
    stale.exclude(computed_at=now).delete()
    return len(rows)


@transaction.atomic
def refresh(months=None) -> int:
    """Recompute the given months (first days; None: every month) from the complaints. Rows written."""
    upto = ComplaintEvent.objects.aggregate(top=Max("id"))["top"] or 0
    if months is not None:
        months = sorted({month_start(month) for month in months})
        if not months:
            return 0
    if connection.vendor == "postgresql":
        return _postgres_refresh(months, upto)
    return _portable_refresh(months, upto)


def vacuum() -> None:
    """After a full refresh every row has a dead twin: VACUUM now (outside a transaction, PostgreSQL only)
    rather than leave the page to read twice the pages until autovacuum comes."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {ComplaintMonthly._meta.db_table}")


def touched_months(since_event_id: int) -> list[datetime.date]:
    """Months of receipt of the complaints with a timeline step above `since_event_id` (less the margin)."""
    start = max(since_event_id - EVENT_MARGIN, 0)
    return sorted(
        month_start(day)
        for day in Complaint.objects.filter(pk__in=ComplaintEvent.objects.filter(pk__gt=start).values("complaint_id"))
        .annotate(month=TruncMonth("received_on"))
        .values_list("month", flat=True)
        .distinct()
        .order_by()
    )


def refresh_due(now: datetime.datetime | None = None) -> dict:
    """What the beat runs every 10 minutes: all months once a day after 02:00, else the touched ones."""
    now = timezone.localtime(now)
    night = now.replace(hour=NIGHTLY_HOUR, minute=0, second=0, microsecond=0)
    if now < night:
        night -= datetime.timedelta(days=1)
    state = ComplaintMonthly.objects.aggregate(oldest=Min("computed_at"), upto=Max("events_upto"))
    if state["oldest"] is None or state["oldest"] < night:
        rows = refresh()
        vacuum()
        return {"mode": "full", "rows": rows}
    months = touched_months(state["upto"] or 0)
    return {"mode": "touched", "months": [m.isoformat() for m in months], "rows": refresh(months)}


# --- suppression ------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One printed count: `text` is what the page shows; `value` is None when it is not shown."""

    value: int | None
    text: str
    suppressed: str = ""  # "" | "small" (below the threshold) | "complementary" (so a small one cannot be worked out)


def _shown(count: int) -> Figure:
    return Figure(count, f"{count:,}")


def protect(counts: list[int], total: int | None = None) -> tuple[list[Figure], Figure]:
    """The cells of one table (a partition of `total`, which defaults to their sum) and its total, as printed.

    * Primary suppression: a count below `THRESHOLD` (five) — zero included, so a shown "<5" says nothing about
      whether there is anyone at all — is printed as "<5".
    * Complementary suppression: the total is printed, so a table with exactly one suppressed cell would give it
      away (total minus the others). Then the smallest shown cell is withheld too (printed "×"): the two
      withheld cells' sum is known, but not how it splits — the small one lies anywhere from 0 to 4. With two or
      more small cells none is added: their sum is known but not its parts.
    * The total itself is a count like any other: below five it is "<5" (then every cell is too).

    Each table on the page is a separate partition of the same total (months, categories, organizations with
    "others", ratings), never a cross-tabulation, so one table's shown cells cannot be combined with
    another's to recover a withheld one. What no per-page rule prevents is subtracting two *pages* (an
    organization's subtree minus a child's subtree); the counts are about public bodies, and any cell that
    small is still never printed.
    """
    total = sum(counts) if total is None else total
    figures = [Figure(None, "<5", "small") if count < THRESHOLD else _shown(count) for count in counts]
    small = [i for i, figure in enumerate(figures) if figure.suppressed]
    if total < THRESHOLD:
        return [Figure(None, "<5", "small") for _ in counts], Figure(None, "<5", "small")
    if len(small) == 1:
        others = [i for i, figure in enumerate(figures) if not figure.suppressed]
        if others:
            smallest = min(others, key=lambda i: (counts[i], i))
            figures[smallest] = Figure(None, "×", "complementary")
    return figures, _shown(total)


def rate(numerator: int, denominator: int) -> float | None:
    """A share (0–100, one decimal) — None over fewer than `THRESHOLD` cases."""
    if denominator < THRESHOLD:
        return None
    return round(100 * numerator / denominator, 1)


def average_satisfaction(row: dict) -> float | None:
    rated = sum(row[f"rated_{n}"] for n in range(1, 6))
    if rated < THRESHOLD:
        return None
    return round(sum(n * row[f"rated_{n}"] for n in range(1, 6)) / rated, 2)
