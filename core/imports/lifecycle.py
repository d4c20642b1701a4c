"""The life of an all-or-nothing import job whose rows go through one service (`rowwise.RowwisePass`), as the
pledge progress and course completion imports live it. Two passes over the stored file, each a Celery task:

    upload → pending → validating → previewed → (confirmed) → importing → done
                              └→ failed: the file cannot be read           └→ failed: nothing saved, and why

The check (dry run) rolls every row back; the import keeps them only when no row failed — a row failing
then (the data moved since the check) rolls back every row, and the job says how many failed. Every step
writes its audit row (`<audit_prefix>.upload`, `.confirm`, `.stalled`).

An app subclasses `RowwiseJobs` with its job model (an `ImportJobBase` with an `organization` that has a
`path`, and a count of what was saved), its names and its `RowwisePass`, and offers the methods as its
importing module's functions.
"""

from __future__ import annotations

import datetime
import logging
from typing import ClassVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log

from . import progress
from .choices import ImportStatus
from .jobs import claim, confirmation_refusal, job_context
from .reading import FileProblem
from .reports import MAX_STORED_ERRORS
from .rowwise import Report, RowwisePass
from .uploads import file_digest


class RowwiseJobs:
    model = None  # the job model
    namespace: ClassVar[str] = ""  # of the live progress in the cache: the app's label
    label: ClassVar[str] = ""  # "progress import": in the log, and (with dashes) the audit request id
    audit_prefix: ClassVar[str] = ""  # "commitments.progress_import"
    count_field: ClassVar[str] = ""  # the job's count of what was saved
    count_in_preview: ClassVar[bool] = False  # a checked job counts its valid rows as what it will save
    logger = logging.getLogger(__name__)

    # --- yours ----------------------------------------------------------------------------------------

    rows_class: type[RowwisePass] = RowwisePass  # the app's pass over the rows

    def limits(self) -> dict:
        """The pass's max_rows and progress_every (rows between two live counts in the cache)."""
        raise NotImplementedError

    def on_done(self, job, rows: RowwisePass) -> None:
        """After an import that kept every row (inside the job's language and audit context)."""

    def stalled_message(self, job) -> str:
        return _(
            "The import stopped before it finished (the worker was interrupted); nothing was saved. Upload the file again."
        )

    # --- the shared part ------------------------------------------------------------------------------

    def progress_key(self, job_id: int) -> str:
        return progress.progress_key(self.namespace, job_id)

    def request_id(self, job) -> str:
        return f"{self.label.replace(' ', '-')}-{job.pk}"

    @transaction.atomic
    def create(self, *, organization, upload, actor, language: str):
        """Store the uploaded file as a pending job (the caller checked the actor may import for the
        organization); the caller enqueues the check after commit."""
        job = self.model.objects.create(
            organization=organization,
            created_by=actor,
            file=upload,
            original_name=upload.name[:200],
            file_sha256=file_digest(upload),
            language=language or settings.LANGUAGE_CODE,
        )
        audit_log(
            actor=actor,
            action=f"{self.audit_prefix}.upload",
            target=job,
            after={"file": job.original_name, "sha256": job.file_sha256},
            scope_path=organization.path,
        )
        return job

    def confirmation_refusal(self, job) -> str | None:
        """Why this job cannot be confirmed now, or None when it can (all or nothing: no row may have errors)."""
        return confirmation_refusal(job, all_or_nothing=True)

    @transaction.atomic
    def confirm(self, *, job, actor) -> bool:
        """Mark a previewed job confirmed (once); the caller enqueues the import after commit."""
        job = self.model.objects.select_for_update().select_related("organization").get(pk=job.pk)
        if self.confirmation_refusal(job):
            return False
        job.confirmed_at = timezone.now()
        job.save(update_fields=["confirmed_at", "updated_at"])
        audit_log(actor=actor, action=f"{self.audit_prefix}.confirm", target=job, scope_path=job.organization.path)
        return True

    def check(self, job_id: int) -> str:
        """The dry run. A job past validation is left alone."""
        statuses = [ImportStatus.PENDING, ImportStatus.VALIDATING]
        if not claim(self.model, job_id, statuses=statuses, to=ImportStatus.VALIDATING):
            return "skipped"
        return self._pass(job_id, write=False)

    def run(self, job_id: int) -> str:
        """The import proper, for a confirmed preview only; anything else is a no-op."""
        statuses = [ImportStatus.PREVIEWED]
        if not claim(self.model, job_id, statuses=statuses, to=ImportStatus.IMPORTING, confirmed_at__isnull=False):
            return "skipped"
        return self._pass(job_id, write=True)

    def _pass(self, job_id: int, *, write: bool) -> str:
        progress.forget_progress(self.progress_key(job_id))  # a redelivered task starts counting afresh
        job = self.model.objects.select_related("organization", "created_by").get(pk=job_id)
        with job_context(job.language, self.request_id(job)):
            rows = self.rows_class(job, write=write, progress_key=self.progress_key(job.pk), **self.limits())
            try:
                report = rows.run()
            except FileProblem as problem:
                return self.fail(job, problem.message, problem.entries)
            except Exception:
                self.logger.exception("%s %s: the %s failed", self.label, job_id, "import" if write else "check")
                message = (
                    _("The import stopped because of an internal error.")
                    if write
                    else _("The file could not be checked because of an internal error; try again later.")
                )
                self.fail(job, message, rows.report.entries)
                raise
            if not write:
                self._store(job, report, status=ImportStatus.PREVIEWED)
            elif report.rolled_back:
                message = _(
                    "Nothing was imported: %(count)d rows have errors now (the data changed since the check)."
                ) % {"count": report.error_rows}
                self._store(job, report, status=ImportStatus.FAILED, message=message)
            else:
                self._store(job, report, status=ImportStatus.DONE)
                self.on_done(job, rows)
        return job.status

    def fail(self, job, message: str, entries=()) -> str:
        job.status = ImportStatus.FAILED
        job.message = str(message)
        job.errors = list(entries)[:MAX_STORED_ERRORS]
        setattr(job, self.count_field, 0)
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "errors", self.count_field, "finished_at", "updated_at"])
        progress.forget_progress(self.progress_key(job.pk))
        return job.status

    def _store(self, job, report: Report, *, status: str, message: str = "") -> None:
        job.status = status
        job.total_rows = job.processed_rows = report.rows
        job.valid_rows, job.error_rows = report.valid_rows, report.error_rows
        counted = status == ImportStatus.DONE or (status == ImportStatus.PREVIEWED and self.count_in_preview)
        setattr(job, self.count_field, report.valid_rows if counted else 0)
        job.errors = report.entries
        job.message = str(message)
        if status != ImportStatus.PREVIEWED:
            job.finished_at = timezone.now()
        job.save()
        progress.forget_progress(self.progress_key(job.pk))

    @transaction.atomic
    def fail_stalled(self, *, now=None) -> int:
        """Jobs left checking or importing by a worker that died. Past the task's hard time limit no task can
        still be working on them; the import ran in one transaction, so nothing of it was kept."""
        cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
        stalled = list(
            self.model.objects.filter(
                status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING], updated_at__lt=cutoff
            ).select_for_update(skip_locked=True)
        )
        for job in stalled:
            with job_context(job.language, self.request_id(job)):
                self.fail(job, self.stalled_message(job))
                audit_log(actor=None, action=f"{self.audit_prefix}.stalled", target=job, after={"status": job.status})
        return len(stalled)

    def live_progress(self, job) -> int:
        return progress.live_progress(job, self.progress_key(job.pk))

    def live_percent(self, job) -> int:
        return progress.live_percent(job, self.progress_key(job.pk))

    def status_document(self, job) -> dict:
        return progress.status_document(job, self.progress_key(job.pk))
