"""Thin tasks over sharing.services. All are idempotent, so a worker lost mid-way is harmless:
acknowledged late and given back to the queue (settings), and the outbox's leases do the rest."""

from celery import shared_task

from . import services

# Well under the hard limit: a batch in flight (read timeout 30 s) finishes before the worker is stopped.
DRAIN_BUDGET_SECONDS = 240


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=290, time_limit=300)
def push_pending() -> dict:
    report = services.push_pending(budget_seconds=DRAIN_BUDGET_SECONDS)
    return {
        "batches": report.batches,
        "delivered": report.delivered,
        "rejected": report.rejected,
        "superseded": report.superseded,
    }


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=25 * 60, time_limit=30 * 60)
def reconcile() -> bool:
    return services.reconciliation_run().ok


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=290, time_limit=300)
def deliver_outbound() -> dict:
    """Messages to other systems (core.outbound: the 12345 hotline's status updates)."""
    report = services.outbound_deliver(budget_seconds=DRAIN_BUDGET_SECONDS)
    return {"delivered": report.delivered, "retried": report.retried, "failed": report.failed}
