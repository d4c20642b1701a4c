"""Writes of the national push. `outbox`: queueing, claiming, replay; `delivery`: sending and settling;
`reconciliation`: the nightly check."""

from .delivery import DrainReport, backoff_seconds, push_batch, push_pending, send_claimed
from .outbox import claim_batch, idempotency_key, outbox_enqueue, outbox_replay, schedule_push
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
    "send_claimed",
]
