"""Writes of the national push. `outbox`: queueing, draining, replay; `reconciliation`: the nightly check."""

from .outbox import (
    DrainReport,
    backoff_seconds,
    claim_batch,
    idempotency_key,
    outbox_enqueue,
    outbox_replay,
    push_batch,
    push_pending,
    schedule_push,
)
from .reconciliation import reconciliation_run

__all__ = [
    "DrainReport",
    "backoff_seconds",
    "claim_batch",
    "idempotency_key",
    "outbox_enqueue",
    "outbox_replay",
    "push_batch",
    "push_pending",
    "reconciliation_run",
    "schedule_push",
]
