"""Thin beat tasks over the sweeps: idempotent, safe to run twice at once."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def escalate_overdue_pledges() -> int:
    from .services.sweeps import escalate_overdue_pledges as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def remind_milestones_due() -> int:
    from .services.sweeps import remind_milestones_due as sweep

    return sweep()
