"""Staff pages for bulk import: upload, live progress of the check and the import, confirmation,
error report and empty templates. The work itself is in disclosures.importing, run by Celery.

A job belongs to an organization: only users who may enter records for it (CHANGE scope) see it;
anyone else gets 404, exactly like a job that does not exist.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.choices import Action
from core.imports import check_import_upload, is_running
from core.pagination import keyset_page
from organizations.models import Organization

from .. import importing, tasks
from ..choices import ImportMode
from ..models import ImportJob
from .exports import FORMATS, ExportFilterForm, csv_response, xlsx_response

KINDS = dict(ImportJob._meta.get_field("kind").choices)
TEMPLATE_VARIANTS = ("codes", "names")


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Records"),
        choices=ImportJob._meta.get_field("kind").choices,
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"),
        queryset=Organization.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Rows without a deciding authority or data source are entered for this organization."),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("When some rows have errors"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=gettext_lazy(
            "CSV (UTF-8 or GB18030) or Excel .xlsx, at most 50 MB. The header row may use the national codes "
            "(CF_XDR_MC …) or their Chinese names. Uploading a file again updates the drafts it created."
        ),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_file(self):
        return check_import_upload(self.cleaned_data["file"], max_bytes=importing.MAX_UPLOAD_BYTES)


def _changeable_organizations(request):
    return Organization.objects.for_user(request.user, Action.CHANGE).filter(is_active=True)


def _jobs(request):
    return ImportJob.objects.for_user(request.user, Action.CHANGE).select_related("organization", "created_by")


def _require_change_scope(request):
    organizations = _changeable_organizations(request)
    if not organizations.exists():
        raise PermissionDenied
    return organizations


@login_required
@require_GET
def import_list(request):
    _require_change_scope(request)
    page = keyset_page(_jobs(request).defer("errors"), request, key="id")
    # One filter form per kind for the export; distinct ids, the same GET names as the staff list.
    export_forms = [(kind, label, ExportFilterForm(auto_id=f"export-{kind}-%s")) for kind, label in KINDS.items()]
    return render(
        request, "disclosures/imports/list.html", {"page": page, "kinds": KINDS, "export_forms": export_forms}
    )


@login_required
def import_upload(request):
    organizations = _require_change_scope(request)
    initial = {"organization": request.user.organization_id, "kind": request.GET.get("kind", "penalty")}
    form = ImportUploadForm(request.POST or None, request.FILES or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = importing.job_create(
            kind=data["kind"],
            organization=data["organization"],
            upload=data["file"],
            mode=data["mode"],
            actor=request.user,
            language=translation.get_language(),
        )
        transaction.on_commit(lambda: tasks.check_import.delay(job.pk))
        messages.success(request, _("File uploaded. It is being checked; nothing is saved before you confirm."))
        return redirect("disclosures:import_detail", pk=job.pk)
    return render(request, "disclosures/imports/upload.html", {"form": form, "kinds": KINDS})


def _status_context(job: ImportJob) -> dict:
    running = is_running(job)
    context = {
        "job": job,
        "running": running,
        "processed": importing.live_progress(job),
        "percent": importing.live_percent(job),
        "refusal": importing.confirmation_refusal(job),
    }
    if not running:
        # The stored list may be long (so the polled views defer it): the page shows the first few
        # problems, the downloadable report has them all.
        context["warnings"] = [e for e in job.errors if e.get("level") == "warning"][:20]
        context["first_errors"] = [e for e in job.errors if e.get("level") != "warning"][:20]
    return context


@login_required
@require_GET
def import_detail(request, pk: int):
    job = get_object_or_404(_jobs(request).defer("errors"), pk=pk)
    earlier = (
        ImportJob.objects.filter(organization=job.organization, file_sha256=job.file_sha256, pk__lt=job.pk)
        .only("id", "created_at", "status", "original_name", "kind", "organization")
        .order_by("-id")
        .first()
    )
    context = {**_status_context(job), "earlier": earlier}
    return render(request, "disclosures/imports/detail.html", context)


@login_required
@require_GET
def import_progress(request, pk: int):
    """The fragment htmx polls every second while the job runs; without `hx-trigger` it stops."""
    job = get_object_or_404(_jobs(request).defer("errors"), pk=pk)
    return render(request, "disclosures/imports/_status.html", _status_context(job))


@login_required
@require_POST
def import_confirm(request, pk: int):
    job = get_object_or_404(_jobs(request), pk=pk)
    refusal = importing.confirmation_refusal(job)
    if refusal:
        messages.error(request, refusal)
    elif importing.job_confirm(job=job, actor=request.user):
        transaction.on_commit(lambda: tasks.run_import.delay(job.pk))
        messages.success(request, _("Import confirmed; the rows are being saved as drafts."))
    return redirect("disclosures:import_detail", pk=job.pk)


@login_required
@require_GET
def import_error_report(request, pk: int):
    job = get_object_or_404(_jobs(request), pk=pk)
    return csv_response(
        importing.error_report_header(), importing.error_report_rows(job), f"import-{job.pk}-errors.csv"
    )


@login_required
@require_GET
def import_template(request, kind: str, variant: str, file_format: str):
    if kind not in KINDS or variant not in TEMPLATE_VARIANTS or file_format not in FORMATS:
        raise Http404
    _require_change_scope(request)
    header = importing.template_headers(kind, variant)
    filename = f"{kind}-import-template-{variant}.{file_format}"
    if file_format == "csv":
        return csv_response(header, [], filename)
    return xlsx_response(header, [], filename, title=kind)


urlpatterns = [
    path("staff/disclosures/imports/", import_list, name="import_list"),
    path("staff/disclosures/imports/new/", import_upload, name="import_upload"),
    path(
        "staff/disclosures/imports/templates/<slug:kind>/<slug:variant>.<slug:file_format>",
        import_template,
        name="import_template",
    ),
    path("staff/disclosures/imports/<int:pk>/", import_detail, name="import_detail"),
    path("staff/disclosures/imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("staff/disclosures/imports/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("staff/disclosures/imports/<int:pk>/errors.csv", import_error_report, name="import_error_report"),
]
