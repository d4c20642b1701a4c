"""The public pages of credit pledges (信用承诺): the list by organization, kind and service area; the
year's 为民办实事 board with its export for the government work report; street and township pledges by
service area; and a pledge's page with its timeline, milestones, evidence and, for a measured pledge,
the value the portal computed, its trend and the records behind it.

Only `Pledge.objects.public()` reaches these pages: published, public pledges. Lists are keyset pages
(no OFFSET, no count(*)); the board and the pledge page run a fixed number of queries.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import indicators
from core.pagination import KeysetPage, keyset_page
from core.publishing import history as publication_history
from core.spreadsheets import xlsx_file

from .. import selectors
from ..choices import PledgeKind
from ..forms import PublicFilterForm
from ..models import Evidence, Pledge
from ..services import rolled_up_share
from . import markup

PAGE_SIZE = 25
# The kinds a visitor can pick; a civil servant's pledge is public once they have signed it.
PUBLIC_KINDS = PledgeKind.choices


@require_GET
def pledge_list(request):
    form = PublicFilterForm(request.GET or None)
    organization = None
    if form.is_bound and not form.is_valid():
        page = KeysetPage(items=[], next_after=None, is_first=True)
    else:
        pledges = selectors.public_pledges()
        if form.is_bound:
            pledges = form.filter(pledges)
        page = keyset_page(pledges.values(*selectors.LIST_COLUMNS), request, key="id", size=PAGE_SIZE)
    searching = form.is_bound and form.is_valid() and any(form.cleaned_data.values())
    # The bodies' names after the page is chosen: a join would let the planner pick a poor plan for a
    # title search, and 25 names by id cost one index probe each.
    wanted = {row["organization_id"] for row in page.items}
    if form.is_bound and form.is_valid() and form.cleaned_data.get("organization"):
        wanted.add(form.cleaned_data["organization"])
    names = selectors.organization_names(wanted)
    if form.is_bound and form.is_valid() and form.cleaned_data.get("organization") in names:
        organization = names[form.cleaned_data["organization"]]
    empty = _("No public pledges match these filters.") if searching else _("No pledges are on public view.")
    context = {
        "form": form,
        "page": page,
        "rows": markup.list_body(page.items, names, empty_message=empty),
        "kinds": PUBLIC_KINDS,
        "current_kind": request.GET.get("kind", ""),
        "organization": organization,
        "searching": searching,
    }
    return render(request, "commitments/public/list.html", context)


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@require_GET
def board_current(request):
    return redirect("commitments:board", year=timezone.localdate().year)


def board_context(request, year: int) -> dict:
    """One body's list for the year — the city government's unless another is asked for — with the other
    bodies that keep a list that year. A year's lists across the city run to hundreds of items: one page
    each, so a page stays the size of a list."""
    bodies = selectors.practical_matter_bodies(year)
    raw = request.GET.get("organization", "")
    chosen = None
    if raw.isdigit():
        chosen = next((body for body in bodies if body["id"] == int(raw)), None)
        if chosen is None:
            raise Http404
    elif bodies:
        chosen = min(bodies, key=lambda body: (body["depth"], -body["items"], body["id"]))
    items = selectors.practical_matters(year, organization_id=chosen["id"]) if chosen else []
    return {
        "year": year,
        "items": items,
        "fulfilled": sum(1 for item in items if item.fulfilment == "fulfilled"),
        "body": chosen,
        "bodies": bodies,
        "years": selectors.practical_matter_years(),
        "generated_on": timezone.localdate(),
        "query": f"?organization={chosen['id']}" if chosen else "",
    }


@require_GET
def board(request, year: int):
    return render(request, "commitments/public/board.html", board_context(request, _year(year)))


@require_GET
def board_print(request, year: int):
    """A page laid out for print (A4), to go with the government work report."""
    return render(request, "commitments/public/board_print.html", board_context(request, _year(year)))


@require_GET
def board_export(request, year: int):
    """The year's list as a workbook for the government work report: one row per item and per part."""
    context = board_context(request, _year(year))
    header = [
        _("No."),
        _("Reference"),
        _("Item"),
        _("Responsible organization"),
        _("Responsible person"),
        _("Due on"),
        _("Progress (%)"),
        _("Fulfilment"),
        _("Part of"),
    ]
    body_name = context["body"]["name"] if context["body"] else ""

    def rows():
        for number, item in enumerate(context["items"], start=1):
            yield [
                number,
                item.reference,
                item.title,
                body_name,
                item.responsible_person,
                item.due_on.isoformat(),
                float(item.progress),
                str(item.get_fulfilment_display()),
                "",
            ]
            for part in item.parts:
                yield [
                    "",
                    part.reference,
                    part.title,
                    body_name,
                    "",
                    part.due_on.isoformat(),
                    float(part.progress),
                    str(part.get_fulfilment_display()),
                    item.reference,
                ]

    handle = xlsx_file(header, rows(), title=str(year))
    suffix = f"-{context['body']['id']}" if context["body"] else ""
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"practical-matters-{year}{suffix}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
def streets(request):
    return render(
        request,
        "commitments/public/streets.html",
        {"areas": selectors.street_areas(), "street_kind": PledgeKind.STREET},
    )


def measured_context(pledge: Pledge) -> dict:
    measurement = selectors.measured(pledge)
    if measurement is None:
        return {}
    described = indicators.indicator(pledge.indicator)
    return {
        "indicator": described,
        "measurement": measurement,
        "meets_target": selectors.meets_target(pledge, measurement),
        "behind": described.behind(measurement),
    }


@require_GET
def pledge_detail(request, pk: int):
    pledge = get_object_or_404(selectors.public_pledges().select_related("organization", "parent"), pk=pk)
    if pledge.parent_id and not selectors.public_pledges().filter(pk=pledge.parent_id).exists():
        pledge.parent = None  # the whole is not on public view
    parts = selectors.parts_of(pledge)
    context = {
        "pledge": pledge,
        "parts": parts,
        "rolled_up": rolled_up_share([(part.weight, part.progress) for part in parts]) if parts else None,
        "milestones": list(pledge.milestones.order_by("due_on", "id")),
        "reports": selectors.timeline(pledge),
        "versions": publication_history(pledge).only("id", "version", "action", "occurred_at", "reason"),
        **measured_context(pledge),
    }
    return render(request, "commitments/public/detail.html", context)


@require_GET
def evidence_download(request, pk: int):
    """An evidence file of a public pledge (the pledge must be on public view)."""
    evidence = get_object_or_404(Evidence.objects.filter(pledge__in=selectors.public_pledges()), pk=pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


urlpatterns = [
    path("pledges/", pledge_list, name="public_list"),
    path("pledges/practical-matters/", board_current, name="board_current"),
    path("pledges/practical-matters/<int:year>/", board, name="board"),
    path("pledges/practical-matters/<int:year>/print/", board_print, name="board_print"),
    path("pledges/practical-matters/<int:year>/export.xlsx", board_export, name="board_export"),
    path("pledges/streets/", streets, name="streets"),
    path("pledges/evidence/<int:pk>/", evidence_download, name="public_evidence"),
    path("pledges/<int:pk>/", pledge_detail, name="public_detail"),
]
