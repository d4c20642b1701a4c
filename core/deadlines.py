"""Recounting stored working-day deadlines after the holiday table changed, for every app that stores them.

An app's recomputer (registered with `core.calendar.register_deadline_recomputer`) says which rows may
have moved and how each is counted; this module counts them in batches, writes the ones that moved with
one bulk UPDATE per batch and an audit row each (before and after), and hands them back so the app can
refresh whatever it derives from them. Published rows are recounted as well as open ones: a deadline that
was provisional decides whether a publication was on time.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .audit import audit_log_many
from .calendar import Deadline, WorkingCalendar

RECOUNT_BATCH_SIZE = 1000


@dataclass(frozen=True)
class RecountWindow:
    """The changed years, from 1 January of the first to 31 December of the last."""

    first_day: datetime.date
    last_day: datetime.date

    @classmethod
    def for_years(cls, years: Iterable[int]) -> RecountWindow | None:
        years = sorted(set(years))
        if not years:
            return None
        return cls(datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31))

    def spans(self, *, start: str, due: str) -> Q:
        """Rows whose counted days (from `start` to `due`) reach into the changed years: no other
        deadline can move, since counting never looked at those years' days."""
        return Q(**{f"{start}__lte": self.last_day, f"{due}__gte": self.first_day})


def recount_calendar() -> WorkingCalendar:
    """The whole holiday table (a few dozen rows a year): recounted rows may start in any year."""
    return WorkingCalendar.load_everything()


def recount_deadlines(
    queryset: QuerySet,
    *,
    count: Callable[[object], Deadline],
    due_field: str,
    provisional_field: str,
    action: str,
    batch_size: int = RECOUNT_BATCH_SIZE,
) -> list:
    """Recount the deadline of every row of `queryset` with `count(row)`; store and audit those that moved.

    Keyset batches by id, each read, written and audited in its own transaction, so a recount of many
    rows holds no long lock and a rerun finds nothing left to move. Returns the rows
    that moved, with their new values. `queryset` should load what `str(row)` needs (audit rows name
    their target); the audit scope comes from the queryset's `scope_path_field`, in the same query.
    """
    model = queryset.model
    scope_field = getattr(queryset, "scope_path_field", "")
    if scope_field:
        queryset = queryset.annotate(_recount_scope=F(scope_field))
    fields = [due_field, provisional_field]
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        fields.append("updated_at")
    moved: list = []
    last_pk = None
    while True:
        page = queryset.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        # Read, count and write under the rows' locks: an edit meanwhile (a draft's decision date) is
        # either before the read or waits for the write, never overwritten with a stale count.
        with transaction.atomic():
            batch = list(page.select_for_update(of=("self",))[:batch_size])
            if not batch:
                return moved
            last_pk = batch[-1].pk
            moved.extend(_write_moved(model, batch, count, due_field, provisional_field, fields, action, scope_field))


def _write_moved(model, batch, count, due_field, provisional_field, fields, action, scope_field) -> list:
    groups: dict[tuple, list] = {}
    for row in batch:
        before = (getattr(row, due_field), getattr(row, provisional_field))
        deadline = count(row)
        after = (deadline.due, deadline.provisional)
        if after != before:
            setattr(row, due_field, deadline.due)
            setattr(row, provisional_field, deadline.provisional)
            groups.setdefault((before, after), []).append(row)
    changed = [row for group in groups.values() for row in group]
    if not changed:
        return changed
    if "updated_at" in fields:
        now = timezone.now()
        for row in changed:
            row.updated_at = now
    model._default_manager.bulk_update(changed, fields, batch_size=len(changed))
    # Rows that moved alike share one before/after, so their audit rows go in one statement.
    for (before, after), group in groups.items():
        audit_log_many(
            actor=None,
            action=action,
            targets=group,
            changes={
                "before": dict(zip((due_field, provisional_field), before, strict=True)),
                "after": dict(zip((due_field, provisional_field), after, strict=True)),
            },
            scope_path_of=_scope_of if scope_field else None,
        )
    return changed


def _scope_of(row) -> str:
    return row._recount_scope or ""
