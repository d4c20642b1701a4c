"""The public pages of failure-of-integrity records (政务失信记录): a searchable list, a record's detail
and a government body's summary.

Only `DishonestyRecord.objects.public()` reaches these pages: published and within the publicity period.
A civil servant's record shows only what may be published of a person — name, position, organization,
category and the summary of facts (with the determination date, the confirming authority and the end of
publicity) — never the facts, the source document or anything about an ID number. Lists are keyset
pages (no OFFSET, no count(*)).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from core.pagination import KeysetPage, keyset_page
from core.publishing import history as publication_history
from organizations.models import Organization

from .. import selectors
from ..choices import Category, SanctionKind
from ..forms import PublicFilterForm
from ..models import DishonestyRecord, Sanction

PAGE_SIZE = 25
# What a list row shows, for either kind of subject: all of it may be published.
ROW_FIELDS = (
    "id",
    "subject_kind",
    "subject_name",
    "subject_position",
    "subject_organization",
    "subject_organization_name",
    "category",
    "determined_on",
    "authority_name",
    "publicity_ends_on",
    "version",
)


def public_records():
    return DishonestyRecord.objects.public()


@require_GET
def record_list(request):
    form = PublicFilterForm(request.GET or None)
    records = public_records().only(*ROW_FIELDS)
    if form.is_bound and not form.is_valid():
        page = KeysetPage(items=[], next_after=None, is_first=True)
    else:
        if form.is_bound:
            records = form.filter(records)
        page = keyset_page(records, request, key="id", size=PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "searching": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
    }
    return render(request, "dishonesty_records/public/list.html", context)


def public_sanctions(record: DishonestyRecord) -> list[Sanction]:
    """Sanctions in force on a public record. Of a civil servant only a notice of criticism is shown,
    because its text is written to be published; the rest concerns the person beyond what may be said."""
    sanctions = Sanction.objects.in_force().filter(record=record).order_by("id")
    if record.is_civil_servant:
        sanctions = sanctions.filter(kind=SanctionKind.NOTICE_OF_CRITICISM)
    return list(sanctions)


@require_GET
def record_detail(request, pk: int):
    record = get_object_or_404(public_records(), pk=pk)
    context = {
        "record": record,
        "sanctions": public_sanctions(record),
        "versions": publication_history(record).only("id", "version", "action", "occurred_at"),
    }
    return render(request, "dishonesty_records/public/detail.html", context)


@require_GET
def organization_summary(request, pk: int):
    organization = get_object_or_404(Organization.objects.public(), pk=pk)
    summary = selectors.integrity_summary(organization, public=True)
    labels = dict(Category.choices)
    context = {
        "organization": organization,
        "summary": summary,
        "category_counts": sorted(
            ((str(labels.get(category, category)), count) for category, count in summary.category_counts.items()),
            key=lambda row: (-row[1], row[0]),
        ),
    }
    return render(request, "dishonesty_records/public/organization.html", context)


urlpatterns = [
    path("dishonesty-records/", record_list, name="public_list"),
    path("dishonesty-records/<int:pk>/", record_detail, name="public_detail"),
    path("dishonesty-records/organizations/<int:pk>/", organization_summary, name="public_organization"),
]
