"""Course completions in bulk from a CSV or XLSX file (工号 · 课程 · 年度 · 完成日期 · 学时).

A `CompletionImport` goes through two passes over the stored file, each a Celery task, like the pledge
progress import (commitments.importing) and on the same core.imports ground (the job's life,
`lifecycle.RowwiseJobs`; the pass over the rows, `rowwise.RowwisePass`):

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

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from core import imports
from core.access import scope_for
from core.audit import audit_log
from core.choices import Action
from core.imports.lifecycle import RowwiseJobs
from core.imports.rowwise import Column, Columns, RowwisePass
from organizations.models import CivilServant, Organization

from .models import CompletionImport, Course
from .services.assessment import rescore_soon
from .services.education import completion_record

MAX_ROWS = 20_000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 100

COLUMNS = Columns(
    [
        Column("staff_number", "工号", True, ("工号", "人员编号", "staffnumber", "staffno", "staff")),
        Column("course", "课程", True, ("课程", "课程名称", "course", "coursetitle", "title")),
        Column("year", "年度", False, ("年度", "年份", "year")),
        Column("completed_on", "完成日期", True, ("完成日期", "日期", "completedon", "date", "completiondate")),
        Column("hours", "学时", False, ("学时", "hours")),
    ]
)
# The service's fields, as the file's columns.
FIELD_COLUMNS = {"civil_servant": "staff_number", "course": "course", "completed_on": "completed_on", "hours": "hours"}


def template_headers() -> list[str]:
    return COLUMNS.template_headers()


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


def progress_key(job_id: int) -> str:
    return JOBS.progress_key(job_id)


def job_create(*, organization: Organization, upload, actor, language: str) -> CompletionImport:
    """Store the file as a pending job; the caller enqueues `check_completion_import` after commit."""
    if not scope_for(actor, Action.PERSONNEL).covers(organization.path):
        raise PermissionDenied(_("You may only import completions for organizations in your personnel scope."))
    return JOBS.create(organization=organization, upload=upload, actor=actor, language=language)


def confirmation_refusal(job: CompletionImport) -> str | None:
    return JOBS.confirmation_refusal(job)


def job_confirm(*, job: CompletionImport, actor) -> bool:
    return JOBS.confirm(job=job, actor=actor)


def check_job(job_id: int) -> str:
    return JOBS.check(job_id)


def run_job(job_id: int) -> str:
    return JOBS.run(job_id)


def fail_stalled_jobs(*, now=None) -> int:
    """Jobs left checking or importing by a worker that died: failed, nothing of them was kept."""
    return JOBS.fail_stalled(now=now)


def live_progress(job: CompletionImport) -> int:
    return JOBS.live_progress(job)


def live_percent(job: CompletionImport) -> int:
    return JOBS.live_percent(job)


def status_document(job: CompletionImport) -> dict:
    return {**JOBS.status_document(job), "saved": job.saved_count}


# --- one pass over the file --------------------------------------------------------------------------


class CompletionRows(RowwisePass):
    """Every row recorded through `completion_record`, in one transaction kept only when writing and no row
    failed."""

    columns = COLUMNS
    fallback_column = "course"

    def __init__(self, job: CompletionImport, **kwargs):
        super().__init__(job, **kwargs)
        self.servant_ids: set[int] = set()  # whose scores to recompute once the file is saved

    def prepare(self, data) -> None:
        self.servants = self._servants(data)
        self.courses = self._courses(data)

    def _servants(self, data) -> dict[str, CivilServant]:
        """The servants the file names that the uploader may record for, within the job's organization."""
        numbers = {imports.text(self.cell(cells, "staff_number")) for _number, cells in data}
        scope = scope_for(self.actor, Action.PERSONNEL)
        found = CivilServant.objects.filter(
            staff_number__in=numbers - {""}, organization__path__startswith=self.job.organization.path
        ).select_related("organization")
        return {s.staff_number: s for s in found if scope.covers(s.organization.path)}

    def _courses(self, data) -> dict[str, list[Course]]:
        titles = {imports.text(self.cell(cells, "course")) for _number, cells in data}
        by_title: dict[str, list[Course]] = {}
        for course in Course.objects.filter(title__in=titles - {""}).select_related("organization"):
            by_title.setdefault(course.title, []).append(course)
        return by_title

    def _course(self, number, cells, servant) -> tuple[Course | None, list[dict]]:
        title = imports.text(self.cell(cells, "course"))
        if not title:
            return None, [self.error(number, "course", cells, _("Give the course's title."))]
        raw_year = imports.text(self.cell(cells, "year"))
        candidates = self.courses.get(title, [])
        if raw_year:
            try:
                year = int(raw_year)
            except ValueError:
                return None, [self.error(number, "year", cells, _("Give the year, such as 2026."))]
            candidates = [c for c in candidates if c.year == year]
        if servant is not None:
            candidates = [c for c in candidates if servant.organization.path.startswith(c.organization.path)]
        if not candidates:
            message = (
                _("No course “%(title)s” of %(year)s is offered to this servant.") % {"title": title, "year": raw_year}
                if raw_year
                else _("No course “%(title)s” is offered to this servant.") % {"title": title}
            )
            return None, [self.error(number, "course", cells, message)]
        if len(candidates) > 1:
            message = _("Several courses are titled “%(title)s”: give the year (年度).") % {"title": title}
            return None, [self.error(number, "year" if "year" in self.found else "course", cells, message)]
        return candidates[0], []

    def _unknown(self, number, cells, staff_number) -> dict:
        message = _("No civil servant with staff number %(number)s is found among those you keep.") % {
            "number": imports.shown(staff_number)
        }
        return self.error(number, "staff_number", cells, message)

    def row(self, number: int, cells: list) -> list[dict]:
        errors: list[dict] = []
        staff_number = imports.text(self.cell(cells, "staff_number"))
        servant = self.servants.get(staff_number)
        if not staff_number:
            errors.append(self.error(number, "staff_number", cells, _("Give the servant's staff number (工号).")))
        elif servant is None:
            errors.append(self._unknown(number, cells, staff_number))
        course, problems = self._course(number, cells, servant)
        errors.extend(problems)
        completed_on = _date(self.cell(cells, "completed_on"))
        if completed_on is None:
            errors.append(self.error(number, "completed_on", cells, _("Give the date of completion as 2026-03-31.")))
        if errors:
            return errors
        try:
            completion_record(
                civil_servant=servant,
                course=course,
                completed_on=completed_on,
                hours=imports.text(self.cell(cells, "hours")),
                actor=self.actor,
                source="import",
                rescore=False,
            )
            self.servant_ids.add(servant.pk)
        except PermissionDenied:
            return [self._unknown(number, cells, staff_number)]
        except ValidationError as error:
            return self.errors_of(number, cells, error, field_columns=FIELD_COLUMNS)
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


# --- the job ------------------------------------------------------------------------------------------


class CompletionJobs(RowwiseJobs):
    logger = logging.getLogger(__name__)
    model = CompletionImport
    namespace = "civil_servants"
    label = "completion import"
    audit_prefix = "civil_servants.completion_import"
    count_field = "saved_count"
    rows_class = CompletionRows

    def limits(self):
        return {"max_rows": MAX_ROWS, "progress_every": PROGRESS_EVERY}  # read when a pass starts

    def on_done(self, job, rows):
        rescore_soon(rows.servant_ids)
        audit_log(
            actor=job.created_by,
            action="civil_servants.completion_import.done",
            target=job,
            after={"saved": job.saved_count},
            scope_path=job.organization.path,
        )


JOBS = CompletionJobs()
