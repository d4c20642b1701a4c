"""Thin beat tasks over the sweeps: idempotent, safe to run twice at once."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def escalate_overdue_pledges() -> int:
    from .services.sweeps import escalate_overdue_pledges as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def escalate_overdue_milestones() -> int:
    from .services.sweeps import escalate_overdue_milestones as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def measure_pledges() -> int:
    from .services.sweeps import measure_pledges as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def remind_milestones_due() -> int:
    from .services.sweeps import remind_milestones_due as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_progress_import(job_id: int) -> str:
    """Dry run of an uploaded progress file: every row through the service, all rolled back."""
    from .importing import check_job

    return check_job(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_progress_import(job_id: int) -> str:
    """Report a confirmed, checked file's rows, all or nothing. A job already importing or done is left alone."""
    from .importing import run_job

    return run_job(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def fail_stalled_progress_imports() -> int:
    """Progress imports whose worker died: failed, saying that nothing was kept."""
    from .importing import fail_stalled_jobs

    return fail_stalled_jobs()
