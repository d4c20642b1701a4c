"""The public complaint statistics (/complaints/statistics/): monthly counts, by category, by organization
(top 10 and "others"), acceptance and on-time rates, satisfaction — read only from the precomputed
`ComplaintMonthly` table (complaints.statistics), five statements whatever the filters, no personal data.

Filters (GET, all optional, anything unknown ignored — never an error): `year` (of receipt; default the
latest year with figures), `organization` (that organization and everything below it), `category`.
Every count goes through `statistics.protect` (below five: "<5", and one more withheld where a total would
give a single small one away); every rate and the average rating through `statistics.rate` /
`average_satisfaction` (not shown over fewer than five cases). The charts are SVG drawn here, each with
the same figures as a table beside it; suppressed bars are not drawn.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Min, Sum
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from organizations.models import Organization

from .. import statistics as stats
from ..choices import Category
from ..models import ComplaintMonthly

TOP = 10
CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 640, 180, 6
SUMS = {name: Sum(name) for name in stats.COUNTS}


@dataclass
class Line:
    """One row of a table: its label, the protected count, its rates."""

    label: str
    figure: stats.Figure
    acceptance: float | None = None
    decided_on_time: float | None = None
    replied_on_time: float | None = None
    satisfaction: float | None = None
    share: float | None = None
    bar: dict = field(default_factory=dict)
    count_html: str = ""
    acceptance_html: str = ""
    decided_html: str = ""
    replied_html: str = ""
    satisfaction_html: str = ""
    share_html: str = ""


class Marks:
    """The page's few cell renderings, made once a request (a template include per cell cost more than the
    queries)."""

    def __init__(self):
        self.small = format_html(
            '<span title="{}">&lt;5</span>', _("Fewer than five: not shown, so that nobody can be identified")
        )
        self.withheld = format_html(
            '<span title="{}">×</span>', _("Withheld, so that a small count cannot be worked out from the total")
        )
        self.no_rate = format_html(
            '<span class="text-body-secondary" title="{}">—</span>', _("Not shown: fewer than five cases")
        )

    def count(self, figure: stats.Figure) -> str:
        if figure.suppressed == "small":
            return self.small
        if figure.suppressed:
            return self.withheld
        return figure.text

    def rate(self, value: float | None) -> str:
        return self.no_rate if value is None else f"{value:.1f}%"

    def average(self, value: float | None) -> str:
        return self.no_rate if value is None else f"{value:.2f}"

    def dress(self, lines: list[Line]) -> list[Line]:
        for line in lines:
            line.count_html = self.count(line.figure)
            line.acceptance_html = self.rate(line.acceptance)
            line.decided_html = self.rate(line.decided_on_time)
            line.replied_html = self.rate(line.replied_on_time)
            line.satisfaction_html = self.average(line.satisfaction)
            line.share_html = self.rate(line.share)
        return lines


def _rates(line: Line, row: dict) -> Line:
    decided = row["accepted"] + row["declined"]
    line.acceptance = stats.rate(row["accepted"], decided)
    line.decided_on_time = stats.rate(row["decided_on_time"], decided)
    line.replied_on_time = stats.rate(row["replied_on_time"], row["replied"])
    line.satisfaction = stats.average_satisfaction(row)
    return line


def _lines(labels: list[str], rows: list[dict], total: int) -> tuple[list[Line], stats.Figure]:
    figures, total_figure = stats.protect([row["received"] for row in rows], total)
    return [_rates(Line(label, figure), row) for label, figure, row in zip(labels, figures, rows, strict=True)], (
        total_figure
    )


def _vertical_bars(lines: list[Line]) -> dict:
    """Columns for the monthly chart; only shown figures are drawn."""
    peak = max((line.figure.value or 0 for line in lines), default=0) or 1
    step = CHART_WIDTH / max(len(lines), 1)
    for index, line in enumerate(lines):
        height = round((line.figure.value or 0) / peak * CHART_HEIGHT, 1)
        line.bar = {
            "x": round(index * step + BAR_GAP / 2, 1),
            "width": round(step - BAR_GAP, 1),
            "y": round(CHART_HEIGHT - height + 20, 1),
            "height": height,
            "label_x": round(index * step + step / 2, 1),
        }
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT + 50, "axis_y": CHART_HEIGHT + 20}


def _horizontal_bars(lines: list[Line]) -> dict:
    peak = max((line.figure.value or 0 for line in lines), default=0) or 1
    for index, line in enumerate(lines):
        line.bar = {
            "y": index * 26 + 4,
            "width": round((line.figure.value or 0) / peak * 380, 1),
            "text_y": index * 26 + 19,
        }
    return {"width": 640, "height": len(lines) * 26 + 8}


def _filters(request, years: list[int], organizations: dict) -> tuple[int, dict | None, str]:
    def number(name):
        try:
            return int(request.GET.get(name, ""))
        except ValueError:
            return None

    year = number("year")
    if year not in years:
        year = years[-1] if years else timezone.localdate().year
    organization = organizations.get(number("organization"))
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    return year, organization, category


@require_GET
def statistics_page(request):
    span = ComplaintMonthly.objects.aggregate(first=Min("month"), last=Max("month"))  # the key's index: two probes
    years = list(range(span["first"].year, span["last"].year + 1)) if span["first"] else []
    organizations = {
        pk: {"id": pk, "name": name, "path": tree_path, "indent": "\u3000" * (depth - 1)}
        for pk, name, tree_path, depth in Organization.objects.filter(is_active=True)
        .order_by("path")
        .values_list("id", "name", "path", "depth")
    }
    year, organization, category = _filters(request, years, organizations)
    rows = ComplaintMonthly.objects.filter(
        month__gte=datetime.date(year, 1, 1), month__lt=datetime.date(year + 1, 1, 1)
    )
    if organization:
        rows = rows.filter(organization__path__startswith=organization["path"])
    if category:
        rows = rows.filter(category=category)
    empty = dict.fromkeys(stats.COUNTS, 0)

    # Months: every month of the year up to the current one, those without complaints included.
    by_month = {
        row["month"]: row for row in rows.values("month").annotate(**SUMS, latest=Max("computed_at")).order_by()
    }
    today = timezone.localdate()
    last_month = 12 if year < today.year else today.month
    months = [datetime.date(year, m, 1) for m in range(1, last_month + 1)]
    month_rows = [by_month.get(month, empty) for month in months]
    totals = {name: sum(row[name] for row in month_rows) for name in stats.COUNTS}
    computed_at = max((row["latest"] for row in by_month.values() if row.get("latest")), default=None)
    month_lines, total_figure = _lines(
        [date_format(m, "YEAR_MONTH_FORMAT") for m in months], month_rows, totals["received"]
    )
    month_chart = _vertical_bars(month_lines)

    by_category = {row["category"]: row for row in rows.values("category").annotate(**SUMS).order_by()}
    shown_categories = [(value, label) for value, label in Category.choices if not category or value == category]
    category_lines, _total = _lines(
        [str(label) for _value, label in shown_categories],
        [by_category.get(value, empty) for value, _label in shown_categories],
        totals["received"],
    )
    category_chart = _horizontal_bars(category_lines)

    by_organization = sorted(
        rows.values("organization").annotate(**SUMS).order_by(), key=lambda row: (-row["received"], row["organization"])
    )
    top, rest = by_organization[:TOP], by_organization[TOP:]
    labels = [organizations.get(row["organization"], {}).get("name", "") for row in top]
    if rest:
        top = [*top, {name: sum(row[name] for row in rest) for name in stats.COUNTS}]
        labels.append(_("Other organizations (%(n)d)") % {"n": len(rest)})
    organization_lines, _total = _lines(labels, top, totals["received"])

    rated = [totals[f"rated_{n}"] for n in range(1, 6)]
    rating_figures, rated_total = stats.protect(rated)
    rating_lines = [
        Line(str(n), figure, share=stats.rate(count, sum(rated)) if figure.value is not None else None)
        for n, figure, count in zip(range(1, 6), rating_figures, rated, strict=True)
    ]
    summary = _rates(Line(_("All complaints"), total_figure), totals)
    marks = Marks()
    for lines in (month_lines, category_lines, organization_lines, rating_lines, [summary]):
        marks.dress(lines)
    context = {
        "years": years,
        "year": year,
        "organizations": list(organizations.values()),
        "organization": organization,
        "categories": Category.choices,
        "category": category,
        "summary": summary,
        "rated_total": marks.count(rated_total),
        "month_lines": month_lines,
        "month_chart": month_chart,
        "category_lines": category_lines,
        "category_chart": category_chart,
        "organization_lines": organization_lines,
        "rating_lines": rating_lines,
        "computed_at": computed_at,
        "threshold": stats.THRESHOLD,
    }
    return render(request, "complaints/statistics/page.html", context)


urlpatterns = [path("complaints/statistics/", statistics_page, name="statistics")]
