"""Course completions in bulk from a CSV or XLSX file (工号 · 课程 · 年度 · 完成日期 · 学时).

A `CompletionImport` goes through two passes over the stored file, each a Celery task, like the pledge
progress import (commitments.importing) and on the same core.imports ground:

    upload → pending → validating → previewed → (confirmed) → importing → done
                              └→ failed: the file cannot be read           └→ failed: nothing saved, and why

Both passes put every row through `completion_record(..., source="import")`, the one write path of a
completion, inside one transaction: the check always rolls it back, so its row errors are the service's
field-level messages (and a person listed twice for one course is caught on the second row); the import
keeps it only when no row failed. A servant outside the uploader's personnel scope, or outside the job's
organization, is reported as unknown, the same as a staff number that does not exist.
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
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from core import imports
from core.access import scope_for
from core.audit import audit_log
from core.choices import Action
from core.imports import FileProblem, ImportStatus
from organizations.models import CivilServant, Organization

from .models import CompletionImport, Course
from .services.assessment import rescore_soon
from .services.education import completion_record

logger = logging.getLogger(__name__)

MAX_ROWS = 20_000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 100


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    required: bool
    aliases: tuple[str, ...]


COLUMNS = (
    Column("staff_number", "工号", True, ("工号", "人员编号", "staffnumber", "staffno", "staff")),
    Column("course", "课程", True, ("课程", "课程名称", "course", "coursetitle", "title")),
    Column("year", "年度", False, ("年度", "年份", "year")),
    Column("completed_on", "完成日期", True, ("完成日期", "日期", "completedon", "date", "completiondate")),
    Column("hours", "学时", False, ("学时", "hours")),
)
BY_NAME = {column.name: column for column in COLUMNS}
# The service's fields, as the file's columns.
FIELD_COLUMNS = {"civil_servant": "staff_number", "course": "course", "completed_on": "completed_on", "hours": "hours"}


def _normalized(header: str) -> str:
    header = unicodedata.normalize("NFKC", header or "").strip().rstrip("*").strip()
    return re.sub(r"\s+", "", header).lower()


ALIASES = {_normalized(alias): column for column in COLUMNS for alias in column.aliases}


def progress_key(job_id: int) -> str:
    return imports.progress_key("civil_servants", job_id)


def template_headers() -> list[str]:
    return [f"{column.label}*" if column.required else column.label for column in COLUMNS]


def importing_organizations(user):
    """Organizations a user may import completions for: their personnel scope."""
    return Organization.objects.for_user(user, Action.PERSONNEL).filter(is_active=True)


def jobs_for(user):
    scope = scope_for(user, Action.PERSONNEL)
    if scope.everything:
        return CompletionImport.objects.all()
    if scope.is_empty:
        return CompletionImport.objects.none()
    return CompletionImport.objects.filter(scope.q("organization__path"))


@transaction.atomic
def job_create(*, organization: Organization, upload, actor, language: str) -> CompletionImport:
    """Store the file as a pending job; the caller enqueues `check_completion_import` after commit."""
    if not scope_for(actor, Action.PERSONNEL).covers(organization.path):
        raise PermissionDenied(_("You may only import completions for organizations in your personnel scope."))
    job = CompletionImport.objects.create(
        organization=organization,
        created_by=actor,
        file=upload,
        original_name=upload.name[:200],
        file_sha256=imports.file_digest(upload),
        language=language or settings.LANGUAGE_CODE,
    )
    audit_log(
        actor=actor,
        action="civil_servants.completion_import.upload",
        target=job,
        after={"file": job.original_name, "sha256": job.file_sha256},
        scope_path=organization.path,
    )
    return job


def confirmation_refusal(job: CompletionImport) -> str | None:
    return imports.confirmation_refusal(job, all_or_nothing=True)


@transaction.atomic
def job_confirm(*, job: CompletionImport, actor) -> bool:
    job = CompletionImport.objects.select_for_update().select_related("organization").get(pk=job.pk)
    if confirmation_refusal(job):
        return False
    job.confirmed_at = timezone.now()
    job.save(update_fields=["confirmed_at", "updated_at"])
    audit_log(
        actor=actor, action="civil_servants.completion_import.confirm", target=job, scope_path=job.organization.path
    )
    return True


def check_job(job_id: int) -> str:
    if not imports.claim(
        CompletionImport,
        job_id,
        statuses=[ImportStatus.PENDING, ImportStatus.VALIDATING],
        to=ImportStatus.VALIDATING,
    ):
        return "skipped"
    return _pass(job_id, write=False)


def run_job(job_id: int) -> str:
    if not imports.claim(
        CompletionImport,
        job_id,
        statuses=[ImportStatus.PREVIEWED],
        to=ImportStatus.IMPORTING,
        confirmed_at__isnull=False,
    ):
        return "skipped"
    return _pass(job_id, write=True)


def _pass(job_id: int, *, write: bool) -> str:
    imports.forget_progress(progress_key(job_id))
    job = CompletionImport.objects.select_related("organization", "created_by").get(pk=job_id)
    with imports.job_context(job.language, f"completion-import-{job.pk}"):
        reader = CompletionRows(job, write=write)
        try:
            report = reader.run()
        except FileProblem as problem:
            return _fail(job, problem.message, problem.entries)
        except Exception:
            logger.exception("completion import %s: the %s failed", job_id, "import" if write else "check")
            message = (
                _("The import stopped because of an internal error.")
                if write
                else _("The file could not be checked because of an internal error; try again later.")
            )
            _fail(job, message, reader.report.entries)
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
            rescore_soon(reader.servant_ids)
            audit_log(
                actor=job.created_by,
                action="civil_servants.completion_import.done",
                target=job,
                after={"saved": job.saved_count},
                scope_path=job.organization.path,
            )
    return job.status


def _fail(job: CompletionImport, message: str, entries=()) -> str:
    job.status = ImportStatus.FAILED
    job.message = str(message)
    job.errors = list(entries)[: imports.MAX_STORED_ERRORS]
    job.saved_count = 0
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "errors", "saved_count", "finished_at", "updated_at"])
    imports.forget_progress(progress_key(job.pk))
    return job.status


def _store(job: CompletionImport, report: Report, *, status: str, message: str = "") -> None:
    job.status = status
    job.total_rows = job.processed_rows = report.rows
    job.valid_rows, job.error_rows = report.valid_rows, report.error_rows
    job.saved_count = report.valid_rows if status == ImportStatus.DONE else 0
    job.errors = report.entries
    job.message = str(message)
    if status != ImportStatus.PREVIEWED:
        job.finished_at = timezone.now()
    job.save()
    imports.forget_progress(progress_key(job.pk))


@transaction.atomic
def fail_stalled_jobs(*, now=None) -> int:
    """Jobs left checking or importing by a worker that died: failed, nothing of them was kept."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stalled = list(
        CompletionImport.objects.filter(
            status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING], updated_at__lt=cutoff
        ).select_for_update(skip_locked=True)
    )
    for job in stalled:
        with imports.job_context(job.language, f"completion-import-{job.pk}"):
            message = _(
                "The import stopped before it finished (the worker was interrupted); nothing was saved. Upload the file again."
            )
            _fail(job, message)
            audit_log(
                actor=None, action="civil_servants.completion_import.stalled", target=job, after={"status": job.status}
            )
    return len(stalled)


def live_progress(job: CompletionImport) -> int:
    return imports.live_progress(job, progress_key(job.pk))


def live_percent(job: CompletionImport) -> int:
    return imports.live_percent(job, progress_key(job.pk))


def status_document(job: CompletionImport) -> dict:
    return {**imports.status_document(job, progress_key(job.pk)), "saved": job.saved_count}


# --- one pass over the file --------------------------------------------------------------------------


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


class CompletionRows:
    def __init__(self, job: CompletionImport, *, write: bool):
        self.job = job
        self.write = write
        self.actor = job.created_by
        self.report = Report()
        self.columns: dict[str, int] = {}
        self.servant_ids: set[int] = set()  # whose scores to recompute once the file is saved

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
                rows.close()
        if not data:
            raise FileProblem(_("The file has a header row but no data rows."), self.report.entries)
        self.job.total_rows = len(data)
        CompletionImport.objects.filter(pk=self.job.pk).update(total_rows=len(data))
        self._record_all(data)
        return self.report

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

    def _cell(self, cells: list, name: str):
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def _error(self, number: int, name: str, cells: list, message) -> dict:
        column = BY_NAME[name]
        return imports.entry(
            number,
            field=column.name,
            code=column.name,
            column=column.label,
            value=self._cell(cells, name),
            message=message,
        )

    def _servants(self, data) -> dict[str, CivilServant]:
        """The servants the file names that the uploader may record for, within the job's organization."""
        numbers = {imports.text(self._cell(cells, "staff_number")) for _number, cells in data}
        scope = scope_for(self.actor, Action.PERSONNEL)
        found = CivilServant.objects.filter(
            staff_number__in=numbers - {""}, organization__path__startswith=self.job.organization.path
        ).select_related("organization")
        return {s.staff_number: s for s in found if scope.covers(s.organization.path)}

    def _courses(self, data) -> dict[str, list[Course]]:
        titles = {imports.text(self._cell(cells, "course")) for _number, cells in data}
        by_title: dict[str, list[Course]] = {}
        for course in Course.objects.filter(title__in=titles - {""}).select_related("organization"):
            by_title.setdefault(course.title, []).append(course)
        return by_title

    def _record_all(self, data) -> None:
        servants = self._servants(data)
        courses = self._courses(data)
        keep = (lambda: self.report.error_rows == 0) if self.write else (lambda: False)
        with imports.undone_unless(keep) as outcome:
            for position, (number, cells) in enumerate(data, start=1):
                errors = self._record_row(number, cells, servants, courses)
                self.report.rows += 1
                if errors:
                    self.report.error_rows += 1
                    self.report.add(errors)
                else:
                    self.report.valid_rows += 1
                if position % PROGRESS_EVERY == 0:
                    imports.publish_progress(progress_key(self.job.pk), position)
        self.report.rolled_back = self.write and outcome["rolled_back"]

    def _course(self, number, cells, servant, courses) -> tuple[Course | None, list[dict]]:
        title = imports.text(self._cell(cells, "course"))
        if not title:
            return None, [self._error(number, "course", cells, _("Give the course's title."))]
        raw_year = imports.text(self._cell(cells, "year"))
        candidates = courses.get(title, [])
        if raw_year:
            try:
                year = int(raw_year)
            except ValueError:
                return None, [self._error(number, "year", cells, _("Give the year, such as 2026."))]
            candidates = [c for c in candidates if c.year == year]
        if servant is not None:
            candidates = [c for c in candidates if servant.organization.path.startswith(c.organization.path)]
        if not candidates:
            message = (
                _("No course “%(title)s” of %(year)s is offered to this servant.") % {"title": title, "year": raw_year}
                if raw_year
                else _("No course “%(title)s” is offered to this servant.") % {"title": title}
            )
            return None, [self._error(number, "course", cells, message)]
        if len(candidates) > 1:
            message = _("Several courses are titled “%(title)s”: give the year (年度).") % {"title": title}
            return None, [self._error(number, "year" if "year" in self.columns else "course", cells, message)]
        return candidates[0], []

    def _record_row(self, number: int, cells: list, servants, courses) -> list[dict]:
        errors: list[dict] = []
        staff_number = imports.text(self._cell(cells, "staff_number"))
        servant = servants.get(staff_number)
        if not staff_number:
            errors.append(self._error(number, "staff_number", cells, _("Give the servant's staff number (工号).")))
        elif servant is None:
            errors.append(
                self._error(
                    number,
                    "staff_number",
                    cells,
                    _("No civil servant with staff number %(number)s is found among those you keep.")
                    % {"number": imports.shown(staff_number)},
                )
            )
        course, problems = self._course(number, cells, servant, courses)
        errors.extend(problems)
        completed_on = _date(self._cell(cells, "completed_on"))
        if completed_on is None:
            errors.append(self._error(number, "completed_on", cells, _("Give the date of completion as 2026-03-31.")))
        if errors:
            return errors
        try:
            completion_record(
                civil_servant=servant,
                course=course,
                completed_on=completed_on,
                hours=imports.text(self._cell(cells, "hours")),
                actor=self.actor,
                source="import",
                rescore=False,
            )
            self.servant_ids.add(servant.pk)
        except PermissionDenied:
            return [
                self._error(
                    number,
                    "staff_number",
                    cells,
                    _("No civil servant with staff number %(number)s is found among those you keep.")
                    % {"number": imports.shown(staff_number)},
                )
            ]
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                return [
                    self._error(number, FIELD_COLUMNS.get(name, "course"), cells, message)
                    for name, messages in error.message_dict.items()
                    for message in messages
                ]
            return [self._error(number, "course", cells, message) for message in error.messages]
        return []


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = imports.text(value).replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", raw)
    if match:
        raw = "-".join(match.groups())
    try:
        parts = [int(p) for p in raw.split("-")]
        if len(parts) == 3:
            return datetime.date(*parts)
    except ValueError:
        return None
    return parse_date(raw) if raw else None
