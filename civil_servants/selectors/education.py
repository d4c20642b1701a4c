"""Yearly completion rates of integrity education, per organization and for a subtree.

A servant completed the year when they completed every mandatory, offered course of that year that is
for them: offered by their organization or one above it (a city course is for everyone below), meant
for all civil servants. Courses for leading cadres or new entrants are not counted: nothing on file says
who is one. A servant with no such course due is not counted either way. The rate of an organization
is its own active servants'; the subtree's adds every organization below it.

One query for the rows, whatever the size of the subtree: each active servant's due and completed
counts as correlated subqueries, grouped by organization in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from organizations.models import CivilServant, Organization

from ..choices import CourseAudience
from ..models import Completion, Course


@dataclass
class Rate:
    organization_id: int
    path: str
    name: str
    depth: int
    active: int = 0  # active servants
    due: int = 0  # of them, with at least one mandatory course due
    completed: int = 0  # of them, every course due completed
    subtree_active: int = 0
    subtree_due: int = 0
    subtree_completed: int = 0

    @property
    def rate(self) -> float | None:
        return self.completed / self.due if self.due else None

    @property
    def subtree_rate(self) -> float | None:
        return self.subtree_completed / self.subtree_due if self.subtree_due else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(100 * self.rate, 1)

    @property
    def subtree_percent(self) -> float | None:
        return None if self.subtree_rate is None else round(100 * self.subtree_rate, 1)


def _required_courses(year: int):
    return Course.objects.filter(year=year, mandatory=True, is_active=True, audience=CourseAudience.ALL)


def _counts(servants, year: int):
    """Per organization: active servants, those with a course due, those who completed all due."""
    due = (
        _required_courses(year)
        .alias(servant_path=ExpressionWrapper(OuterRef("organization__path"), output_field=CharField()))
        .filter(servant_path__startswith=F("organization__path"))
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    done = (
        Completion.objects.filter(
            civil_servant=OuterRef("pk"),
            course__year=year,
            course__mandatory=True,
            course__is_active=True,
            course__audience=CourseAudience.ALL,
        )
        .alias(servant_path=ExpressionWrapper(OuterRef("organization__path"), output_field=CharField()))
        .filter(servant_path__startswith=F("course__organization__path"))
        .order_by()
        .values("course__year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return (
        servants.filter(is_active=True)
        .annotate(
            due_n=Coalesce(Subquery(due, output_field=IntegerField()), zero),
            done_n=Coalesce(Subquery(done, output_field=IntegerField()), zero),
        )
        .order_by()
        .values("organization_id")
        .annotate(
            active=Count("pk"),
            due=Count("pk", filter=Q(due_n__gt=0)),
            completed=Count("pk", filter=Q(due_n__gt=0, done_n__gte=F("due_n"))),
        )
    )


def completion_rates(*, year: int, root: Organization) -> list[Rate]:
    """Every organization of `root`'s subtree (tree order) with its own and its subtree's rates; two
    queries in all (the organizations, the counts)."""
    organizations = list(
        Organization.objects.filter(path__startswith=root.path).order_by("path").values("pk", "path", "name", "depth")
    )
    rows = {
        o["pk"]: Rate(organization_id=o["pk"], path=o["path"], name=o["name"], depth=o["depth"] - root.depth)
        for o in organizations
    }
    servants = CivilServant.objects.filter(organization__path__startswith=root.path)
    for counts in _counts(servants, year):
        row = rows.get(counts["organization_id"])
        if row is not None:
            row.active, row.due, row.completed = counts["active"], counts["due"], counts["completed"]
    ordered = list(rows.values())
    by_path = {row.path: row for row in ordered}
    steplen = Organization.steplen
    for row in ordered:
        # Add the row's own counts to itself and every ancestor within the subtree.
        for end in range(len(root.path), len(row.path) + 1, steplen):
            ancestor = by_path.get(row.path[:end])
            if ancestor is not None:
                ancestor.subtree_active += row.active
                ancestor.subtree_due += row.due
                ancestor.subtree_completed += row.completed
    return ordered


def subtree_rate(*, year: int, root: Organization) -> Rate:
    """The subtree's totals alone (the first row of `completion_rates`)."""
    return completion_rates(year=year, root=root)[0]


def course_years() -> list[int]:
    return list(Course.objects.order_by("-year").values_list("year", flat=True).distinct())
