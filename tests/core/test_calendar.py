import datetime

import pytest

from core import calendar
from core.calendar import WorkingCalendar, add_working_days
from core.choices import CalendarDayKind, CalendarYearState
from core.models import AuditEvent, CalendarDay, CalendarYear
from core.services import calendar_days_import, calendar_year_mark_complete, parse_calendar_days
from organizations.choices import Role

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
        assert calendar_days_import(days=days, source="国务院办公厅通知", actor=None, complete=True) == 3
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


# --- table rows override day by day; a year is known when the library knows it or it is complete ---


def test_a_local_holiday_row_does_not_wipe_the_years_statutory_holidays():
    CalendarDay.objects.create(date=D(2026, 11, 23), kind=CalendarDayKind.HOLIDAY, name="地方假日")
    assert not calendar.is_working_day(D(2026, 10, 1))
    # National Day still skipped (1–7 October, Saturday 10 October worked): not 2026-10-09.
    national_day = add_working_days(D(2026, 9, 30), 7)
    assert national_day.due == D(2026, 10, 15) and not national_day.provisional
    assert D(2026, 10, 1) in {day.date for day in national_day.skipped}
    # And the local holiday is skipped too: Monday 23 November off, so Wednesday 2 December, not the 1st.
    local = add_working_days(D(2026, 11, 20), 7)
    assert local.due == D(2026, 12, 2)
    assert (D(2026, 11, 23), "holiday", "地方假日") in {(d.date, d.reason, d.name) for d in local.skipped}
    # The bulk path (the whole table in one go) answers the same.
    assert WorkingCalendar.load_everything().add_working_days(D(2026, 9, 30), 7).due == D(2026, 10, 15)


def test_rows_of_an_unknown_year_leave_its_other_days_provisional_until_it_is_marked_complete(
    django_capture_on_commit_callbacks,
):
    calendar_days_import(days=parse_calendar_days("2027-01-01,休,元旦"), source="通知", actor=None)
    loaded = WorkingCalendar.load(D(2027, 1, 1), D(2027, 1, 31))
    assert loaded.status(D(2027, 1, 1)).provisional is False  # given explicitly
    assert loaded.status(D(2027, 1, 4)).provisional is True  # only the weekday rule speaks for it
    deadline = add_working_days(D(2026, 12, 28), 7)
    assert deadline.due == D(2027, 1, 7) and deadline.provisional_years == (2027,)
    assert not calendar.year_is_known(2027)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calendar_year_mark_complete(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知", actor=None)
    assert len(callbacks) == 1  # the year is recounted after commit
    deadline = add_working_days(D(2026, 12, 28), 7)
    assert deadline.due == D(2027, 1, 7) and not deadline.provisional
    assert calendar.year_is_known(2027)


def test_marking_a_year_complete_is_audited_once_and_says_who(django_capture_on_commit_callbacks):
    from tests.factories import make_organization, user_with_role

    administrator = user_with_role(Role.ADMINISTRATOR, make_organization())
    calendar_days_import(days=parse_calendar_days("2027-01-01,休,元旦"), source="国办发明电〔2026〕1号", actor=None)
    marked = calendar_year_mark_complete(year=2027, actor=administrator)
    assert (marked.complete, marked.marked_by, marked.source) == (True, administrator, "国办发明电〔2026〕1号")
    event = AuditEvent.objects.get(action="calendar.year_complete")
    assert (event.actor, event.target_id, event.before, event.after) == (
        administrator,
        str(marked.pk),
        {"complete": False},
        {"complete": True, "source": "国办发明电〔2026〕1号"},
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calendar_year_mark_complete(year=2027, actor=administrator)
    assert not callbacks and AuditEvent.objects.filter(action="calendar.year_complete").count() == 1


def test_importing_the_whole_notice_marks_its_years_complete():
    days = parse_calendar_days("2027-01-01,休,元旦\n2027-02-06,班,春节")
    calendar_days_import(days=days, source="国务院通知", actor=None, complete=True)
    assert CalendarYear.objects.get(year=2027).complete
    assert AuditEvent.objects.get(action="calendar.import").after["marked_complete"] == [2027]
    assert AuditEvent.objects.filter(action="calendar.year_complete").count() == 1


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (2027, "No day of 2027 is in the holiday table yet"),
        (99999999999999999999, "The year must lie between 2000 and 2100."),
        ("twenty", "Give the year as four digits"),
    ],
)
def test_a_year_cannot_be_marked_complete_by_mistake(year, message):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        calendar_year_mark_complete(year=year, actor=None)
    assert message in raised.value.message_dict["year"][0]
    assert not CalendarYear.objects.filter(complete=True).exists()


def test_each_year_is_said_to_be_complete_partial_or_unknown():
    CalendarDay.objects.create(date=D(2026, 11, 23), kind=CalendarDayKind.HOLIDAY, name="地方假日")
    calendar_days_import(days=parse_calendar_days("2027-01-01,休,元旦"), source="通知", actor=None)
    calendar_days_import(days=parse_calendar_days("2028-01-01,休,元旦"), source="通知", actor=None, complete=True)
    states = {s.year: (s.state, s.built_in, s.table_days) for s in calendar.year_summaries([2026, 2029])}
    assert states == {
        2026: (CalendarYearState.COMPLETE, True, 1),
        2027: (CalendarYearState.PARTIAL, False, 1),
        2028: (CalendarYearState.COMPLETE, False, 1),
        2029: (CalendarYearState.UNKNOWN, False, 0),
    }


# --- calendar-day periods (日): 民法典 第二百零一条 / 第二百零三条 -----------------------------------------------


def test_a_calendar_day_period_ending_in_the_national_day_holiday_ends_on_the_next_working_day():
    period = calendar.add_calendar_days(D(2026, 9, 20), 15)
    assert period.last_day == D(2026, 10, 5)
    assert period.due == D(2026, 10, 8)
    assert [day.date for day in period.rolled_over] == [D(2026, 10, 5), D(2026, 10, 6), D(2026, 10, 7)]
    assert period.rolled_over[0].name == "国庆节" and not period.provisional
    text = " ".join(period.explanation())
    assert "2026-10-05" in text and "2026-10-08" in text and "第二百零三条" in text


def test_a_period_ending_on_a_make_up_saturday_ends_that_day():
    period = calendar.add_calendar_days(D(2026, 9, 25), 15)
    assert period.last_day == period.due == D(2026, 10, 10) and period.rolled_over == ()


def test_a_period_ending_on_a_weekend_moves_to_monday_and_weekdays_count_like_any_day():
    period = calendar.add_calendar_days(D(2026, 11, 13), 15)
    assert period.last_day == D(2026, 11, 28)  # a Saturday
    assert period.due == D(2026, 11, 30)
    assert [day.reason for day in period.rolled_over] == ["weekend", "weekend"]
    assert calendar.add_calendar_days(D(2026, 3, 1), 60).due == D(2026, 4, 30)  # rest days inside do not count


def test_a_period_into_an_unknown_year_is_provisional_and_counts_weekends():
    period = calendar.add_calendar_days(D(2029, 12, 1), 30)  # 2029-12-31 is a Monday
    assert period.due == D(2029, 12, 31) and period.provisional
    with pytest.raises(ValueError):
        calendar.add_calendar_days(D(2026, 1, 1), 0)
