"""Pledge progress reported in bulk from a CSV or XLSX file (承诺编号 · 进度(%) · 进展说明 · 进度回退原因 · 里程碑).

A `ProgressImport` goes through two passes over the stored file, each a Celery task (core.imports has
the reading, the job's states, live progress and the error report shared with the disclosure import):

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

import datetime
import logging
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import imports
from core.access import scope_for
from core.audit import audit_log
from core.choices import Action
from core.imports import FileProblem, ImportStatus
from organizations.models import Organization

from .models import Milestone, Pledge, ProgressImport
from .services import pledge_report_progress

logger = logging.getLogger(__name__)

MAX_ROWS = 5000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 50  # rows between two live counts in the cache
REFERENCE = re.compile(r"^(?:XYCN-?)?0*(\d{1,12})$", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    name: str  # the service's field (and the error report's column code)
    label: str  # the template's header
    required: bool
    aliases: tuple[str, ...]


COLUMNS = (
    Column("pledge", "承诺编号", True, ("承诺编号", "编号", "reference", "pledge", "pledgeid", "pledgereference")),
    Column("progress", "进度(%)", True, ("进度(%)", "进度", "进度%", "progress", "progress(%)", "progress%")),
    Column("note", "进展说明", True, ("进展说明", "说明", "note", "whatwasdone")),
    Column("reason", "进度回退原因", False, ("进度回退原因", "回退原因", "reason", "reasonforgoingback")),
    Column("milestone", "里程碑", False, ("里程碑", "milestone")),
)
BY_NAME = {column.name: column for column in COLUMNS}


def _normalized(header: str) -> str:
    # Full-width brackets and signs of a Chinese input method, spaces, a required column's star, case.
    header = unicodedata.normalize("NFKC", header or "").strip().rstrip("*").strip()
    return re.sub(r"\s+", "", header).lower()


ALIASES = {_normalized(alias): column for column in COLUMNS for alias in column.aliases}


def progress_key(job_id: int) -> str:
    return imports.progress_key("commitments", job_id)


def template_headers() -> list[str]:
    """The header row of an empty import file: required columns starred (the star is ignored on return)."""
    return [f"{column.label}*" if column.required else column.label for column in COLUMNS]


# --- the services the views call ------------------------------------------------------------------


def reporting_organizations(user):
    """Bodies a user may upload progress for: staff of their own, supervisors of their jurisdiction."""
    return (
        Organization.objects.for_user(user, Action.CHANGE) | Organization.objects.for_user(user, Action.SUPERVISE)
    ).filter(is_active=True)


@transaction.atomic
def job_create(*, organization: Organization, upload, actor, language: str) -> ProgressImport:
    """Store the uploaded file as a pending job; the caller enqueues `check_progress_import` after commit."""
    if not _reports_for(actor, organization.path):
        raise PermissionDenied(_("You may only write pledges of your own organization."))
    job = ProgressImport.objects.create(
        organization=organization,
        created_by=actor,
        file=upload,
        original_name=upload.name[:200],
        file_sha256=imports.file_digest(upload),
        language=language or settings.LANGUAGE_CODE,
    )
    audit_log(
        actor=actor,
        action="commitments.progress_import.upload",
        target=job,
        after={"file": job.original_name, "sha256": job.file_sha256},
        scope_path=organization.path,
    )
    return job


def confirmation_refusal(job: ProgressImport) -> str | None:
    """Why this job cannot be confirmed now, or None when it can (all or nothing: no row may have errors)."""
    return imports.confirmation_refusal(job, all_or_nothing=True)


@transaction.atomic
def job_confirm(*, job: ProgressImport, actor) -> bool:
    """Mark a previewed job confirmed (once); the caller enqueues `run_progress_import` after commit."""
    job = ProgressImport.objects.select_for_update().select_related("organization").get(pk=job.pk)
    if confirmation_refusal(job):
        return False
    job.confirmed_at = timezone.now()
    job.save(update_fields=["confirmed_at", "updated_at"])
    audit_log(actor=actor, action="commitments.progress_import.confirm", target=job, scope_path=job.organization.path)
    return True


def check_job(job_id: int) -> str:
    """The dry run (task `check_progress_import`). A job past validation is left alone."""
    if not imports.claim(
        ProgressImport, job_id, statuses=[ImportStatus.PENDING, ImportStatus.VALIDATING], to=ImportStatus.VALIDATING
    ):
        return "skipped"
    return _pass(job_id, write=False)


def run_job(job_id: int) -> str:
    """The import proper (task `run_progress_import`), for a confirmed preview only; anything else is a no-op."""
    if not imports.claim(
        ProgressImport, job_id, statuses=[ImportStatus.PREVIEWED], to=ImportStatus.IMPORTING, confirmed_at__isnull=False
    ):
        return "skipped"
    return _pass(job_id, write=True)


def _pass(job_id: int, *, write: bool) -> str:
    imports.forget_progress(progress_key(job_id))  # a redelivered task starts counting afresh
    job = ProgressImport.objects.select_related("organization", "created_by").get(pk=job_id)
    with imports.job_context(job.language, f"progress-import-{job.pk}"):
        reporter = ProgressRows(job, write=write)
        try:
            report = reporter.run()
        except FileProblem as problem:
            return _fail(job, problem.message, problem.entries)
        except Exception:
            logger.exception("progress import %s: the %s failed", job_id, "import" if write else "check")
            message = (
                _("The import stopped because of an internal error.")
                if write
                else _("The file could not be checked because of an internal error; try again later.")
            )
            _fail(job, message, reporter.report.entries)
            raise
        if not write:
            _store(job, report, status=ImportStatus.PREVIEWED)
        elif report.rolled_back:
            message = _("Nothing was imported: %(count)d rows have errors now (the data changed since the check).") % {
                "count": report.error_rows
            }
            _store(job, report, status=ImportStatus.FAILED, message=message)
        else:
            _store(job, report, status=ImportStatus.DONE)
    return job.status


def _fail(job: ProgressImport, message: str, entries=()) -> str:
    job.status = ImportStatus.FAILED
    job.message = str(message)
    job.errors = list(entries)[: imports.MAX_STORED_ERRORS]
    job.reported_count = 0
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "errors", "reported_count", "finished_at", "updated_at"])
    imports.forget_progress(progress_key(job.pk))
    return job.status


def _store(job: ProgressImport, report: Report, *, status: str, message: str = "") -> None:
    job.status = status
    job.total_rows = job.processed_rows = report.rows
    job.valid_rows, job.error_rows = report.valid_rows, report.error_rows
    job.reported_count = 0 if report.rolled_back and status != ImportStatus.PREVIEWED else report.valid_rows
    job.errors = report.entries
    job.message = str(message)
    if status != ImportStatus.PREVIEWED:
        job.finished_at = timezone.now()
    job.save()
    imports.forget_progress(progress_key(job.pk))


@transaction.atomic
def fail_stalled_jobs(*, now=None) -> int:
    """Jobs left checking or importing by a worker that died. Past the task's hard time limit no task can
    still be working on them; the import ran in one transaction, so nothing of it was kept."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stalled = list(
        ProgressImport.objects.filter(
            status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING], updated_at__lt=cutoff
        ).select_for_update(skip_locked=True)
    )
    for job in stalled:
        with imports.job_context(job.language, f"progress-import-{job.pk}"):
            if job.status == ImportStatus.VALIDATING:
                message = _(
                    "The check stopped before it finished (the worker was interrupted); nothing was saved. Upload the file again."
                )
            else:
                message = _(
                    "The import stopped before it finished (the worker was interrupted); nothing was saved. Upload the file again."
                )
            _fail(job, message)
            audit_log(
                actor=None, action="commitments.progress_import.stalled", target=job, after={"status": job.status}
            )
    return len(stalled)


# --- live progress and downloads -----------------------------------------------------------------------


def live_progress(job: ProgressImport) -> int:
    return imports.live_progress(job, progress_key(job.pk))


def live_percent(job: ProgressImport) -> int:
    return imports.live_percent(job, progress_key(job.pk))


def status_document(job: ProgressImport) -> dict:
    return {**imports.status_document(job, progress_key(job.pk)), "reported": job.reported_count}


# --- one pass over the file ------------------------------------------------------------------------------


@dataclass
class Report:
    rows: int = 0
    valid_rows: int = 0
    error_rows: int = 0
    entries: list[dict] = field(default_factory=list)
    rolled_back: bool = False

    def add(self, entries: list[dict]) -> None:
        room = max(imports.MAX_STORED_ERRORS - len(self.entries), 0)
        self.entries.extend(entries[:room])


def _reports_for(user, path: str) -> bool:
    return scope_for(user, Action.CHANGE).covers(path) or scope_for(user, Action.SUPERVISE).covers(path)


class ProgressRows:
    """Read the job's file, then report every row through the service in one transaction that is kept only
    when `write` and no row failed."""

    def __init__(self, job: ProgressImport, *, write: bool):
        self.job = job
        self.write = write
        self.actor = job.created_by
        self.report = Report()
        self.columns: dict[str, int] = {}

    def run(self) -> Report:
        storage = self.job.file.storage
        with storage.open(self.job.file.name, "rb") as handle:
            rows, _estimate = imports.read_rows(handle, self.job.original_name)
            try:
                header_row, header_cells, data_rows = imports.locate_header(
                    rows, lambda headers: sum(_normalized(h) in ALIASES for h in headers), min_matches=2
                )
                self._read_header(header_row, header_cells)
                data = []
                for number, cells in data_rows:
                    if imports.is_blank(cells):
                        continue
                    if len(data) == MAX_ROWS:
                        raise FileProblem(
                            _("The file has more than %(count)d rows; split it into several files.")
                            % {"count": MAX_ROWS}
                        )
                    data.append((number, cells))
            finally:
                rows.close()  # while the file is still open: the readers clean up after themselves
        if not data:
            raise FileProblem(_("The file has a header row but no data rows."), self.report.entries)
        self.job.total_rows = len(data)
        ProgressImport.objects.filter(pk=self.job.pk).update(total_rows=len(data))
        self._report_all(data)
        return self.report

    # -- the header

    def _read_header(self, header_row: int, cells: list) -> None:
        problems = []
        for index, cell in enumerate(cells):
            header = imports.text(cell)
            if not header:
                continue
            column = ALIASES.get(_normalized(header))
            if column is None:
                self.report.add(
                    [
                        imports.entry(
                            header_row,
                            field="",
                            column=header,
                            value=header,
                            message=_("Unknown column; it is ignored."),
                            level="warning",
                        )
                    ]
                )
            elif column.name in self.columns:
                problems.append(
                    imports.entry(
                        header_row,
                        field=column.name,
                        code=column.name,
                        column=column.label,
                        value=header,
                        message=_("This column appears %(count)d times; keep one.") % {"count": 2},
                    )
                )
            else:
                self.columns[column.name] = index
        for column in COLUMNS:
            if column.required and column.name not in self.columns:
                problems.append(
                    imports.entry(
                        header_row,
                        field=column.name,
                        code=column.name,
                        column=column.label,
                        value="",
                        message=_("This required column is missing."),
                    )
                )
        if problems:
            names = "、".join(problem["column"] for problem in problems)
            raise FileProblem(
                _("The header row (row %(row)d) cannot be used: %(problems)s.")
                % {"row": header_row, "problems": names},
                problems,
            )

    # -- the rows

    def _cell(self, cells: list, name: str):
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def _error(self, number: int, name: str, cells: list, message) -> dict:
        column = BY_NAME.get(name) or BY_NAME["pledge"]
        return imports.entry(
            number,
            field=column.name,
            code=column.name,
            column=column.label,
            value=self._cell(cells, column.name),
            message=message,
        )

    def _pledges(self, data: list[tuple[int, list]]) -> dict[int, Pledge]:
        """The pledges the file names that the uploader reports on, within the job's organization."""
        ids = {pk for _number, cells in data if (pk := _pledge_id(self._cell(cells, "pledge"))) is not None}
        home = self.job.organization.path
        found = Pledge.objects.filter(pk__in=ids, organization__path__startswith=home).select_related("organization")
        return {pledge.pk: pledge for pledge in found if _reports_for(self.actor, pledge.organization.path)}

    def _milestones(self, pledges) -> dict[tuple[int, str], list[Milestone]]:
        by_title: dict[tuple[int, str], list[Milestone]] = {}
        for milestone in Milestone.objects.filter(pledge__in=list(pledges)).order_by("due_on", "id"):
            by_title.setdefault((milestone.pledge_id, milestone.title.strip()), []).append(milestone)
        return by_title

    def _report_all(self, data: list[tuple[int, list]]) -> None:
        pledges = self._pledges(data)
        milestones = self._milestones(pledges)
        keep = (lambda: self.report.error_rows == 0) if self.write else (lambda: False)
        with imports.undone_unless(keep) as outcome:
            for position, (number, cells) in enumerate(data, start=1):
                errors = self._report_row(number, cells, pledges, milestones)
                self.report.rows += 1
                if errors:
                    self.report.error_rows += 1
                    self.report.add(errors)
                else:
                    self.report.valid_rows += 1
                if position % PROGRESS_EVERY == 0:
                    imports.publish_progress(progress_key(self.job.pk), position)
        self.report.rolled_back = self.write and outcome["rolled_back"]

    def _report_row(self, number: int, cells: list, pledges, milestones) -> list[dict]:
        raw = self._cell(cells, "pledge")
        pk = _pledge_id(raw)
        if pk is None:
            message = (
                _("Give the pledge's reference (XYCN-000123) or its number.")
                if not imports.text(raw)
                else _("“%(value)s” is not a pledge reference such as XYCN-000123.") % {"value": imports.shown(raw)}
            )
            return [self._error(number, "pledge", cells, message)]
        pledge = pledges.get(pk)
        if pledge is None:
            return [self._error(number, "pledge", cells, _not_found(raw))]
        milestone = None
        title = imports.text(self._cell(cells, "milestone"))
        if title:
            matches = milestones.get((pk, title), [])
            open_ones = [m for m in matches if m.done_on is None] or matches
            if not open_ones:
                message = _("This pledge has no milestone titled “%(title)s”.") % {"title": title}
                return [self._error(number, "milestone", cells, message)]
            milestone = open_ones[0]
        try:
            pledge_report_progress(
                pledge=pledge,
                progress=_progress_cell(self._cell(cells, "progress")),
                note=imports.text(self._cell(cells, "note")),
                reason=imports.text(self._cell(cells, "reason")),
                milestone=milestone,
                actor=self.actor,
                source="import",
            )
        except PermissionDenied:
            return [self._error(number, "pledge", cells, _not_found(raw))]
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                return [
                    self._error(number, name if name in BY_NAME else "pledge", cells, message)
                    for name, messages in error.message_dict.items()
                    for message in messages
                ]
            return [self._error(number, "pledge", cells, message) for message in error.messages]
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
