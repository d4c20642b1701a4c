"""Writes of the national push. `outbox`: queueing, claiming, replay; `delivery`: sending and settling;
`reconciliation`: the nightly check; `outbound`: messages to other systems (core.outbound)."""

from .delivery import DrainReport, backoff_seconds, push_batch, push_pending, send_claimed
from .outbound import OutboundReport, outbound_claim, outbound_deliver, outbound_enqueue, outbound_replay
from .outbox import claim_batch, idempotency_key, outbox_enqueue, outbox_replay, schedule_push
from .reconciliation import reconciliation_run

__all__ = [
    "DrainReport",
    "OutboundReport",
    "backoff_seconds",
    "claim_batch",
    "idempotency_key",
    "outbound_claim",
    "outbound_deliver",
    "outbound_enqueue",
    "outbound_replay",
    "outbox_enqueue",
    "outbox_replay",
    "push_batch",
    "push_pending",
    "reconciliation_run",
    "schedule_push",
    "send_claimed",
]
