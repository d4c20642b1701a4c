import datetime

import pytest

from core import calendar
from core.calendar import WorkingCalendar, add_working_days
from core.choices import CalendarDayKind
from core.models import CalendarDay
from core.services import calendar_days_import, parse_calendar_days

D = datetime.date
pytestmark = pytest.mark.django_db


def test_seven_working_days_across_national_day_and_its_make_up_saturday():
    # 2026: 1–7 October off; Saturday 10 October is a make-up working day.
    deadline = add_working_days(D(2026, 9, 30), 7)
    assert deadline.due == D(2026, 10, 15)
    assert not deadline.provisional
    skipped = {day.date: day for day in deadline.skipped}
    assert all(D(2026, 10, d) in skipped for d in range(1, 8))
    assert skipped[D(2026, 10, 1)].name == "国庆节"
    assert D(2026, 10, 11) in skipped and skipped[D(2026, 10, 11)].reason == "weekend"
    assert deadline.make_up_days == (D(2026, 10, 10),)


def test_a_make_up_sunday_before_national_day_counts():
    # Sunday 20 September 2026 is a working day (调休).
    assert calendar.is_working_day(D(2026, 9, 20))
    assert not calendar.is_working_day(D(2026, 10, 2))
    assert add_working_days(D(2026, 9, 18), 1).due == D(2026, 9, 20)


def test_ordinary_week_skips_only_the_weekend():
    deadline = add_working_days(D(2026, 11, 20), 7)  # a Friday
    assert deadline.due == D(2026, 12, 1)
    assert [d.reason for d in deadline.skipped] == ["weekend"] * 4


def test_a_year_the_library_does_not_know_does_not_crash_and_is_provisional():
    assert 2027 not in calendar.library_years()
    deadline = add_working_days(D(2026, 12, 28), 7)
    # Weekends only in 2027: 1 January (a Friday) is counted as a working day for now.
    assert deadline.due == D(2027, 1, 6)
    assert deadline.provisional
    assert deadline.provisional_years == (2027,)
    assert any("2027" in line for line in deadline.explanation())


def test_loading_next_years_holidays_makes_the_deadline_exact(django_capture_on_commit_callbacks):
    days = parse_calendar_days("2027-01-01,休,元旦\n# comment\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert calendar_days_import(days=days, source="国务院办公厅通知", actor=None) == 3
    assert len(callbacks) == 1  # the recount is scheduled after commit
    deadline = add_working_days(D(2026, 12, 28), 7)
    assert deadline.due == D(2027, 1, 7)
    assert not deadline.provisional
    assert calendar.year_is_known(2027)


def test_a_table_row_overrides_the_library():
    CalendarDay.objects.create(date=D(2026, 11, 23), kind=CalendarDayKind.HOLIDAY, name="特别休假")
    assert not calendar.is_working_day(D(2026, 11, 23))
    assert calendar.is_working_day(D(2026, 11, 24))


def test_reimporting_the_same_days_changes_nothing():
    days = parse_calendar_days("2027-02-06,workday,春节调休")
    calendar_days_import(days=days, source="notice", actor=None)
    assert calendar_days_import(days=days, source="notice", actor=None) == 0
    assert CalendarDay.objects.get(date=D(2027, 2, 6)).kind == CalendarDayKind.WORKDAY


def test_bad_lines_are_all_reported_at_once():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        parse_calendar_days("2027-13-01,holiday,x\n2027-01-01,sometimes,x\n2027-01-02,休\n2027-01-02,休\n")
    assert len(raised.value.messages) == 3


def test_the_working_calendar_answers_for_a_whole_range_from_one_query(django_assert_num_queries):
    with django_assert_num_queries(2):
        cal = WorkingCalendar.load(D(2026, 9, 1), D(2027, 3, 1))
    with django_assert_num_queries(0):
        results = [cal.add_working_days(D(2026, 9, 1) + datetime.timedelta(days=i), 7) for i in range(120)]
    assert all(r.due > r.start for r in results)
