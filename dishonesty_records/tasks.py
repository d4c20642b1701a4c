"""Thin beat tasks over the sweeps: idempotent, safe to run twice at once."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def escalate_overdue_obligations() -> int:
    from .services import escalate_overdue_obligations as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def notify_ready_for_ruling() -> int:
    from .services import notify_ready_for_ruling as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def flag_overdue_repair_reviews() -> int:
    from .services import flag_overdue_repair_reviews as sweep

    return sweep()
