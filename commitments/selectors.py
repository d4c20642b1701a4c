"""Reads shared by the pledge pages, the API and the tasks."""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, Max, Min, Prefetch, Q
from django.utils import timezone

from core import indicators
from core.choices import Action
from core.lookups import ids
from organizations.models import Organization

from .choices import OPEN_FULFILMENTS, Fulfilment, PledgeKind, ServiceArea
from .models import Evidence, Pledge, PPPResponsibility, ProgressReport


def measured(pledge: Pledge, *, today: datetime.date | None = None) -> indicators.Measurement | None:
    """A measured pledge's value over its period so far, month by month, with the records behind it."""
    if not pledge.indicator:
        return None
    today = today or timezone.localdate()
    end = min(pledge.due_on, today)
    if end < pledge.starts_on:
        end = pledge.starts_on
    return indicators.measure(
        pledge.indicator,
        pledge.organization,
        start=pledge.starts_on,
        end=end,
        parameters=pledge.indicator_parameters,
    )


def meets_target(pledge: Pledge, measurement: indicators.Measurement | None) -> bool | None:
    if measurement is None or measurement.value is None or pledge.indicator_target is None:
        return None
    return measurement.value >= pledge.indicator_target


# --- what the public pages read ---------------------------------------------------------------------

# A list row: all of it is public for a public pledge.
ROW_FIELDS = (
    "id",
    "kind",
    "title",
    "organization__name",
    "organization_id",
    "service_area",
    "year",
    "starts_on",
    "due_on",
    "progress",
    "fulfilment",
    "version",
    "indicator",
    "status",
)


# A public list row as values(): no model instances on the busiest page, no join (organization_names).
LIST_COLUMNS = (
    "id",
    "kind",
    "title",
    "organization_id",
    "service_area",
    "year",
    "due_on",
    "progress",
    "fulfilment",
    "indicator",
    "indicator_target",
    "measured_value",
)


def public_pledges():
    return Pledge.objects.public()


def organization_names(organization_ids) -> dict[int, str]:
    if not organization_ids:
        return {}
    return dict(Organization.objects.filter(pk__any_of=ids(organization_ids)).order_by().values_list("id", "name"))


def list_rows(pledges):
    return pledges.select_related("organization").only(*ROW_FIELDS)


def practical_matter_bodies(year: int) -> list[dict]:
    """The bodies with a public list of practical things for the year, with how many items each (one GROUP
    BY over the year's index), in tree order."""
    rows = (
        public_pledges()
        .filter(kind=PledgeKind.PRACTICAL_MATTER, year=year, parent__isnull=True)
        .order_by()
        .values("organization_id", "organization__name", "organization__depth", "organization__path")
        .annotate(items=Count("id"))
        .order_by("organization__path")
    )
    return [
        {
            "id": row["organization_id"],
            "name": row["organization__name"],
            "depth": row["organization__depth"],
            "items": row["items"],
        }
        for row in rows
    ]


def practical_matters(year: int, *, organization_id: int | None = None, public: bool = True) -> list[Pledge]:
    """The year's list of practical things done for the people (为民办实事) of a body, each with its parts,
    in the order they were entered: two queries, whatever the length of the list."""
    pledges = public_pledges() if public else Pledge.objects.all()
    items = pledges.filter(kind=PledgeKind.PRACTICAL_MATTER, year=year, parent__isnull=True)
    if organization_id is not None:
        items = items.filter(organization_id=organization_id)
    # One body's list: its name is on the page already, so no join.
    board_fields = [name for name in ROW_FIELDS if not name.startswith("organization__")]
    items = list(items.only(*board_fields, "responsible_person").order_by("id"))
    parts: dict[int, list[Pledge]] = {}
    if items:
        for part in (
            pledges.filter(parent_id__any_of=ids([item.pk for item in items]))
            .only("id", "parent_id", "title", "progress", "weight", "fulfilment", "due_on")
            .order_by("parent_id", "id")
        ):
            parts.setdefault(part.parent_id, []).append(part)
    for item in items:
        item.parts = parts.get(item.pk, [])
    return items


def practical_matter_years() -> list[int]:
    """From the latest year with a public list back to the first (two probes of the public-year index,
    however many items there are; a year in between without a list shows an empty board)."""
    bounds = (
        public_pledges()
        .filter(kind=PledgeKind.PRACTICAL_MATTER, year__isnull=False)
        .aggregate(first=Min("year"), last=Max("year"))
    )
    if bounds["first"] is None:
        return []
    return list(range(bounds["last"], bounds["first"] - 1, -1))


def street_areas() -> list[dict]:
    """Public street and township pledges by service area: how many, how many kept, how many open or late
    (one GROUP BY over the area index)."""
    rows = (
        public_pledges()
        .filter(kind=PledgeKind.STREET)
        .exclude(service_area="")
        .order_by()
        .values("service_area")
        .annotate(
            total=Count("id"),
            fulfilled=Count("id", filter=Q(fulfilment=Fulfilment.FULFILLED)),
            overdue=Count("id", filter=Q(fulfilment__in=[Fulfilment.OVERDUE, Fulfilment.BREACHED])),
            average=Avg("progress"),
        )
    )
    found = {row["service_area"]: row for row in rows}
    return [
        {"area": value, "label": label, **found.get(value, {"total": 0, "fulfilled": 0, "overdue": 0, "average": None})}
        for value, label in ServiceArea.choices
    ]


def parts_of(pledge: Pledge, *, public: bool = True) -> list[Pledge]:
    pledges = public_pledges() if public else Pledge.objects.all()
    return list(
        pledges.filter(parent=pledge).only("id", "title", "progress", "weight", "fulfilment", "due_on").order_by("id")
    )


def timeline(pledge: Pledge) -> list[ProgressReport]:
    """Every progress update, newest first, with its evidence files (two queries)."""
    return list(
        ProgressReport.objects.filter(pledge=pledge)
        .select_related("milestone")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
        .order_by("-id")
    )


# --- what the staff workspace reads -----------------------------------------------------------------

DUE_SOON_DAYS = 14


def workspace(user, *, today: datetime.date | None = None, size: int = 50) -> dict[str, list[Pledge]]:
    """My pledges (those of the bodies I write for), those due within two weeks, those overdue, and for
    supervisors the evaluation queue: settled pledges in their jurisdiction nobody has evaluated yet."""
    today = today or timezone.localdate()
    mine = (
        Pledge.objects.in_scope(user, Action.CHANGE) | Pledge.objects.in_scope(user, Action.SUPERVISE)
    ).select_related("organization")
    rows = mine.only(*ROW_FIELDS, "is_public", "evaluation_score")
    supervised = Pledge.objects.in_scope(user, Action.SUPERVISE).select_related("organization")
    return {
        "mine": list(rows.order_by("-id")[:size]),
        "due_soon": list(
            rows.filter(
                fulfilment=Fulfilment.IN_PROGRESS, due_on__range=(today, today + datetime.timedelta(DUE_SOON_DAYS))
            ).order_by("due_on", "id")[:size]
        ),
        "overdue": list(rows.filter(fulfilment=Fulfilment.OVERDUE).order_by("due_on", "id")[:size]),
        "to_evaluate": list(
            supervised.only(*ROW_FIELDS, "is_public", "evaluation_score", "settled_on")
            .filter(evaluation_score__isnull=True)
            .exclude(fulfilment__in=OPEN_FULFILMENTS)
            .order_by("settled_on", "id")[:size]
        ),
    }


# --- what a civil servant's credit file reads (7/11) ------------------------------------------------


def keeping_record_of(civil_servant) -> dict:
    """How a civil servant kept their word: their own pledges before taking office, and every PPP stage
    they answered for with how the project's duty ended — a breach traced to them marked as theirs."""
    pledges = list(
        Pledge.objects.filter(civil_servant=civil_servant)
        .only("id", "title", "kind", "starts_on", "due_on", "fulfilment", "settled_on", "evaluation_score")
        .order_by("-starts_on", "-id")
    )
    stages = list(
        PPPResponsibility.objects.filter(civil_servant=civil_servant)
        .select_related("pledge")
        .annotate(breaches_traced=Count("breaches"))
        .order_by("-from_on", "-id")
    )
    return {"pledges": pledges, "ppp_stages": stages, "breaches": sum(row.breaches_traced for row in stages)}
