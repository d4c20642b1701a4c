"""The public pages of double publicity (双公示): overview, searchable lists, detail, Atom feed.

These are the portal's busiest pages over millions of rows, so every list is a keyset page over an
index (never OFFSET, never count(*)), the home counts come from the cache, and a list request
costs two or three queries: the authority choices, the id bounds of a date range if one is asked
for, and the page itself.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from html import escape  # Django's escape() without its lazy-text check: same output, a third of the cost

from django import forms
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.calendar import add_working_days
from core.pagination import KeysetPage, keyset_page
from core.publication import published_on_time
from core.publishing import history as publication_history
from core.widgets import FastDateInput, FastSelect, FastTextInput, ReadyChoices, translated_labels, url_template
from organizations.choices import OrganizationKind
from organizations.selectors import active_tree

from .. import national, selectors, services
from ..choices import LicenseCategory, PenaltyKind
from ..feeds import NewPublicationsFeed
from ..models import LONG_TERM, Disclosure, LicenseDisclosure, PenaltyDisclosure

PAGE_SIZE = 25
NEWEST_ON_HOME = 10
MODELS = {"penalty": PenaltyDisclosure, "license": LicenseDisclosure}
PUBLIC_QUERYSETS = {"penalty": selectors.public_penalties, "license": selectors.public_licenses}
DETAIL_URL_NAMES = {"penalty": "disclosures:public_penalty_detail", "license": "disclosures:public_license_detail"}
# Organizations offered in the authority filter: listing only those with public records would
# need a scan of the disclosures on every request.
AUTHORITY_KINDS = (OrganizationKind.GOVERNMENT, OrganizationKind.DEPARTMENT, OrganizationKind.DEVELOPMENT_ZONE)
# What a list row shows; everything else (facts, legal basis…) stays in the database.
_ROW_COLUMNS = (
    "id",
    "subject_name",
    "decision_number",
    "decided_on",
    "published_at",
    "publish_deadline",
    "version",
    "authority_name",
    "authority__name",
)
ROW_COLUMNS = {"penalty": (*_ROW_COLUMNS, "penalty_kinds"), "license": (*_ROW_COLUMNS, "license_category")}
MASKED_ATTRIBUTES = frozenset({"subject_id_number", "legal_representative_id_number"})


def public_records(kind: str):
    return PUBLIC_QUERYSETS[kind]()


def list_rows(kind: str):
    """The list's columns as plain rows: no model instances on the busiest pages."""
    return public_records(kind).values(*ROW_COLUMNS[kind])


def penalty_kind_labels(kinds, labels: dict[str, str] | None = None) -> list[str]:
    """The labels of penalty kinds in the current language; `labels` (value → label) made once per list:
    an enum's choices are rebuilt, and each lazy label translated, on every use."""
    labels = labels if labels is not None else translated_labels(PenaltyKind)
    return [labels.get(kind, kind) for kind in kinds or ()]


def _kind_labels(kind: str) -> Callable[[dict], list[str]]:
    if kind == "penalty":
        labels = translated_labels(PenaltyKind)
        return lambda row: penalty_kind_labels(row["penalty_kinds"], labels)
    labels = translated_labels(LicenseCategory)
    return lambda row: [labels.get(row["license_category"], row["license_category"])]


def detail_url_template(kind: str) -> str:
    """The public detail URL with "{}" for the id: one reversal per list instead of one per row."""
    return url_template(DETAIL_URL_NAMES[kind])


def table_body(kind: str, rows: list[dict], *, empty_message: str) -> SafeString:
    """The rows of a public list, written here rather than by a template.

    A template spends ≈ 0.25 ms a row on this table (a URL tag, two date filters, a loop of badges,
    lookups through the context): with 25 rows that is more than everything else the page does, the
    query included. Every value is escaped; the markup is the table's own (see _table.html).
    """
    if not rows:
        return format_html('<tr><td colspan="7" class="text-muted">{}</td></tr>', empty_message)
    detail_url = detail_url_template(kind)
    labels_of = _kind_labels(kind)
    corrected = format_html(' <span class="badge text-bg-info">{}</span>', _("Corrected"))
    on_time = {
        True: format_html('<span class="badge text-bg-success">{}</span>', _("On time")),
        False: format_html('<span class="badge text-bg-warning">{}</span>', _("Late")),
        None: "",
    }
    zone = timezone.get_current_timezone()
    cells = []
    for row in rows:
        published_at = row["published_at"]
        badges = "".join(
            f'<span class="badge text-bg-light border">{escape(label)}</span> ' for label in labels_of(row)
        )
        cells.append(
            f'<tr><td><a href="{detail_url.format(row["id"])}">{escape(row["subject_name"])}</a>'
            f"{corrected if row['version'] > 1 else ''}</td>"
            f'<td class="small">{escape(row["decision_number"])}</td>'
            f"<td>{badges}</td>"
            f'<td class="small">{escape(Disclosure.display_name(row["authority_name"], row["authority__name"]))}</td>'
            f'<td class="text-nowrap">{row["decided_on"].isoformat() if row["decided_on"] else ""}</td>'
            f'<td class="text-nowrap">{published_at.astimezone(zone).date().isoformat() if published_at else ""}</td>'
            f"<td>{on_time[published_on_time(published_at, row['publish_deadline'])]}</td></tr>"
        )
    return mark_safe("\n".join(cells))  # noqa: S308 - every value above is escaped


def column_labels(kind: str) -> dict[str, str]:
    meta = MODELS[kind]._meta
    names = ("subject_name", "decision_number", "authority", "decided_on")
    labels = {name: capfirst(meta.get_field(name).verbose_name) for name in names}
    labels["kinds"] = capfirst(
        meta.get_field("penalty_kinds" if kind == "penalty" else "license_category").verbose_name
    )
    return labels


# --- filters ----------------------------------------------------------------------------------------


def authority_choices() -> list[tuple[int, str]]:
    """Active governments, departments and development zones, in tree order, indented by depth."""
    return [(pk, "\u3000" * (depth - 1) + name) for pk, name, depth in active_tree(AUTHORITY_KINDS)]


class DisclosureFilterForm(forms.Form):
    """The query string of a list page; bad input becomes a field error, never a server error."""

    q = forms.CharField(
        label=gettext_lazy("Subject name or unified social credit code"),
        required=False,
        max_length=100,
        widget=FastTextInput(attrs={"type": "search", "class": "form-control", "autocomplete": "off"}),
    )
    authority = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect(attrs={"class": "form-select"}),
    )
    penalty_kind = forms.ChoiceField(
        label=gettext_lazy("Penalty kind"),
        required=False,
        widget=FastSelect(attrs={"class": "form-select"}),
    )
    decided_after = forms.DateField(
        label=gettext_lazy("Decided on or after"),
        required=False,
        widget=FastDateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    decided_before = forms.DateField(
        label=gettext_lazy("Decided on or before"),
        required=False,
        widget=FastDateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, data, *, kind: str, authorities: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["authority"].label = capfirst(MODELS[kind]._meta.get_field("authority").verbose_name)
        self.fields["authority"].choices = ReadyChoices([("", _("All authorities")), *authorities])
        if kind == "penalty":
            self.fields["penalty_kind"].choices = [("", _("All penalty kinds")), *PenaltyKind.choices]
        else:
            del self.fields["penalty_kind"]

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("decided_after"), cleaned.get("decided_before")
        if after and before and after > before:
            self.add_error("decided_before", _("The end of the date range is before its start."))
        return cleaned

    def full_clean(self):
        super().full_clean()
        # Mark invalid inputs for Bootstrap, so the message shows next to its field.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-describedby"] = f"id_{name}-error"


# --- pages ------------------------------------------------------------------------------------------


@require_GET
def public_home(request):
    newest = newest_rows()
    context = {
        "counts": selectors.public_counts(),
        "newest_penalties": newest_items(newest["penalty"]),
        "newest_licenses": newest_items(newest["license"]),
    }
    return render(request, "disclosures/public/home.html", context)


_NEWEST_COLUMNS = ("id", "subject_name", "decision_number", "authority_name", "authority__name", "published_at")


def newest_items(rows: list[dict]) -> SafeString:
    """The overview's list items, written here as `table_body` writes a list's rows (every value escaped)."""
    if not rows:
        return format_html('<li class="list-group-item text-muted">{}</li>', _("Nothing published yet."))
    badges = {
        True: format_html(' <span class="badge text-bg-success">{}</span>', _("On time")),
        False: format_html(' <span class="badge text-bg-warning">{}</span>', _("Late")),
        None: "",
    }
    published = escape(_("published"))
    return mark_safe(  # noqa: S308 - every value below is escaped
        "\n".join(
            f'<li class="list-group-item"><a href="{row["url"]}">{escape(row["subject_name"])}</a>{badges[row["on_time"]]}'
            f'<div class="small text-muted">{escape(row["decision_number"])} · {escape(row["authority"])} · '
            f"{published} {row['published_on']}</div></li>"
            for row in rows
        )
    )


def newest_rows() -> dict[str, list[dict]]:
    """The newest publications of each kind as the overview lists them (one query): plain rows with their
    texts made here. On the busiest page, model instances, a template per row, a date filter and a URL tag
    per value cost several times the query."""
    newest = selectors.newest_publications_of_each(
        {kind: public_records(kind).values(*_NEWEST_COLUMNS, "publish_deadline") for kind in MODELS}, NEWEST_ON_HOME
    )
    zone = timezone.get_current_timezone()
    for kind, rows in newest.items():
        detail_url = detail_url_template(kind)
        for row in rows:
            row["url"] = detail_url.format(row["id"])
            row["authority"] = Disclosure.display_name(row["authority_name"], row["authority__name"])
            row["published_on"] = row["published_at"].astimezone(zone).date().isoformat()
            row["on_time"] = published_on_time(row["published_at"], row["publish_deadline"])
    return newest


def _disclosure_list(request, kind: str):
    form = DisclosureFilterForm(request.GET, kind=kind, authorities=authority_choices())
    if form.is_valid():
        queryset = selectors.filter_disclosures(list_rows(kind), model=MODELS[kind], **form.cleaned_data)
        page = keyset_page(queryset, request, key="id", size=PAGE_SIZE)
    else:
        page = KeysetPage(items=[], next_after=None, is_first=True)
    searching = form.is_valid() and any(form.cleaned_data.values())
    context = {
        "kind": kind,
        "model_meta": MODELS[kind]._meta,
        "form": form,
        "page": page,
        "labels": column_labels(kind),
        "searching": searching,
        "table_body": table_body(
            kind,
            page.items,
            empty_message=_("No published decisions match these filters.")
            if searching
            else _("Nothing published yet."),
        ),
    }
    return render(request, "disclosures/public/list.html", context)


@require_GET
def penalty_list(request):
    return _disclosure_list(request, "penalty")


@require_GET
def license_list(request):
    return _disclosure_list(request, "license")


@dataclass(frozen=True)
class StandardField:
    code: str  # the national exchange code, e.g. CF_XDR_MC
    label: str
    value: str


def standard_fields(record, kind: str) -> list[StandardField]:
    """Every field of the national standard, in its order, as the public may see it."""
    meta = MODELS[kind]._meta
    rows = []
    for spec in national.SPECS[kind]:
        if spec.kind == "org_uscc":
            label = (
                _("Unified social credit code of the deciding authority")
                if spec.attribute == "authority"
                else _("Unified social credit code of the data source")
            )
            rows.append(StandardField(spec.code, label, national.organization_value(record, spec)))
            continue
        label = capfirst(meta.get_field(spec.attribute).verbose_name)
        rows.append(StandardField(spec.code, label, _public_value(record, spec)))
    return rows


def _public_value(record, spec: national.FieldSpec) -> str:
    if spec.attribute in MASKED_ATTRIBUTES:
        return getattr(record, f"masked_{spec.attribute}")  # never the whole number in public
    value = getattr(record, spec.attribute)
    if value in (None, "", []):
        return ""
    if spec.kind == "org_name":
        return national.organization_value(record, spec)
    if spec.kind == "choice":
        return str(getattr(record, f"get_{spec.attribute}_display")())
    if spec.kind == "choices":
        return "、".join(penalty_kind_labels(value))
    if spec.attribute == "valid_until" and value == LONG_TERM:
        return _("Long-term")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _disclosure_detail(request, kind: str, pk: int):
    record = get_object_or_404(public_records(kind).select_related("data_source"), pk=pk)
    deadline = add_working_days(record.decided_on, services.PUBLISH_WITHIN_WORKING_DAYS)
    # Dates and actions only: a version's payload holds unmasked ID numbers and never leaves the house.
    versions = publication_history(record).only("id", "version", "action", "occurred_at")
    context = {
        "kind": kind,
        "model_meta": MODELS[kind]._meta,
        "record": record,
        "fields": standard_fields(record, kind),
        "deadline": deadline,
        "versions": versions,
    }
    return render(request, "disclosures/public/detail.html", context)


@require_GET
def penalty_detail(request, pk: int):
    return _disclosure_detail(request, "penalty", pk)


@require_GET
def license_detail(request, pk: int):
    return _disclosure_detail(request, "license", pk)


urlpatterns = [
    path("disclosures/", public_home, name="public_home"),
    path("disclosures/penalties/", penalty_list, name="public_penalty_list"),
    path("disclosures/licenses/", license_list, name="public_license_list"),
    path("disclosures/penalties/<int:pk>/", penalty_detail, name="public_penalty_detail"),
    path("disclosures/licenses/<int:pk>/", license_detail, name="public_license_detail"),
    path("disclosures/feed/", NewPublicationsFeed(), name="public_feed"),
]
