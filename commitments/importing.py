"""Pledge progress reported in bulk from a CSV or XLSX file (承诺编号 · 进度(%) · 进展说明 · 进度回退原因 · 里程碑).

A `ProgressImport` goes through two passes over the stored file, each a Celery task, on the ground of
core.imports (the reading, the job's states, live progress and the error report shared with the disclosure
import; the life of the job, `lifecycle.RowwiseJobs`, and the pass over the rows, `rowwise.RowwisePass`,
shared with the course completion import):

    upload → pending → validating → previewed → (confirmed) → importing → done
                              └→ failed: the file cannot be read           └→ failed: nothing saved, and why

Both passes put every row through `pledge_report_progress(..., source="import")`, the one write path of a
progress report, inside one transaction: the check (dry run) always rolls it back, so its row errors are
exactly the service's field-level messages, and rows reporting on the same pledge are judged in order;
the import keeps it only when no row failed — a row failing then (the data moved since the check) rolls
back every row, and the job says how many failed. A pledge outside the uploader's scope, or outside the
job's organization, is reported as not found, the same as one that does not exist.

The check holds what a real import holds — the named pledges' rows and, for published pledges, the ledger
head — for as long as it runs, then lets go; for a body's few hundred rows that is a second or two.

Files are small (a body's pledges): at most MAX_ROWS data rows, read whole once the header is known.
"""

from __future__ import annotations

import logging
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core import imports
from core.access import scope_for
from core.choices import Action
from core.imports.lifecycle import RowwiseJobs
from core.imports.rowwise import Column, Columns, RowwisePass
from organizations.models import Organization

from .models import Milestone, Pledge, ProgressImport
from .services import pledge_report_progress

MAX_ROWS = 5000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 50  # rows between two live counts in the cache
REFERENCE = re.compile(r"^(?:XYCN-?)?0*(\d{1,12})$", re.IGNORECASE)

COLUMNS = Columns(
    [
        Column("pledge", "承诺编号", True, ("承诺编号", "编号", "reference", "pledge", "pledgeid", "pledgereference")),
        Column("progress", "进度(%)", True, ("进度(%)", "进度", "进度%", "progress", "progress(%)", "progress%")),
        Column("note", "进展说明", True, ("进展说明", "说明", "note", "whatwasdone")),
        Column("reason", "进度回退原因", False, ("进度回退原因", "回退原因", "reason", "reasonforgoingback")),
        Column("milestone", "里程碑", False, ("里程碑", "milestone")),
    ]
)


def template_headers() -> list[str]:
    """The header row of an empty import file: required columns starred (the star is ignored on return)."""
    return COLUMNS.template_headers()


# --- the services the views call ------------------------------------------------------------------


def reporting_organizations(user):
    """Bodies a user may upload progress for: staff of their own, supervisors of their jurisdiction."""
    return (
        Organization.objects.for_user(user, Action.CHANGE) | Organization.objects.for_user(user, Action.SUPERVISE)
    ).filter(is_active=True)


def _reports_for(user, path: str) -> bool:
    return scope_for(user, Action.CHANGE).covers(path) or scope_for(user, Action.SUPERVISE).covers(path)


def progress_key(job_id: int) -> str:
    return JOBS.progress_key(job_id)


def job_create(*, organization: Organization, upload, actor, language: str) -> ProgressImport:
    """Store the uploaded file as a pending job; the caller enqueues `check_progress_import` after commit."""
    if not _reports_for(actor, organization.path):
        raise PermissionDenied(_("You may only write pledges of your own organization."))
    return JOBS.create(organization=organization, upload=upload, actor=actor, language=language)


def confirmation_refusal(job: ProgressImport) -> str | None:
    """Why this job cannot be confirmed now, or None when it can (all or nothing: no row may have errors)."""
    return JOBS.confirmation_refusal(job)


def job_confirm(*, job: ProgressImport, actor) -> bool:
    """Mark a previewed job confirmed (once); the caller enqueues `run_progress_import` after commit."""
    return JOBS.confirm(job=job, actor=actor)


def check_job(job_id: int) -> str:
    """The dry run (task `check_progress_import`). A job past validation is left alone."""
    return JOBS.check(job_id)


def run_job(job_id: int) -> str:
    """The import proper (task `run_progress_import`), for a confirmed preview only; anything else is a no-op."""
    return JOBS.run(job_id)


def fail_stalled_jobs(*, now=None) -> int:
    """Jobs left checking or importing by a worker that died: failed, nothing of them was kept."""
    return JOBS.fail_stalled(now=now)


# --- live progress -------------------------------------------------------------------------------------


def live_progress(job: ProgressImport) -> int:
    return JOBS.live_progress(job)


def live_percent(job: ProgressImport) -> int:
    return JOBS.live_percent(job)


def status_document(job: ProgressImport) -> dict:
    return {**JOBS.status_document(job), "reported": job.reported_count}


# --- one pass over the file ------------------------------------------------------------------------------


class ProgressRows(RowwisePass):
    """Every row reported through `pledge_report_progress`, in one transaction kept only when writing and no
    row failed."""

    columns = COLUMNS
    fallback_column = "pledge"

    def prepare(self, data: list[tuple[int, list]]) -> None:
        self.pledges = self._pledges(data)
        self.milestones = self._milestones(self.pledges)

    def _pledges(self, data: list[tuple[int, list]]) -> dict[int, Pledge]:
        """The pledges the file names that the uploader reports on, within the job's organization."""
        ids = {pk for _number, cells in data if (pk := _pledge_id(self.cell(cells, "pledge"))) is not None}
        home = self.job.organization.path
        found = Pledge.objects.filter(pk__in=ids, organization__path__startswith=home).select_related("organization")
        return {pledge.pk: pledge for pledge in found if _reports_for(self.actor, pledge.organization.path)}

    def _milestones(self, pledges) -> dict[tuple[int, str], list[Milestone]]:
        by_title: dict[tuple[int, str], list[Milestone]] = {}
        for milestone in Milestone.objects.filter(pledge__in=list(pledges)).order_by("due_on", "id"):
            by_title.setdefault((milestone.pledge_id, milestone.title.strip()), []).append(milestone)
        return by_title

    def row(self, number: int, cells: list) -> list[dict]:
        raw = self.cell(cells, "pledge")
        pk = _pledge_id(raw)
        if pk is None:
            message = (
                _("Give the pledge's reference (XYCN-000123) or its number.")
                if not imports.text(raw)
                else _("“%(value)s” is not a pledge reference such as XYCN-000123.") % {"value": imports.shown(raw)}
            )
            return [self.error(number, "pledge", cells, message)]
        pledge = self.pledges.get(pk)
        if pledge is None:
            return [self.error(number, "pledge", cells, _not_found(raw))]
        milestone = None
        title = imports.text(self.cell(cells, "milestone"))
        if title:
            matches = self.milestones.get((pk, title), [])
            open_ones = [m for m in matches if m.done_on is None] or matches
            if not open_ones:
                message = _("This pledge has no milestone titled “%(title)s”.") % {"title": title}
                return [self.error(number, "milestone", cells, message)]
            milestone = open_ones[0]
        try:
            pledge_report_progress(
                pledge=pledge,
                progress=_progress_cell(self.cell(cells, "progress")),
                note=imports.text(self.cell(cells, "note")),
                reason=imports.text(self.cell(cells, "reason")),
                milestone=milestone,
                actor=self.actor,
                source="import",
            )
        except PermissionDenied:
            return [self.error(number, "pledge", cells, _not_found(raw))]
        except ValidationError as error:
            return self.errors_of(number, cells, error)
        return []


def _pledge_id(value) -> int | None:
    match = REFERENCE.match(imports.text(value).replace(" ", ""))
    return int(match.group(1)) if match else None


def _progress_cell(value):
    # The service reads text ("60", "60%", "60.5"); a number from a workbook is handed over as written.
    return imports.text(value) if value is not None else ""


def _not_found(raw) -> str:
    return _("No pledge %(reference)s is found among the pledges you report progress on.") % {
        "reference": imports.shown(raw)
    }


# --- the job ------------------------------------------------------------------------------------------


class ProgressJobs(RowwiseJobs):
    logger = logging.getLogger(__name__)
    model = ProgressImport
    namespace = "commitments"
    label = "progress import"
    audit_prefix = "commitments.progress_import"
    count_field = "reported_count"
    count_in_preview = True
    rows_class = ProgressRows

    def limits(self):
        return {"max_rows": MAX_ROWS, "progress_every": PROGRESS_EVERY}  # read when a pass starts

    def stalled_message(self, job):
        if job.status == imports.ImportStatus.VALIDATING:
            return _(
                "The check stopped before it finished (the worker was interrupted); nothing was saved. Upload the file again."
            )
        return super().stalled_message(job)


JOBS = ProgressJobs()
