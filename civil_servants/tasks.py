"""Thin Celery tasks: take ids, call the work, idempotent (a redelivered task finds nothing to claim)."""

from celery import shared_task

# The integrity-score recompute lives beside the assessment; imported here so the worker finds it.
from .tasks_assessment import recompute_integrity_scores, recompute_integrity_scores_of  # noqa: F401


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_completion_import(job_id: int) -> str:
    """Dry run of an uploaded completion file: every row through the service, all rolled back."""
    from .importing import check_job

    return check_job(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_completion_import(job_id: int) -> str:
    """Save a confirmed, checked file's completions, all or nothing. A job already importing or done is left alone."""
    from .importing import run_job

    return run_job(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def fail_stalled_completion_imports() -> int:
    """Completion imports whose worker died: failed, saying that nothing was kept."""
    from .importing import fail_stalled_jobs

    return fail_stalled_jobs()
