"""The staff pages of an import job, the same for every app that imports files: the list of jobs, the
upload, the job's page with its live progress (the `progress/` fragment htmx polls, and `status.json` for
scripts), the confirmation, the error report and the empty templates.

An app subclasses `ImportJobViews`, says what is its own — the job model's queryset, who may import and
for which organizations, the upload form, how a job starts, which tasks check and import it, the texts
of its pages, the templates it offers — and adds `.urlpatterns(prefix)` to its urls. The pages are
`core/imports/{list,detail,upload,_status}.html`; an app's own templates extend them and fill in blocks
(its columns, its counts). A job outside the user's queryset answers 404, exactly like one that does not
exist.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.pagination import keyset_page
from core.spreadsheets import csv_response, xlsx_response

from .progress import is_running
from .reports import error_report_response

FORMATS = ("csv", "xlsx")
# How many problems the job's page shows; the downloadable report has them all.
SHOWN_PROBLEMS = 20


class ImportJobViews:
    """One app's import job pages. Subclasses set the class attributes and the methods marked "yours"."""

    namespace: ClassVar[str] = ""  # the app's url namespace, e.g. "commitments"
    name_prefix: ClassVar[str] = ""  # url names are f"{name_prefix}_list", "…_detail" …
    # The app's importing module: live_progress, live_percent, confirmation_refusal, job_confirm,
    # status_document (with status_json), and for the default start and template_file job_create, template_headers.
    engine = None
    form_class = None  # the upload form: (data, files, organizations=, initial=)
    check_task = None  # Celery tasks taking the job's id
    run_task = None
    report_name: ClassVar[str] = "import"  # the error report is f"{report_name}-{pk}-errors.csv"
    template_route: ClassVar[str] = "template.<slug:file_format>"  # below the prefix
    template_name: ClassVar[str] = ""  # the empty template's file name (without the suffix) and sheet
    template_sheet: ClassVar[str] = ""
    status_json: ClassVar[bool] = True  # offer <pk>/status.json (engine.status_document)
    list_limit: ClassVar[int | None] = None  # None: pages of 25 (keyset); a number: that many newest, no pager
    # The app's templates: its _status.html (extends core's) and the empty-template links it offers.
    list_template: ClassVar[str] = "core/imports/list.html"
    detail_template: ClassVar[str] = "core/imports/detail.html"
    upload_template: ClassVar[str] = "core/imports/upload.html"
    status_template: ClassVar[str] = "core/imports/_status.html"
    templates_include: ClassVar[str] = ""
    # Texts of the pages (gettext_lazy): list_title, job_title, upload_heading, importing, confirm_step, confirmed.
    texts: ClassVar[dict] = {}

    # --- yours ----------------------------------------------------------------------------------------

    def jobs(self, request):
        """The jobs the user may see."""
        raise NotImplementedError

    def organizations(self, request):
        """The organizations the user may import for; PermissionDenied when the user may not import."""
        raise NotImplementedError

    # and where the defaults do not fit: start, template_file, upload_initial, list/upload/detail_context

    def start(self, request, data: dict):
        """Store the upload (the form's cleaned data) as a pending job and return it."""
        return self.engine.job_create(
            organization=data["organization"],
            upload=data["file"],
            actor=request.user,
            language=translation.get_language(),
        )

    def template_file(self, **route) -> tuple[list[str], str, str] | None:
        """(header, file name, sheet title) of an empty template for the route's values, or None: 404."""
        return self.engine.template_headers(), self.template_name, self.template_sheet

    def upload_initial(self, request) -> dict:
        return {"organization": request.user.organization_id}

    def list_context(self, request) -> dict:
        return {}

    def upload_context(self, request) -> dict:
        return {}

    def detail_context(self, request, job) -> dict:
        return {}

    # --- the shared part ------------------------------------------------------------------------------

    def url_name(self, view: str) -> str:
        return f"{self.name_prefix}_{view}"

    def _urls(self) -> dict[str, str]:
        views = ["list", "upload", "template", "detail", "progress", "confirm", "error_report"]
        if self.status_json:
            views.append("status")
        return {view: f"{self.namespace}:{self.url_name(view)}" for view in views}

    def _page(self, request, template: str, context: dict):
        shared = {
            "import_urls": self._urls(),
            "import_texts": self.texts,
            "status_template": self.status_template,
            "templates_include": self.templates_include,
        }
        return render(request, template, {**shared, **context})

    def _job(self, request, pk: int, *, defer_errors: bool = True):
        jobs = self.jobs(request)
        return get_object_or_404(jobs.defer("errors") if defer_errors else jobs, pk=pk)

    def status_context(self, job) -> dict:
        running = is_running(job)
        context = {
            "job": job,
            "running": running,
            "processed": self.engine.live_progress(job),
            "percent": self.engine.live_percent(job),
            "refusal": self.engine.confirmation_refusal(job),
        }
        if not running:
            # The stored list may be long (so the polled views defer it): the page shows the first few
            # problems, the downloadable report has them all.
            context["warnings"] = [e for e in job.errors if e.get("level") == "warning"][:SHOWN_PROBLEMS]
            context["first_errors"] = [e for e in job.errors if e.get("level") != "warning"][:SHOWN_PROBLEMS]
        return context

    def list_view(self, request):
        self.organizations(request)
        jobs = self.jobs(request).defer("errors")
        if self.list_limit is None:
            context = {"page": keyset_page(jobs, request, key="id"), "paged": True}
        else:
            context = {"page": list(jobs.order_by("-id")[: self.list_limit]), "paged": False}
        return self._page(request, self.list_template, {**context, **self.list_context(request)})

    def upload_view(self, request):
        organizations = self.organizations(request)
        form = self.form_class(
            request.POST or None,
            request.FILES or None,
            organizations=organizations,
            initial=self.upload_initial(request),
        )
        if request.method == "POST" and form.is_valid():
            job = self.start(request, form.cleaned_data)
            check_task = self.check_task
            transaction.on_commit(lambda: check_task.delay(job.pk))
            messages.success(request, _("File uploaded. It is being checked; nothing is saved before you confirm."))
            return redirect(self._urls()["detail"], pk=job.pk)
        return self._page(request, self.upload_template, {"form": form, **self.upload_context(request)})

    def detail_view(self, request, pk: int):
        job = self._job(request, pk)
        context = {**self.status_context(job), **self.detail_context(request, job)}
        return self._page(request, self.detail_template, context)

    def progress_view(self, request, pk: int):
        """The fragment htmx polls every second while the job runs; without `hx-trigger` it stops."""
        return self._page(request, self.status_template, self.status_context(self._job(request, pk)))

    def status_view(self, request, pk: int):
        """The same status as JSON, for scripts and pages that draw their own bar."""
        job = self._job(request, pk)
        document = self.engine.status_document(job)
        document["detail_url"] = reverse(self._urls()["detail"], args=[job.pk])
        return JsonResponse(document)

    def confirm_view(self, request, pk: int):
        job = self._job(request, pk, defer_errors=False)
        refusal = self.engine.confirmation_refusal(job)
        if refusal:
            messages.error(request, refusal)
        elif self.engine.job_confirm(job=job, actor=request.user):
            run_task = self.run_task
            transaction.on_commit(lambda: run_task.delay(job.pk))
            messages.success(request, self.texts["confirmed"])
        return redirect(self._urls()["detail"], pk=job.pk)

    def error_report_view(self, request, pk: int):
        job = self._job(request, pk, defer_errors=False)
        return error_report_response(job.errors, f"{self.report_name}-{job.pk}-errors.csv")

    def template_view(self, request, file_format: str, **route):
        found = self.template_file(**route) if file_format in FORMATS else None
        if found is None:
            raise Http404
        self.organizations(request)
        header, filename, title = found
        filename = f"{filename}.{file_format}"
        if file_format == "csv":
            return csv_response(header, [], filename)
        return xlsx_response(header, [], filename, title=title)

    def urlpatterns(self, prefix: str) -> list:
        """The pages under `prefix` (e.g. "staff/pledges/progress-imports/"), with their url names."""
        get, post = require_GET, require_POST
        routes = [
            ("", get(self.list_view), "list"),
            ("new/", self.upload_view, "upload"),
            (self.template_route, get(self.template_view), "template"),
            ("<int:pk>/", get(self.detail_view), "detail"),
            ("<int:pk>/progress/", get(self.progress_view), "progress"),
            ("<int:pk>/status.json", get(self.status_view), "status"),
            ("<int:pk>/confirm/", post(self.confirm_view), "confirm"),
            ("<int:pk>/errors.csv", get(self.error_report_view), "error_report"),
        ]
        return [
            path(prefix + route, login_required(view), name=self.url_name(name))
            for route, view, name in routes
            if name != "status" or self.status_json
        ]


def require(organizations):
    """The organizations, or PermissionDenied when there are none: for `ImportJobViews.organizations`."""
    if not organizations.exists():
        raise PermissionDenied
    return organizations
