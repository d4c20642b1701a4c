"""Downloads in the national format: the staff export (audited) and the public open-data files."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.access import scope_for
from core.choices import Action
from core.publication import PublicationStatus
from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_response, xlsx_response  # noqa: F401  (re-exported)

from .. import exporting, services

FORMATS = ("csv", "xlsx")
OPEN_DATA_SETS = {"penalties": "penalty", "licenses": "license"}
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")


class ExportFilterForm(forms.Form):
    """The staff list's filters that make sense for a download (same GET parameter names)."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *PublicationStatus.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    decided_after = forms.DateField(label=_("Decided from"), required=False, widget=DATE_WIDGET)
    decided_before = forms.DateField(label=_("Decided until"), required=False, widget=DATE_WIDGET)
    # ID numbers are masked in an export unless its user says why they need them whole (audited).
    reveal_reason = forms.CharField(
        label=_("Reason for whole ID numbers"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": _("empty: ID numbers masked")}
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("decided_after") and data.get("decided_before") and data["decided_after"] > data["decided_before"]:
            self.add_error("decided_before", _("The end date is before the start date."))
        return data


def _download_name(stem: str, file_format: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{file_format}"


@login_required
@require_GET
def staff_export(request, kind: str, file_format: str):
    if kind not in services.MODELS or file_format not in FORMATS:
        raise Http404
    if scope_for(request.user, Action.VIEW).is_empty:
        raise PermissionDenied
    form = ExportFilterForm(request.GET)
    if not form.is_valid():
        problems = [f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()]
        return HttpResponseBadRequest("\n".join(problems), content_type="text/plain; charset=utf-8")
    filters = dict(form.cleaned_data)
    reveal_reason = filters.pop("reveal_reason")
    try:
        rows = exporting.staff_export(
            request.user, kind, file_format=file_format, filters=filters, reveal_reason=reveal_reason
        )
    except ValidationError as exc:
        return HttpResponseBadRequest("\n".join(exc.messages), content_type="text/plain; charset=utf-8")
    header = exporting.national_header(kind)
    filename = _download_name(kind, file_format)
    if file_format == "csv":
        return csv_response(header, rows, filename)
    return xlsx_response(header, rows, filename, title=kind)


@require_GET
def open_data(request, dataset: str):
    """Public: every record now on public view, in the national format, ID numbers masked."""
    kind = OPEN_DATA_SETS.get(dataset)
    if kind is None:
        raise Http404
    return csv_response(exporting.national_header(kind), exporting.open_data_rows(kind), _download_name(dataset, "csv"))


urlpatterns = [
    path("staff/disclosures/export/<slug:kind>.<slug:file_format>", staff_export, name="staff_export"),
    path("disclosures/open-data/<slug:dataset>.csv", open_data, name="open_data"),
]
