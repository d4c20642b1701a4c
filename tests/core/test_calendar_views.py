"""The holiday page and the Django admin: which years are complete, and marking one complete."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, CalendarDay, CalendarYear
from core.services import calendar_days_import, parse_calendar_days
from organizations.choices import Role
from tests.factories import user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def administrator(world):
    return user_with_role(Role.ADMINISTRATOR, world.city)


@pytest.fixture
def december_2026(monkeypatch):
    """The page lists last year to two years ahead: 2025–2028 on 2 December 2026."""
    real_localdate = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, tz=None: D(2026, 12, 2) if value is None else real_localdate(value)
    )


def year_states(html: str) -> dict[int, str]:
    return {int(year): state for year, state in re.findall(r'data-year="(\d+)" data-state="(\w+)"', html)}


def test_the_page_says_which_years_are_complete_partial_or_unknown(client, administrator, december_2026):
    calendar_days_import(days=parse_calendar_days("2027-01-01,休,元旦"), source="市政府通知", actor=None)
    calendar_days_import(days=parse_calendar_days("2030-01-01,休,元旦"), source="国务院通知", actor=None, complete=True)
    client.force_login(administrator)
    response = client.get(reverse("core:calendar"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert year_states(html) == {2025: "complete", 2026: "complete", 2027: "partial", 2028: "unknown", 2030: "complete"}
    # Only the partial year offers to be marked complete.
    assert reverse("core:calendar_year_complete", args=[2027]) in html
    assert reverse("core:calendar_year_complete", args=[2028]) not in html


def test_marking_a_year_complete_permission_matrix(client, world, administrator):
    calendar_days_import(days=parse_calendar_days("2027-01-01,休,元旦"), source="通知", actor=None)
    url = reverse("core:calendar_year_complete", args=[2027])
    assert_matrix(client, world, url, {ANONYMOUS: 302, OTHER_ORG: 403, OWN_ORG: 403, SUPERVISOR: 403}, method="post")
    client.logout()
    assert reverse("login") in client.post(url)["Location"]
    assert not CalendarYear.objects.get(year=2027).complete
    client.force_login(administrator)
    response = client.post(url, {"source": "国务院办公厅关于2027年部分节假日安排的通知"})
    assert response.status_code == 302 and response["Location"] == reverse("core:calendar")
    marked = CalendarYear.objects.get(year=2027)
    assert (marked.complete, marked.marked_by, marked.source) == (
        True,
        administrator,
        "国务院办公厅关于2027年部分节假日安排的通知",
    )
    assert AuditEvent.objects.filter(action="calendar.year_complete", actor=administrator).count() == 1
    assert client.get(url).status_code == 405


def test_a_year_with_nothing_loaded_is_refused_with_a_message_not_an_error(client, administrator):
    client.force_login(administrator)
    client.cookies["django_language"] = "en"  # pages speak zh-hans unless the visitor chose English
    for year, message in ((2031, "No day of 2031 is in the holiday table yet"), (99999999999999999999, "between 2000")):
        response = client.post(
            reverse("core:calendar_year_complete", args=[year]), follow=True
        )
        assert response.status_code == 200
        assert re.search(r'class="alert alert-danger"[^>]*>[^<]*' + message, response.content.decode())
    assert not CalendarYear.objects.exists()


def test_the_import_form_can_mark_its_years_complete(client, administrator):
    client.force_login(administrator)
    url = reverse("core:calendar")
    client.post(url, {"source": "地方通知", "lines": "2027-06-01,休,地方假日"})
    assert not CalendarYear.objects.get(year=2027).complete
    client.post(url, {"source": "国务院通知", "lines": "2028-01-01,休,元旦", "complete": "on"})
    assert CalendarYear.objects.get(year=2028).complete
    assert CalendarDay.objects.count() == 2


def test_the_django_admin_marks_selected_years_complete(client, world):
    superuser = user_with_role(Role.STAFF, world.department, is_staff=True, is_superuser=True)
    calendar_days_import(days=parse_calendar_days("2027-01-01,休,元旦"), source="国务院通知", actor=None)
    row = CalendarYear.objects.get(year=2027)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:core_calendaryear_changelist"),
        {"action": "mark_complete", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.complete and row.marked_by == superuser
    assert AuditEvent.objects.filter(action="calendar.year_complete", actor=superuser).exists()
