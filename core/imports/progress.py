"""Live progress of an import job. An all-or-nothing import runs in one transaction whose UPDATEs nobody
else can see before it commits, so the worker also reports how far it got through the shared cache
(Redis in production); the polled page reads whichever is further."""

from __future__ import annotations

from django.core.cache import cache

from .choices import RUNNING_STATUSES, ImportStatus

PROGRESS_TTL_SECONDS = 6 * 60 * 60


def progress_key(namespace: str, job_id: int) -> str:
    """The cache key of a job's live count: one namespace per job model (e.g. its app's label)."""
    return f"{namespace}:import-progress:{job_id}"


def publish_progress(key: str, processed: int) -> None:
    cache.set(key, processed, PROGRESS_TTL_SECONDS)


def forget_progress(key: str) -> None:
    cache.delete(key)


def is_running(job) -> bool:
    """A worker has (or is about to have) the job: checking, importing, or confirmed and queued."""
    return job.status in RUNNING_STATUSES or (job.status == ImportStatus.PREVIEWED and job.confirmed_at is not None)


def live_progress(job, key: str) -> int:
    """Rows processed so far: the stored count, or the worker's live one while the job runs."""
    if job.status not in RUNNING_STATUSES:
        return job.processed_rows
    return max(job.processed_rows, cache.get(key, 0))


def live_percent(job, key: str) -> int:
    if not job.total_rows:
        return job.progress_percent
    return min(100, round(100 * live_progress(job, key) / job.total_rows))


def status_document(job, key: str) -> dict:
    """What a JSON status endpoint answers while a page or a script waits for the job."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "processed": live_progress(job, key),
        "total": job.total_rows,
        "percent": live_percent(job, key),
        "valid_rows": job.valid_rows,
        "error_rows": job.error_rows,
        "message": job.message,
        "running": is_running(job),
    }
