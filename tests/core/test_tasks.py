import pytest
from django.core import mail

from core.models import Notification
from core.services import calendar_days_import, parse_calendar_days
from core.tasks import recompute_deadlines, warn_missing_holiday_calendar
from organizations.choices import Role
from tests.factories import make_organization, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return user_with_role(Role.ADMINISTRATOR, make_organization())


def test_administrators_are_warned_in_autumn_when_next_year_is_unknown(
    administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert warn_missing_holiday_calendar("2026-10-15") == 1
    notice = Notification.objects.get(recipient=administrator)
    assert "2027" in notice.subject and notice.link == "/staff/calendar/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [administrator.email]


def test_the_warning_is_sent_once_a_month_even_if_beat_runs_twice(administrator):
    warn_missing_holiday_calendar("2026-10-15")
    assert warn_missing_holiday_calendar("2026-10-16") == 0
    assert warn_missing_holiday_calendar("2026-11-02") == 1


def test_no_warning_outside_autumn_or_once_the_year_is_loaded(administrator):
    assert warn_missing_holiday_calendar("2026-07-01") == 0
    calendar_days_import(days=parse_calendar_days("2027-01-01,休,元旦"), source="通知", actor=None, complete=True)
    assert warn_missing_holiday_calendar("2026-12-01") == 0
    assert not Notification.objects.exists()


def test_a_year_with_some_days_but_not_marked_complete_is_still_warned_about(administrator):
    # A local holiday alone is not the State Council notice: next year's deadlines stay provisional.
    calendar_days_import(days=parse_calendar_days("2027-06-01,休,地方假日"), source="市政府通知", actor=None)
    assert warn_missing_holiday_calendar("2026-11-02") == 1
    assert "并将该年度标记为完整" in Notification.objects.get(recipient=administrator).body  # zh-hans, as sent


def test_recompute_runs_every_registered_recomputer(monkeypatch):
    from core import calendar

    seen = []
    monkeypatch.setattr(calendar, "_recomputers", {"probe": lambda years: seen.append(list(years)) or 5})
    assert recompute_deadlines([2027]) == {"probe": 5}
    assert seen == [[2027]]
