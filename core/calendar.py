"""Working days: statutory holidays, make-up working days (调休) and a provisional fallback.

Sources, day by day, strongest first: a row in CalendarDay (administrators fill them from the State
Council notice, or add a local holiday), the chinesecalendar library (one year at a time, 2004–2026
in 1.11), and the weekday rule. A year is fully known when the library knows it or an administrator
marked its table complete (CalendarYear); in any other year the days the table does not name are
counted by weekends only, and a deadline through them is marked provisional and recounted when the
year's holidays are added (see `register_deadline_recomputer`). Nothing here ever raises for an
unknown year.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import chinese_calendar
from django.utils.translation import gettext_lazy as _

from .choices import CalendarDayKind

ONE_DAY = datetime.timedelta(days=1)
# How far past the start the calendar may need to look: seven working days never span more than
# the longest holiday run (Spring Festival / National Day ~ 9 days) plus weekends.
_LOOKAHEAD_PER_WORKING_DAY = 3
_LOOKAHEAD_SLACK = 21


def _provisional_line(message, years) -> str:
    return str(message % {"years": "、".join(str(y) for y in years)})


@dataclass(frozen=True)
class SkippedDay:
    date: datetime.date
    reason: str  # "weekend" or "holiday"
    name: str = ""  # the holiday's name, where there is one


@dataclass(frozen=True)
class Deadline:
    start: datetime.date
    working_days: int
    due: datetime.date
    skipped: tuple[SkippedDay, ...]
    make_up_days: tuple[datetime.date, ...]
    # Years that were counted by weekends only because no holiday table was known.
    provisional_years: tuple[int, ...]

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    def explanation(self) -> list[str]:
        """How the deadline was counted, for the public."""
        lines = [
            str(
                _("Counted %(n)d working days from the day after %(start)s; the deadline is %(due)s.")
                % {"n": self.working_days, "start": self.start.isoformat(), "due": self.due.isoformat()}
            )
        ]
        for day in self.skipped:
            if day.reason == "holiday":
                lines.append(str(_("%(date)s skipped: %(name)s holiday") % {"date": day.date, "name": day.name}))
            else:
                lines.append(str(_("%(date)s skipped: weekend") % {"date": day.date}))
        for day in self.make_up_days:
            lines.append(str(_("%(date)s counted: make-up working day (调休)") % {"date": day}))
        if self.provisional:
            lines.append(
                _provisional_line(
                    _(
                        "Provisional: the holidays of %(years)s are not published yet, so only weekends "
                        "were skipped. The deadline will be recounted when they are."
                    ),
                    self.provisional_years,
                )
            )
        return lines


@dataclass(frozen=True)
class CalendarDayPeriod:
    """A period in calendar days (日): the start day is not counted (民法典 第二百零一条); when the last day
    is a statutory holiday or a rest day the period ends on the next working day (第二百零三条)."""

    start: datetime.date
    days: int
    last_day: datetime.date  # the `days`-th day after the start
    due: datetime.date  # the last day, or the next working day after it
    rolled_over: tuple[SkippedDay, ...]  # the non-working days the end moved over
    provisional_years: tuple[int, ...]

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    def explanation(self) -> list[str]:
        """How the period was counted, for the public."""
        lines = [
            str(
                _("Counted %(n)d calendar days from the day after %(start)s: the %(n)dth day is %(last)s.")
                % {"n": self.days, "start": self.start.isoformat(), "last": self.last_day.isoformat()}
            )
        ]
        for day in self.rolled_over:
            if day.reason == "holiday":
                lines.append(str(_("%(date)s is a holiday (%(name)s)") % {"date": day.date, "name": day.name}))
            else:
                lines.append(str(_("%(date)s is a rest day") % {"date": day.date}))
        if self.rolled_over:
            lines.append(
                str(
                    _(
                        "The last day is not a working day, so the period ends on the next working day, %(due)s "
                        "(民法典 第二百零三条)."
                    )
                    % {"due": self.due.isoformat()}
                )
            )
        if self.provisional:
            lines.append(
                _provisional_line(
                    _(
                        "Provisional: the holidays of %(years)s are not published yet, so only weekends "
                        "were taken as rest days. The deadline will be recounted when they are."
                    ),
                    self.provisional_years,
                )
            )
        return lines


@dataclass(frozen=True)
class DayStatus:
    working: bool
    reason: str  # "weekday", "weekend", "holiday", "workday" (make-up)
    name: str
    provisional: bool


@cache
def library_years() -> frozenset[int]:
    return frozenset(d.year for d in chinese_calendar.holidays)


@cache
def _chinese_holiday_names() -> dict[str, str]:
    return {h.value: h.chinese for h in chinese_calendar.Holiday}


class WorkingCalendar:
    """A read-only view of the calendar for a date range, loaded with two small queries."""

    def __init__(self, overrides: dict[datetime.date, tuple[str, str]], complete_years: Iterable[int] = ()):
        self._overrides = overrides
        self._complete_years = frozenset(complete_years)

    @classmethod
    def load(cls, start: datetime.date, end: datetime.date) -> WorkingCalendar:
        from .models import CalendarDay

        rows = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind", "name")
        overrides = {date: (kind, name) for date, kind, name in rows}
        return cls(overrides, complete_table_years(range(start.year, end.year + 1)))

    @classmethod
    def load_everything(cls) -> WorkingCalendar:
        """The whole holiday table (a few dozen rows a year), for work whose dates are not known
        beforehand, such as a bulk import."""
        from .models import CalendarDay

        overrides = {date: (kind, name) for date, kind, name in CalendarDay.objects.values_list("date", "kind", "name")}
        return cls(overrides, complete_table_years())

    def year_is_known(self, year: int) -> bool:
        return year in library_years() or year in self._complete_years

    def status(self, day: datetime.date) -> DayStatus:
        override = self._overrides.get(day)
        if override:
            kind, name = override
            return DayStatus(kind == CalendarDayKind.WORKDAY, kind, name, provisional=False)
        if day.year in library_years():
            if day in chinese_calendar.workdays:
                return DayStatus(True, "workday", self._name(chinese_calendar.workdays[day]), False)
            if day in chinese_calendar.holidays:
                return DayStatus(False, "holiday", self._name(chinese_calendar.holidays[day]), False)
            return self._weekday_rule(day, provisional=False)
        return self._weekday_rule(day, provisional=day.year not in self._complete_years)

    def is_working_day(self, day: datetime.date) -> bool:
        return self.status(day).working

    def add_working_days(self, start: datetime.date, working_days: int) -> Deadline:
        """The `working_days`-th working day after `start` (the start day itself is not counted)."""
        if working_days < 1:
            raise ValueError("working_days must be positive")
        day, counted = start, 0
        skipped: list[SkippedDay] = []
        make_up: list[datetime.date] = []
        provisional_years: set[int] = set()
        while counted < working_days:
            day += ONE_DAY
            status = self.status(day)
            if status.provisional:
                provisional_years.add(day.year)
            if status.working:
                counted += 1
                if status.reason == "workday":
                    make_up.append(day)
            else:
                skipped.append(SkippedDay(day, status.reason, status.name))
        return Deadline(start, working_days, day, tuple(skipped), tuple(make_up), tuple(sorted(provisional_years)))

    def add_calendar_days(self, start: datetime.date, days: int) -> CalendarDayPeriod:
        """The end of a period of `days` calendar days after `start` (see CalendarDayPeriod)."""
        if days < 1:
            raise ValueError("days must be positive")
        last = start + datetime.timedelta(days=days)
        due, rolled = last, []
        provisional_years: set[int] = set()
        while True:
            status = self.status(due)
            if status.provisional:
                provisional_years.add(due.year)
            if status.working:
                break
            rolled.append(SkippedDay(due, status.reason, status.name))
            due += ONE_DAY
        return CalendarDayPeriod(start, days, last, due, tuple(rolled), tuple(sorted(provisional_years)))

    @staticmethod
    def _weekday_rule(day: datetime.date, *, provisional: bool) -> DayStatus:
        weekend = day.weekday() >= 5
        return DayStatus(not weekend, "weekend" if weekend else "weekday", "", provisional)

    @staticmethod
    def _name(english: str) -> str:
        return _chinese_holiday_names().get(english, english)


def calendar_for(start: datetime.date, working_days: int) -> WorkingCalendar:
    end = start + datetime.timedelta(days=working_days * _LOOKAHEAD_PER_WORKING_DAY + _LOOKAHEAD_SLACK)
    return WorkingCalendar.load(start, end)


def calendar_covering(first: datetime.date, last: datetime.date, working_days: int) -> WorkingCalendar:
    """One calendar for counting `working_days` from any day between `first` and `last` (a period's
    records counted at once, without a query per record)."""
    end = last + datetime.timedelta(days=working_days * _LOOKAHEAD_PER_WORKING_DAY + _LOOKAHEAD_SLACK)
    return WorkingCalendar.load(first, end)


def add_working_days(start: datetime.date, working_days: int) -> Deadline:
    return calendar_for(start, working_days).add_working_days(start, working_days)


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar.load(day, day).is_working_day(day)


def add_calendar_days(start: datetime.date, days: int) -> CalendarDayPeriod:
    """`days` calendar days after `start`, ending on a working day (民法典 第二百零三条). One query pair: the
    table is read from the last day on for the longest run of rest days (a Spring Festival week)."""
    last = start + datetime.timedelta(days=days)
    return WorkingCalendar.load(last, last + datetime.timedelta(days=_LOOKAHEAD_SLACK)).add_calendar_days(start, days)


def complete_table_years(years: Iterable[int] | None = None) -> set[int]:
    """Years an administrator marked complete (of `years`, or all of them)."""
    from .models import CalendarYear

    marked = CalendarYear.objects.filter(complete=True)
    if years is not None:
        marked = marked.filter(year__in=list(years))
    return set(marked.values_list("year", flat=True))


def year_is_known(year: int) -> bool:
    return year in library_years() or year in complete_table_years([year])


@dataclass(frozen=True)
class YearSummary:
    year: int
    state: str  # a CalendarYearState
    built_in: bool  # the library knows the year
    table_days: int  # rows of the holiday table in that year
    marked: object | None  # the year's CalendarYear row, if any: who marked it complete, when, from what


def year_summaries(years: Iterable[int]) -> list[YearSummary]:
    """Complete, partial or unknown, for the holiday page: `years` and every year the table has."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from .choices import CalendarYearState
    from .models import CalendarDay, CalendarYear

    days = dict(
        CalendarDay.objects.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    marked = {row.year: row for row in CalendarYear.objects.select_related("marked_by")}
    summaries = []
    for year in sorted(set(years) | set(days) | set(marked)):
        row = marked.get(year)
        built_in = year in library_years()
        if built_in or (row is not None and row.complete):
            state = CalendarYearState.COMPLETE
        elif days.get(year):
            state = CalendarYearState.PARTIAL
        else:
            state = CalendarYearState.UNKNOWN
        summaries.append(YearSummary(year, state, built_in, days.get(year, 0), row))
    return summaries


# --- recomputing deadlines when a year's holidays arrive (the shared recount: core.deadlines) -------

DeadlineRecomputer = Callable[[Iterable[int]], int]
_recomputers: dict[str, DeadlineRecomputer] = {}


def register_deadline_recomputer(name: str, recompute: DeadlineRecomputer) -> None:
    """Apps that store deadlines register how to recount them for the given years: the open ones,
    and the closed ones whose deadline was provisional (`core.deadlines.recount_deadlines` does both).

    The callable gets the years whose holidays changed and returns how many deadlines it moved.
    """
    _recomputers[name] = recompute


def deadline_recomputers() -> dict[str, DeadlineRecomputer]:
    return dict(_recomputers)


@lru_cache(maxsize=65_536)  # pure, and bulk paths ask for the same few decision dates
def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    import calendar as _stdlib_calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, _stdlib_calendar.monthrange(year, month)[1]))
