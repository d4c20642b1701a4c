"""Thin Celery tasks: ids in, a service call, idempotent."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def flag_overdue_drafts() -> int:
    from .services import flag_overdue_drafts as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def end_due_publicity() -> int:
    from .services import end_due_publicity as sweep

    return sweep()
