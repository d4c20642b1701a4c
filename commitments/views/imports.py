"""Staff pages for reporting pledge progress from a file: upload, live progress of the check and the import,
confirmation, error report, empty templates and a JSON status. The work is in commitments.importing, run by
Celery; the shared parts (progress bar, error table, upload checks) are core.imports'.

A job belongs to an organization: staff of it and supervisors over it (those who may report its pledges'
progress) see it; anyone else gets 404, exactly like a job that does not exist.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core import imports
from core.pagination import keyset_page
from core.spreadsheets import csv_response, xlsx_response
from organizations.models import Organization

from .. import importing, tasks
from ..models import ProgressImport

FORMATS = ("csv", "xlsx")


class ProgressUploadForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"),
        queryset=Organization.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Only pledges of this organization (and the bodies under it) are reported."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=gettext_lazy(
            "CSV (UTF-8 or GB18030) or Excel .xlsx, at most 10 MB: 承诺编号 (XYCN-000123 or the number), 进度 "
            "(0 to 100), 进展说明, and when progress goes down 进度回退原因; 里程碑 (a milestone's title) is optional."
        ),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_file(self):
        return imports.check_import_upload(self.cleaned_data["file"], max_bytes=importing.MAX_UPLOAD_BYTES)


def _jobs(request):
    return ProgressImport.objects.for_reporter(request.user).select_related("organization", "created_by")


def _require_reporter(request):
    organizations = importing.reporting_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    return organizations


def _status_context(job: ProgressImport) -> dict:
    context = {
        "job": job,
        "running": imports.is_running(job),
        "processed": importing.live_progress(job),
        "percent": importing.live_percent(job),
        "refusal": importing.confirmation_refusal(job),
    }
    if not context["running"]:
        # The stored list may be long (so the polled views defer it): the page shows the first few
        # problems, the downloadable report has them all.
        context["warnings"] = [e for e in job.errors if e.get("level") == "warning"][:20]
        context["first_errors"] = [e for e in job.errors if e.get("level") != "warning"][:20]
    return context


@login_required
@require_GET
def progress_import_list(request):
    _require_reporter(request)
    page = keyset_page(_jobs(request).defer("errors"), request, key="id")
    return render(request, "commitments/imports/list.html", {"page": page})


@login_required
def progress_import_upload(request):
    organizations = _require_reporter(request)
    initial = {"organization": request.user.organization_id}
    form = ProgressUploadForm(request.POST or None, request.FILES or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = importing.job_create(
            organization=form.cleaned_data["organization"],
            upload=form.cleaned_data["file"],
            actor=request.user,
            language=translation.get_language(),
        )
        transaction.on_commit(lambda: tasks.check_progress_import.delay(job.pk))
        messages.success(request, _("File uploaded. It is being checked; nothing is saved before you confirm."))
        return redirect("commitments:progress_import_detail", pk=job.pk)
    return render(request, "commitments/imports/upload.html", {"form": form})


@login_required
@require_GET
def progress_import_detail(request, pk: int):
    job = get_object_or_404(_jobs(request).defer("errors"), pk=pk)
    return render(request, "commitments/imports/detail.html", _status_context(job))


@login_required
@require_GET
def progress_import_progress(request, pk: int):
    """The fragment htmx polls every second while the job runs; without `hx-trigger` it stops."""
    job = get_object_or_404(_jobs(request).defer("errors"), pk=pk)
    return render(request, "commitments/imports/_status.html", _status_context(job))


@login_required
@require_GET
def progress_import_status(request, pk: int):
    """The same status as JSON, for scripts and pages that draw their own bar."""
    job = get_object_or_404(_jobs(request).defer("errors"), pk=pk)
    document = importing.status_document(job)
    document["detail_url"] = reverse("commitments:progress_import_detail", args=[job.pk])
    return JsonResponse(document)


@login_required
@require_POST
def progress_import_confirm(request, pk: int):
    job = get_object_or_404(_jobs(request), pk=pk)
    refusal = importing.confirmation_refusal(job)
    if refusal:
        messages.error(request, refusal)
    elif importing.job_confirm(job=job, actor=request.user):
        transaction.on_commit(lambda: tasks.run_progress_import.delay(job.pk))
        messages.success(request, _("Import confirmed; the progress reports are being saved."))
    return redirect("commitments:progress_import_detail", pk=job.pk)


@login_required
@require_GET
def progress_import_error_report(request, pk: int):
    job = get_object_or_404(_jobs(request), pk=pk)
    return imports.error_report_response(job.errors, f"progress-import-{job.pk}-errors.csv")


@login_required
@require_GET
def progress_import_template(request, file_format: str):
    if file_format not in FORMATS:
        raise Http404
    _require_reporter(request)
    header = importing.template_headers()
    filename = f"pledge-progress-template.{file_format}"
    if file_format == "csv":
        return csv_response(header, [], filename)
    return xlsx_response(header, [], filename, title="progress")


urlpatterns = [
    path("staff/pledges/progress-imports/", progress_import_list, name="progress_import_list"),
    path("staff/pledges/progress-imports/new/", progress_import_upload, name="progress_import_upload"),
    path(
        "staff/pledges/progress-imports/template.<slug:file_format>",
        progress_import_template,
        name="progress_import_template",
    ),
    path("staff/pledges/progress-imports/<int:pk>/", progress_import_detail, name="progress_import_detail"),
    path(
        "staff/pledges/progress-imports/<int:pk>/progress/", progress_import_progress, name="progress_import_progress"
    ),
    path("staff/pledges/progress-imports/<int:pk>/status.json", progress_import_status, name="progress_import_status"),
    path("staff/pledges/progress-imports/<int:pk>/confirm/", progress_import_confirm, name="progress_import_confirm"),
    path(
        "staff/pledges/progress-imports/<int:pk>/errors.csv",
        progress_import_error_report,
        name="progress_import_error_report",
    ),
]
