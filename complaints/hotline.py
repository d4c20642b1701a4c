"""The 12345 city hotline: an API client (scope `hotline`) that files the complaints it takes, each with its
own work-order number as `external_reference`, and is told how each one goes.

- Filing is idempotent per work order: the same (channel, external_reference) filed twice is one complaint
  (`file_once`: a lookup under a transaction-scoped advisory lock, so that two posts racing each other
  cannot both file).
- Every step of a hotline complaint that changes its status (accepted, declined, replied, review requested,
  review answered, reopened, merged) queues one status update in the transaction that took the step
  (core.outbound → the outbox in sharing), POSTed signed to settings.HOTLINE_WEBHOOK_URL with retries:
  one update per event (its id is the Idempotency-Key), one complaint's updates in order.

What an update carries is what the complainant reads on the tracking page (the public step and its text),
the tracking code and the work order: never who complained.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.signals import post_save

from core import outbound

from . import services
from .choices import Channel, EventKind
from .models import Complaint, ComplaintEvent

DESTINATION = "hotline_12345"
# The steps after which the hotline hears of the complaint: those that change its status.
STATUS_EVENTS = frozenset(
    {
        EventKind.ACCEPTED,
        EventKind.DECLINED,
        EventKind.REPLIED,
        EventKind.REVIEW_REQUESTED,
        EventKind.REVIEWED,
        EventKind.REOPENED,
        EventKind.MERGED,
    }
)


def register() -> None:
    """From ComplaintsConfig.ready(): the destination, and the listener on the timeline."""
    outbound.register_destination(
        DESTINATION,
        url_setting="HOTLINE_WEBHOOK_URL",
        secret_setting="HOTLINE_WEBHOOK_SECRET",  # noqa: S106 (a name)
    )
    post_save.connect(_on_event, sender=ComplaintEvent, dispatch_uid="complaints.hotline.status_update")


# --- filing once per work order --------------------------------------------------------------------


@dataclass
class Filing:
    complaint: Complaint
    secret: str | None  # None when the work order had been filed before: the secret was shown then
    created: bool


def file_once(*, data: dict, channel: str, actor, files=()) -> Filing:
    """File, unless this channel already holds a complaint with the same external reference: then that one."""
    # As the service keeps it: without control characters (a NUL never reaches the database).
    reference = "".join(ch for ch in str(data.get("external_reference") or "") if ch >= " ").strip()
    if not reference:
        filed = services.complaint_file(data=data, channel=channel, actor=actor, files=files)
        return Filing(filed.complaint, filed.secret, True)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            lock = zlib.crc32(f"complaints.external:{channel}:{reference}".encode()) - 2**31
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        existing = Complaint.objects.filter(channel=channel, external_reference=reference).order_by("id").first()
        if existing is not None:
            return Filing(existing, None, False)
        filed = services.complaint_file(
            data={**data, "external_reference": reference}, channel=channel, actor=actor, files=files
        )
        return Filing(filed.complaint, filed.secret, True)


# --- status updates --------------------------------------------------------------------------------


def status_update(complaint: Complaint, event: ComplaintEvent) -> dict:
    """The JSON the hotline receives for one step."""
    return {
        "event_id": event_key(complaint, event),
        "work_order": complaint.external_reference,
        "tracking_code": complaint.tracking_code,
        "event": event.kind,
        "status": complaint.status,
        "at": event.at.isoformat(),
        "text": event.text,
        "organization": event.organization_name,
        "handle_due": complaint.handle_due.isoformat() if complaint.handle_due else None,
        "review_request_due": complaint.review_request_due.isoformat() if complaint.review_request_due else None,
    }


def event_key(complaint: Complaint, event: ComplaintEvent) -> str:
    return f"complaints.complaint:{complaint.pk}:event:{event.pk}"


def _on_event(sender, instance: ComplaintEvent, created: bool, raw: bool = False, **kwargs) -> None:
    """Runs inside the service's transaction (add_event is called there): the update commits with the step."""
    if raw or not created or not instance.public or instance.kind not in STATUS_EVENTS:
        return
    complaint = instance.complaint
    if complaint.channel != Channel.HOTLINE or not complaint.external_reference:
        return
    outbound.enqueue(
        destination=DESTINATION,
        key=event_key(complaint, instance),
        payload=status_update(complaint, instance),
        ordering_key=f"complaints.complaint:{complaint.pk}",
        owner=complaint.organization,
    )
