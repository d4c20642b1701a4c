"""Thin Celery tasks: ids in, a service call, idempotent."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def flag_overdue_drafts() -> int:
    from .services import flag_overdue_drafts as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_import(job_id: int) -> str:
    """Dry run of an uploaded file. Read-only but for the job, so a redelivery simply checks again."""
    from .importing import check_job

    return check_job(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import(job_id: int) -> str:
    """Import a confirmed, checked file. A job already importing or done is left alone."""
    from .importing import run_job

    return run_job(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_public_counts() -> dict[str, int]:
    """Count the public disclosures once for everyone; the home page only reads the cache."""
    from .selectors import refresh_public_counts as refresh

    return refresh()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def fail_stalled_imports() -> int:
    """Imports whose worker died: failed with a message that says what was kept."""
    from .importing import fail_stalled_jobs

    return fail_stalled_jobs()
