"""Writes owned by core: the holiday table (days and complete years), notifications and the city-wide
publicity rules."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import may_set_city_rules, scope_for
from .audit import actor_user, audit_log
from .calendar import library_years
from .choices import Action, CalendarDayKind
from .models import CalendarDay, CalendarYear, Notification


@dataclass(frozen=True)
class CalendarDayInput:
    date: datetime.date
    kind: str
    name: str = ""


def parse_calendar_days(text: str) -> list[CalendarDayInput]:
    """Lines of `date,kind,name` (kind: holiday/workday or 休/班); '#' starts a comment.

    Raises ValidationError listing every bad line, so an administrator fixes the file in one go.
    """
    kinds = {
        "holiday": CalendarDayKind.HOLIDAY,
        "休": CalendarDayKind.HOLIDAY,
        "放假": CalendarDayKind.HOLIDAY,
        "workday": CalendarDayKind.WORKDAY,
        "班": CalendarDayKind.WORKDAY,
        "上班": CalendarDayKind.WORKDAY,
    }
    days: list[CalendarDayInput] = []
    errors: list[str] = []
    seen: set[datetime.date] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in next(csv.reader([line]))] + ["", ""]
        try:
            day = datetime.date.fromisoformat(cells[0])
        except ValueError:
            errors.append(
                _("Line %(n)d: “%(value)s” is not a date like 2027-01-01.") % {"n": number, "value": cells[0]}
            )
            continue
        kind = kinds.get(cells[1].lower())
        if kind is None:
            errors.append(
                _("Line %(n)d: the kind must be holiday (休) or workday (班), not “%(value)s”.")
                % {"n": number, "value": cells[1]}
            )
            continue
        if day in seen:
            errors.append(_("Line %(n)d: %(date)s appears twice.") % {"n": number, "date": day})
            continue
        seen.add(day)
        days.append(CalendarDayInput(day, kind, cells[2][:50]))
    if errors:
        raise ValidationError(errors)
    if not days:
        raise ValidationError(_("No calendar days found."))
    return days


def calendar_days_import(*, days: Iterable[CalendarDayInput], source: str, actor, complete: bool = False) -> int:
    """Insert or replace holiday-table rows, then recount deadlines in the affected years.

    `complete`: the rows are the whole State Council notice for their years, which are then marked
    complete (their other days are ordinary weekdays and weekends, no longer provisional).
    """
    days = list(days)
    years = sorted({d.date.year for d in days})
    with transaction.atomic():
        existing = {row.date: row for row in CalendarDay.objects.filter(date__in=[d.date for d in days])}
        to_create, to_update = [], []
        for item in days:
            row = existing.get(item.date)
            if row is None:
                to_create.append(CalendarDay(date=item.date, kind=item.kind, name=item.name, source=source))
            elif (row.kind, row.name) != (item.kind, item.name):
                row.kind, row.name, row.source = item.kind, item.name, source
                to_update.append(row)
        CalendarDay.objects.bulk_create(to_create)
        CalendarDay.objects.bulk_update(to_update, ["kind", "name", "source"])
        # A row per year the table has, so that a partial year can be marked complete later (admin too).
        CalendarYear.objects.bulk_create([CalendarYear(year=year) for year in years], ignore_conflicts=True)
        marked = [year for year in years if complete and _mark_complete(year, source=source, actor=actor)]
        audit_log(
            actor=actor,
            action="calendar.import",
            after={
                "years": years,
                "created": len(to_create),
                "updated": len(to_update),
                "marked_complete": marked,
                "source": source,
            },
        )
        if to_create or to_update or marked:
            transaction.on_commit(lambda: _schedule_recompute(years))
    return len(to_create) + len(to_update)


# Far enough either way for any notice an administrator could hold; outside it is a typing mistake.
CALENDAR_YEARS = range(2000, 2101)


@transaction.atomic
def calendar_year_mark_complete(*, year, source: str = "", actor) -> CalendarYear:
    """An administrator declares the holiday table of `year` complete: the State Council notice is in.

    Idempotent; a newly complete year has its deadlines recounted.
    """
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": [_("Give the year as four digits, such as 2027.")]}) from None
    if year not in CALENDAR_YEARS:
        raise ValidationError(
            {
                "year": [
                    _("The year must lie between %(first)d and %(last)d.")
                    % {"first": CALENDAR_YEARS[0], "last": CALENDAR_YEARS[-1]}
                ]
            }
        )
    if year not in library_years() and not CalendarDay.objects.filter(date__year=year).exists():
        raise ValidationError(
            {
                "year": [
                    _("No day of %(year)d is in the holiday table yet: load the State Council notice first.")
                    % {"year": year}
                ]
            }
        )
    if _mark_complete(year, source=source, actor=actor):
        transaction.on_commit(lambda: _schedule_recompute([year]))
    return CalendarYear.objects.get(year=year)


def _mark_complete(year: int, *, source: str, actor) -> bool:
    """Mark one year complete, audited; False when it already was."""
    row, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
    if row.complete:
        return False
    if not source:
        source = (
            CalendarDay.objects.filter(date__year=year)
            .exclude(source="")
            .order_by("-id")
            .values_list("source", flat=True)
            .first()
            or ""
        )
    row.complete, row.source = True, source[:200]
    row.marked_by, row.marked_at = actor_user(actor), timezone.now()
    row.save()
    audit_log(
        actor=actor,
        action="calendar.year_complete",
        target=row,
        before={"complete": False},
        after={"complete": True, "source": row.source},
    )
    return True


def _schedule_recompute(years: list[int]) -> None:
    from .tasks import recompute_deadlines

    recompute_deadlines.delay(years)


def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    email: bool = False,
) -> int:
    """In-app notices (and optionally e-mail) for many users; a repeated dedupe_key is a no-op."""
    recipients = [r for r in recipients if r is not None]
    created = 0
    for recipient in recipients:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=recipient, kind=kind, subject=subject[:200], body=body, link=link, dedupe_key=dedupe_key
                )
            created += 1
        except IntegrityError:
            continue  # already notified under this key
    if email and created:
        addresses = [r.email for r in recipients if getattr(r, "email", "")]
        if addresses:
            from django.conf import settings

            transaction.on_commit(
                lambda: send_mass_mail(
                    [(subject, f"{body}\n\n{link}".strip(), settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses],
                    fail_silently=True,
                )
            )
    return created


def notification_mark_read(*, notification: Notification, actor) -> None:
    from django.utils import timezone

    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def publicity_rule_update(*, rule, min_months: int, max_months: int, actor):
    """City-level supervisors and administrators tune how long records stay public; applies to records
    decided from now on. Anyone else may read the rules but not change them."""
    from .audit import diff as audit_diff
    from .models import PublicityRule

    if not may_set_city_rules(actor):
        raise PermissionDenied(
            _("Only the city's supervisors and administrators may change city-wide publicity rules.")
        )
    errors = {}
    if not 1 <= min_months <= 120:
        errors["min_months"] = [_("Between 1 and 120 months.")]
    if not 1 <= max_months <= 120:
        errors["max_months"] = [_("Between 1 and 120 months.")]
    if not errors and min_months > max_months:
        errors["max_months"] = [_("The maximum cannot be shorter than the minimum.")]
    if errors:
        raise ValidationError(errors)
    stored = PublicityRule.objects.select_for_update().get(pk=rule.pk)
    before = {"min_months": stored.min_months, "max_months": stored.max_months}
    stored.min_months, stored.max_months = min_months, max_months
    stored.save(update_fields=["min_months", "max_months", "updated_at"])
    changed_before, changed_after = audit_diff(before, {"min_months": min_months, "max_months": max_months})
    if changed_after:
        # The row names the rule itself (its label and periods change meaning over time) and is filed under
        # the city, so that the city's supervisors find it on their audit page.
        identity = {"record_type": stored.record_type, "key": stored.key}
        audit_log(
            actor=actor,
            action="publicity_rule.update",
            target=stored,
            before={**identity, **changed_before},
            after={**identity, **changed_after},
            scope_path=_city_rules_audit_path(actor),
        )
    return stored


def _city_rules_audit_path(actor) -> str:
    scope = scope_for(actor, Action.SET_CITY_RULES)
    if scope.subtree_paths:
        return min(scope.subtree_paths)
    getter = getattr(actor, "audit_scope_path", None)
    return getter() if callable(getter) else ""
