"""The import job's life: upload, dry run, confirmation, import, progress, downloads."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import imports
from core.audit import audit_log
from organizations.models import Organization

from .. import national
from ..choices import ImportMode, ImportStatus
from ..models import ImportJob
from .pipeline import Importer, Report
from .reading import MAX_STORED_ERRORS, FileProblem, progress_key

logger = logging.getLogger(__name__)


# --- the services the views call ------------------------------------------------------------------


@transaction.atomic
def job_create(*, kind: str, organization: Organization, upload, mode: str, actor, language: str) -> ImportJob:
    """Store the uploaded file as a pending job; the caller enqueues `check_import` after commit."""
    sha256 = imports.file_digest(upload)
    job = ImportJob.objects.create(
        kind=kind,
        organization=organization,
        created_by=actor,
        file=upload,
        original_name=upload.name[:200],
        file_sha256=sha256,
        mode=mode,
        language=language or settings.LANGUAGE_CODE,
    )
    audit_log(
        actor=actor,
        action="disclosures.import.upload",
        target=job,
        after={"kind": kind, "mode": mode, "file": job.original_name, "sha256": job.file_sha256},
        scope_path=organization.path,
    )
    return job


def confirmation_refusal(job: ImportJob) -> str | None:
    """Why this job cannot be confirmed now, or None when it can."""
    return imports.confirmation_refusal(job, all_or_nothing=job.mode == ImportMode.ALL_OR_NOTHING)


@transaction.atomic
def job_confirm(*, job: ImportJob, actor) -> bool:
    """Mark a previewed job confirmed (once); the caller enqueues `run_import` after commit."""
    job = ImportJob.objects.select_for_update().select_related("organization").get(pk=job.pk)
    if confirmation_refusal(job):
        return False
    job.confirmed_at = timezone.now()
    job.save(update_fields=["confirmed_at", "updated_at"])
    audit_log(actor=actor, action="disclosures.import.confirm", target=job, scope_path=job.organization.path)
    return True


def check_job(job_id: int) -> str:
    """The dry run (task `check_import`). A job past validation is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[ImportStatus.PENDING, ImportStatus.VALIDATING]).update(
        status=ImportStatus.VALIDATING, processed_rows=0, updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    cache.delete(progress_key(job_id))  # a redelivered task starts counting afresh
    job = _load(job_id)
    with _job_context(job):
        try:
            report = Importer(job, write=False).run()
        except FileProblem as problem:
            return _fail(job, problem.message, problem.entries)
        except Exception:
            logger.exception("import job %s: the check failed", job_id)
            _fail(job, _("The file could not be checked because of an internal error; try again later."))
            raise
        _store_report(job, report, status=ImportStatus.PREVIEWED)
    return job.status


def run_job(job_id: int) -> str:
    """The import proper (task `run_import`), for a confirmed preview only; anything else is a no-op."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PREVIEWED, confirmed_at__isnull=False).update(
        status=ImportStatus.IMPORTING, processed_rows=0, updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    cache.delete(progress_key(job_id))  # a redelivered task starts counting afresh
    job = _load(job_id)
    all_or_nothing = job.mode == ImportMode.ALL_OR_NOTHING
    with _job_context(job):
        importer = Importer(job, write=True, commit_each_batch=not all_or_nothing)
        try:
            report = _run_in_one_transaction(importer) if all_or_nothing else importer.run()
        except FileProblem as problem:
            return _fail(job, problem.message, problem.entries)
        except IntegrityError:
            # Someone saved the same decision number between our lookup and our insert.
            logger.warning("import job %s: a concurrent write collided with the import", job_id, exc_info=True)
            message = (
                _(
                    "Nothing was imported: a record with one of these decision numbers was saved meanwhile. Check the file again."
                )
                if all_or_nothing
                else _(
                    "The import stopped: a record with one of these decision numbers was saved meanwhile. The rows before it are saved; upload the file again to add the rest (drafts are updated, not duplicated)."
                )
            )
            return _fail(job, message, importer.report.entries, None if all_or_nothing else importer.report)
        except Exception:
            logger.exception("import job %s: the import failed", job_id)
            _fail(job, _("The import stopped because of an internal error."), importer.report.entries)
            raise
        if report.rolled_back:
            message = _("Nothing was imported: %(count)d rows have errors now (the data changed since the check).") % {
                "count": report.error_rows
            }
            _store_report(job, report, status=ImportStatus.FAILED, message=message)
        else:
            _store_report(job, report, status=ImportStatus.DONE)
    return job.status


class _RollBack(Exception):
    pass


def _run_in_one_transaction(importer: Importer) -> Report:
    try:
        with transaction.atomic():
            report = importer.run()
            if report.error_rows:
                raise _RollBack
    except _RollBack:
        report.rolled_back = True
        report.created = report.updated = 0
    return report


def _load(job_id: int) -> ImportJob:
    return ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)


def _job_context(job: ImportJob):
    """The uploader's language for messages, and the job as the request id of its audit rows."""
    return imports.job_context(job.language, f"import-job-{job.pk}")


def _fail(job: ImportJob, message: str, entries: Iterable[dict] = (), saved: Report | None = None) -> str:
    """A failed job; `saved` carries the counts of rows already committed (accept-valid mode)."""
    job.status = ImportStatus.FAILED
    job.message = str(message)
    job.errors = list(entries)[:MAX_STORED_ERRORS]
    job.finished_at = timezone.now()
    fields = ["status", "message", "errors", "finished_at", "updated_at"]
    if saved is not None:
        job.created_count, job.updated_count = saved.created, saved.updated
        fields += ["created_count", "updated_count"]
    job.save(update_fields=fields)
    cache.delete(progress_key(job.pk))
    return job.status


@transaction.atomic
def fail_stalled_jobs(*, now=None) -> int:
    """Jobs left checking or importing by a worker that died. Past the task's hard time limit no task
    can still be working on them, so they are failed with what the uploader needs to know: an
    all-or-nothing import rolled back whole; an accept-valid one kept its committed batches as
    drafts, which uploading the file again updates rather than duplicates."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stalled = list(
        ImportJob.objects.filter(
            status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING], updated_at__lt=cutoff
        ).select_for_update(skip_locked=True)
    )
    for job in stalled:
        with _job_context(job):
            if job.status == ImportStatus.VALIDATING:
                message = _(
                    "The check stopped before it finished (the worker was interrupted); nothing was saved. Upload the file again."
                )
            elif job.mode == ImportMode.ALL_OR_NOTHING:
                message = _(
                    "The import stopped before it finished (the worker was interrupted); nothing was saved. Upload the file again."
                )
            else:
                message = _(
                    "The import stopped before it finished (the worker was interrupted). Rows already imported are kept "
                    "as drafts; uploading the file again completes it without duplicates."
                )
            _fail(job, message)
            audit_log(actor=None, action="disclosures.import.stalled", target=job, after={"status": job.status})
    return len(stalled)


def _store_report(job: ImportJob, report: Report, *, status: str, message: str = "") -> None:
    job.status = status
    job.total_rows = job.processed_rows = report.rows
    job.valid_rows, job.error_rows = report.valid_rows, report.error_rows
    job.created_count, job.updated_count = report.created, report.updated
    job.errors = report.entries
    if report.dropped_entries and not message:
        message = _("Only the first %(count)d problems are listed; correct them and check the file again.") % {
            "count": MAX_STORED_ERRORS
        }
    job.message = str(message)
    if status != ImportStatus.PREVIEWED:
        job.finished_at = timezone.now()
    job.save()
    cache.delete(progress_key(job.pk))


# --- live progress ----------------------------------------------------------------------------------


def live_progress(job: ImportJob) -> int:
    """Rows processed so far (core.imports.progress: the stored count, or the worker's live one)."""
    return imports.live_progress(job, progress_key(job.pk))


def live_percent(job: ImportJob) -> int:
    return imports.live_percent(job, progress_key(job.pk))


# --- what the pages offer for download ------------------------------------------------------------


def template_headers(kind: str, variant: str) -> list[str]:
    """The header row of an empty import file: national codes, or the standard's Chinese names
    (required ones starred; the star is ignored when the file comes back)."""
    specs = [spec for spec in national.SPECS[kind] if spec.kind != "computed"]
    if variant == "codes":
        return [spec.code for spec in specs]
    return [f"{spec.label}*" if spec.required else spec.label for spec in specs]


error_report_header = imports.error_report_header


def error_report_rows(job: ImportJob) -> Iterator[list]:
    return imports.error_report_rows(job.errors)
