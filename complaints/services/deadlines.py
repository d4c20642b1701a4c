"""The complaint periods (信访工作条例, 2022) in calendar days, ending on a working day (民法典 第二百零三条).

Each deadline is stored on the complaint with what it was counted from — `periods[kind] = {"start": …,
"days": …}` — so the tracking page can show the complainant how (`explain`) and a change of the rules
applies only to what is counted afterwards.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import may_set_city_rules
from core.audit import actor_label, audit_log
from core.calendar import CalendarDayPeriod, WorkingCalendar, add_calendar_days

from ..choices import DEFAULT_DEADLINE_DAYS, DeadlineKind
from ..models import DeadlineRule

LOOKAHEAD = datetime.timedelta(days=21)  # the longest run of rest days a last day can fall into, and more


def days_for(kind: str) -> int:
    """The period's days now (the table, or the statutory default if a row is missing)."""
    row = DeadlineRule.objects.filter(kind=kind).values_list("days", flat=True).first()
    return row if row is not None else DEFAULT_DEADLINE_DAYS[kind][0]


def all_days() -> dict[str, int]:
    table = dict(DeadlineRule.objects.values_list("kind", "days"))
    return {kind: table.get(kind, default) for kind, (default, _basis) in DEFAULT_DEADLINE_DAYS.items()}


def count(complaint, kind: str, start: datetime.date, days: int | None = None) -> CalendarDayPeriod:
    """Count `kind` from `start` and note on the complaint what it was counted from; returns the period."""
    days = days if days is not None else days_for(kind)
    period = add_calendar_days(start, days)
    complaint.periods = {**(complaint.periods or {}), kind: {"start": start.isoformat(), "days": days}}
    if period.provisional:
        complaint.deadline_provisional = True
    return period


def explain(complaint) -> list[tuple[str, list[str]]]:
    """(what, lines) for every deadline counted on the complaint, in the reader's language: one calendar
    read for all of them (two small queries), however many there are."""
    labels = dict(DeadlineKind.choices)
    counted = [
        (kind, datetime.date.fromisoformat(value["start"]), int(value["days"]))
        for kind, value in (complaint.periods or {}).items()
    ]
    if not counted:
        return []
    first = min(start + datetime.timedelta(days=days) for _kind, start, days in counted)
    last = max(start + datetime.timedelta(days=days) for _kind, start, days in counted) + LOOKAHEAD
    calendar = WorkingCalendar.load(first, last)
    return [
        (str(labels.get(kind, kind)), calendar.add_calendar_days(start, days).explanation())
        for kind, start, days in counted
    ]


@transaction.atomic
def deadline_rule_set(*, kind: str, days, legal_basis: str = "", actor) -> DeadlineRule:
    """A supervisor of the city changes a period; complaints already counted keep theirs."""
    if not may_set_city_rules(actor):
        raise PermissionDenied(_("Only the city's supervisors change the complaint deadlines."))
    if kind not in DeadlineKind.values:
        raise ValidationError({"kind": [_("Choose a period.")]})
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": [_("Give a whole number of days.")]}) from None
    if not 1 <= days <= 365:
        raise ValidationError({"days": [_("A period is between 1 and 365 days.")]})
    rule = DeadlineRule.objects.select_for_update().filter(kind=kind).first()
    before = {"days": rule.days, "legal_basis": rule.legal_basis} if rule else None
    if rule is None:
        rule = DeadlineRule(kind=kind, legal_basis=DEFAULT_DEADLINE_DAYS[kind][1])
    rule.days = days
    rule.legal_basis = (legal_basis or "").strip() or rule.legal_basis
    rule.changed_by_label = actor_label(actor)[:200]
    rule.save()
    audit_log(
        actor=actor,
        action="complaints.deadline_rule.set",
        target=rule,
        before=before,
        after={"days": rule.days, "legal_basis": rule.legal_basis},
    )
    return rule
