"""The public complaint statistics: the monthly precompute against hand-counted complaints (both the
PostgreSQL statement and the portable ORM path), the months a refresh picks up, the suppression rule, and the
page — both languages, no personal data, a fixed number of statements."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import statistics as stats
from complaints.choices import Category, Channel, EventKind, Status
from complaints.models import Complainant, Complaint, ComplaintEvent, ComplaintMonthly
from tests.dishonesty_records.factories import Clock

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH, APRIL = D(2026, 3, 1), D(2026, 4, 1)
NAME = "欧阳明月"
TITLE = "窗口工作人员三次要求补交材料"
_codes = iter(range(10_000, 99_999))


def make(about, category, received_on, *, status=Status.RECEIVED, accepted_on=None, replied_on=None, rating=None):
    accept_due = received_on + datetime.timedelta(days=15)
    handle_due = accepted_on + datetime.timedelta(days=60) if accepted_on else None
    complaint = Complaint.objects.create(
        tracking_code=f"HZ-TEST{next(_codes)}",
        secret_digest="x" * 64,
        channel=Channel.WEB,
        category=category,
        organization=about,
        handling_organization=about if accepted_on else None,
        title=TITLE,
        facts="今年三月去窗口办理登记，没有一次性告知需要的材料。",
        received_on=received_on,
        accept_due=accept_due,
        status=status,
        accepted_on=accepted_on,
        handle_due=handle_due,
        replied_on=replied_on,
        satisfaction=rating,
    )
    Complainant.objects.create(complaint=complaint, name=NAME, phone="13912345678")
    ComplaintEvent.objects.create(complaint=complaint, kind=EventKind.FILED)
    return complaint


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, D(2026, 7, 1))


@pytest.fixture
def dozen(world, clock):
    """Twelve complaints over March and April 2026 (accept_due = received + 15, handle_due = accepted + 60)."""
    dept, other = world.department, world.other_department
    bp, ar = Category.BROKEN_PLEDGE, Category.ARREARS
    m, a = D(2026, 3, 2), D(2026, 4, 1)  # due 03-17 and 04-16
    make(dept, bp, m, status=Status.REPLIED, accepted_on=D(2026, 3, 10), replied_on=D(2026, 4, 20), rating=5)
    make(
        dept, bp, m, status=Status.REPLIED, accepted_on=D(2026, 3, 20), replied_on=D(2026, 6, 1), rating=2
    )  # late, late
    make(dept, bp, m, status=Status.DECLINED, replied_on=D(2026, 3, 5), rating=1)
    make(dept, ar, m)
    make(dept, ar, m, status=Status.ACCEPTED, accepted_on=D(2026, 3, 16))
    make(other, bp, m, status=Status.DECLINED, replied_on=D(2026, 3, 25))  # decided late
    make(other, ar, m, status=Status.MERGED)
    make(dept, bp, a, status=Status.REPLIED, accepted_on=D(2026, 4, 10), replied_on=D(2026, 5, 1), rating=4)
    make(dept, bp, a, status=Status.REPLIED, accepted_on=D(2026, 4, 10), replied_on=D(2026, 5, 2), rating=4)
    make(
        dept, bp, a, status=Status.REPLIED, accepted_on=D(2026, 4, 12), replied_on=D(2026, 6, 20), rating=3
    )  # late reply
    make(other, ar, a, status=Status.ACCEPTED, accepted_on=D(2026, 4, 20))  # decided late
    make(other, Category.OTHER, a)
    return world


EXPECTED = {
    # (month, who, category): received, accepted, declined, decided_on_time, replied, replied_on_time, ratings 1–5
    (MARCH, "dept", "broken_pledge"): (3, 2, 1, 2, 2, 1, (1, 1, 0, 0, 1)),
    (MARCH, "dept", "arrears"): (2, 1, 0, 1, 0, 0, (0, 0, 0, 0, 0)),
    (MARCH, "other", "broken_pledge"): (1, 0, 1, 0, 0, 0, (0, 0, 0, 0, 0)),
    (MARCH, "other", "arrears"): (1, 0, 0, 0, 0, 0, (0, 0, 0, 0, 0)),
    (APRIL, "dept", "broken_pledge"): (3, 3, 0, 3, 3, 2, (0, 0, 1, 2, 0)),
    (APRIL, "other", "arrears"): (1, 1, 0, 0, 0, 0, (0, 0, 0, 0, 0)),
    (APRIL, "other", "other"): (1, 0, 0, 0, 0, 0, (0, 0, 0, 0, 0)),
}


def table(world) -> dict:
    who = {world.department.pk: "dept", world.other_department.pk: "other"}
    return {
        (row.month, who[row.organization_id], row.category): (
            row.received,
            row.accepted,
            row.declined,
            row.decided_on_time,
            row.replied,
            row.replied_on_time,
            tuple(getattr(row, f"rated_{n}") for n in range(1, 6)),
        )
        for row in ComplaintMonthly.objects.all()
    }


def test_the_precompute_matches_the_hand_count(dozen):
    assert stats.refresh() == 7
    assert table(dozen) == EXPECTED
    stats.refresh()  # idempotent
    assert table(dozen) == EXPECTED


def test_the_portable_path_gives_the_same_figures(dozen):
    stats._portable_refresh(None, 0)
    assert table(dozen) == EXPECTED


def test_a_month_is_recomputed_alone_and_rows_that_no_longer_occur_go(dozen):
    stats.refresh()
    moved = Complaint.objects.get(organization=dozen.other_department, category=Category.OTHER)
    moved.category = Category.ARREARS
    moved.save()
    stats.refresh([APRIL])
    got = table(dozen)
    assert (APRIL, "other", "other") not in got
    assert got[(APRIL, "other", "arrears")][0] == 2
    assert got[(MARCH, "dept", "broken_pledge")] == EXPECTED[(MARCH, "dept", "broken_pledge")]


def test_refresh_due_runs_everything_once_a_night_then_the_touched_months(dozen, clock):
    assert stats.refresh_due()["mode"] == "full"
    make(dozen.department, Category.DISCLOSURE, D(2026, 6, 3))
    result = stats.refresh_due()
    assert result["mode"] == "touched"
    assert "2026-06-01" in result["months"]
    assert ComplaintMonthly.objects.filter(month=D(2026, 6, 1), category=Category.DISCLOSURE).get().received == 1


def test_the_beat_runs_the_refresh_every_ten_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["complaints-refresh-statistics"]
    assert entry == {"task": "complaints.tasks.refresh_statistics", "schedule": 10 * 60}


# --- suppression -----------------------------------------------------------------------------------------


def texts(figures):
    return [figure.text for figure in figures]


def test_a_small_cell_is_shown_as_under_five_and_a_second_one_is_withheld_with_it():
    cells, total = stats.protect([3, 10, 20])
    assert texts(cells) == ["<5", "×", "20"] and total.text == "33"
    assert [c.suppressed for c in cells] == ["small", "complementary", ""]


def test_two_small_cells_need_no_complementary_one():
    cells, total = stats.protect([3, 2, 20])
    assert texts(cells) == ["<5", "<5", "20"] and total.text == "25"


def test_zero_is_a_small_count_too_and_a_small_total_is_suppressed():
    cells, total = stats.protect([0, 3])
    assert texts(cells) == ["<5", "<5"] and total.text == "<5"
    cells, total = stats.protect([4])
    assert texts(cells) == ["<5"] and total.text == "<5"


def test_rates_need_five_cases():
    assert stats.rate(3, 4) is None
    assert stats.rate(4, 5) == 80.0
    assert stats.average_satisfaction({f"rated_{n}": 1 if n < 5 else 0 for n in range(1, 6)}) is None


# --- the page ----------------------------------------------------------------------------------------------


URL = "/complaints/statistics/"


def test_the_url_is_the_named_one():
    assert reverse("complaints:statistics") == URL


def cells_of(html: str, heading: str) -> str:
    start = html.index(heading)
    return html[start : html.index("</section>", start)]


def test_the_page_counts(client, dozen):
    stats.refresh()
    html = client.get(URL, {"year": 2026, "language": "en"}).content.decode()
    glance = cells_of(html, "at a glance")
    assert ">12<" in glance
    months = cells_of(html, "Complaints received by month")
    assert ">7<" in months and ">5<" in months  # March and April; the other months "<5"
    assert months.count("<rect") == 2  # suppressed months are not drawn
    categories = cells_of(html, "By category")
    assert ">7<" in categories  # broken pledges: 3 + 1 + 3


def test_a_total_that_would_give_a_small_cell_away_is_protected(client, dozen):
    stats.refresh()
    # The organizations of the year: the department 8, the other 4. Printing 12 and 8 would give the 4 away:
    # the 8 is withheld with it.
    html = client.get(URL, {"year": 2026, "language": "en"}).content.decode()
    organizations = cells_of(html, "By organization complained about")
    assert organizations.count("&lt;5") == 1 and organizations.count("×") == 1 and ">8<" not in organizations
    # The department's categories: broken pledges 6; arrears 2 and the six empty categories all "<5" — the
    # 2 left over (8 − 6) could be in any of them, so no cell is added.
    html = client.get(URL, {"year": 2026, "organization": dozen.department.pk, "language": "en"}).content.decode()
    categories = cells_of(html, "By category")
    assert categories.count("&lt;5") >= 7 and ">6<" in categories and ">2<" not in categories
    # The other organization alone: 4 complaints — the total itself is "<5", every month too.
    html = client.get(URL, {"year": 2026, "organization": dozen.other_department.pk, "language": "en"}).content.decode()
    glance = cells_of(html, "at a glance")
    assert "&lt;5" in glance and ">4<" not in glance
    # Its acceptance rate is over 2 decided complaints: not shown.
    assert "%" not in glance


def test_rates_and_the_average_are_shown_over_five_cases(client, dozen):
    stats.refresh()
    html = client.get(
        URL, {"year": 2026, "organization": dozen.department.pk, "category": "broken_pledge", "language": "en"}
    ).content.decode()
    glance = cells_of(html, "at a glance")
    assert "83.3%" in glance  # accepted 5 of 6 decided; decided in time 5 of 6
    assert "60.0%" in glance  # replied in time 3 of 5
    assert "3.17" in glance  # (5 + 2 + 1 + 4 + 4 + 3) / 6
    march = html[html.index("Complaints received by month") :]
    assert "50.0%" not in march  # March's replies in time: 1 of 2, hidden


def test_no_personal_data_on_the_page(client, dozen):
    stats.refresh()
    for params in ({}, {"year": 2026}, {"organization": dozen.department.pk, "year": 2026}):
        html = client.get(URL, params).content.decode()
        assert NAME not in html and "13912345678" not in html and TITLE not in html and "HZ-TEST" not in html


def test_both_languages(client, dozen):
    stats.refresh()
    chinese = client.get(URL, {"year": 2026})
    assert chinese.status_code == 200 and chinese["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in chinese.content.decode()
    english = client.get(URL, {"year": 2026, "language": "en"})
    assert english.status_code == 200 and english["Content-Language"] == "en"
    assert "Complaint statistics" in english.content.decode()


def test_bad_filters_are_ignored_not_errors(client, dozen):
    stats.refresh()
    for params in (
        {"year": "x"},
        {"year": 1900},
        {"organization": "nope"},
        {"organization": 10**12},
        {"category": "?"},
    ):
        assert client.get(URL, params).status_code == 200
    assert client.post(URL).status_code == 405


def test_an_empty_table_still_renders(client, world, clock):
    assert client.get(URL).status_code == 200


def test_the_statements_do_not_change_with_the_filters_or_the_rows(client, dozen):
    stats.refresh()
    counts = []
    for params in (
        {},
        {"year": 2026},
        {"year": 2026, "organization": dozen.city.pk},
        {"year": 2026, "organization": dozen.department.pk, "category": "arrears"},
    ):
        client.get(URL, params)  # warm (language cookie, caches)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1 and counts[0] <= 5
