"""Transitions of the publication life cycle, shared by every app that publishes.

Apps call `apply_transition` inside their own atomic service: it checks the move is allowed,
updates the life-cycle fields, saves, appends the PublicationVersion and writes the audit row.
A publish, correction, withdrawal or repair also appends a ledger entry and tells the listeners
(the national push writes its outbox row) — all in the caller's transaction, so a rolled-back
publish leaves nothing behind.

Each publishing app registers its record types once (`register_publishable`, in its AppConfig.ready):
how a record reads in the national wire format, what the public sees of it, and which organization
owns it. The ledger, the push and their checks work from this registry (core.registry, re-exported
here) and know no app.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import actor_label, actor_user, audit_log
from .ledger import ledger_append
from .models import PublicationVersion
from .principals import entered_by
from .publication import ALLOWED_FROM, RESULTING_STATUS, PublicationAction, PublicationStatus
from .registry import Publishable, publishable, publishables, register_publishable  # noqa: F401 (apps import them here)

# The actions that change what the public and the national platform see. Ending publicity at its
# due date is not one: the record already carries that date (CF_GSJZQ).
ANNOUNCED_ACTIONS = frozenset(
    {PublicationAction.PUBLISH, PublicationAction.CORRECT, PublicationAction.WITHDRAW, PublicationAction.REPAIR}
)

_listeners: list[Callable] = []


def on_announcement(listener: Callable) -> None:
    """`listener(record, version, publishable)` runs inside the publishing transaction for every
    announced action (the national push registers its outbox writer here)."""
    if listener not in _listeners:
        _listeners.append(listener)


def announce(record, version: PublicationVersion) -> None:
    described = publishable(record.record_type)
    for listener in _listeners:
        listener(record, version, described)


def ensure_allowed(record, action: str) -> None:
    if record.status not in ALLOWED_FROM[action]:
        raise ValidationError(
            _("A record that is “%(status)s” cannot be %(action)s.")
            % {"status": PublicationStatus(record.status).label, "action": PublicationAction(action).label.lower()},
            code="illegal_transition",
        )


MIN_REASON_LENGTH = 4


def require_reason(reason: str, *, message: str, field: str = "reason", errors: dict | None = None) -> str:
    """A withdrawal, correction, ruling or decision states why: at least four characters, or a field
    error. With `errors`, the message is added there (for a form that reports every field at once)."""
    # Anything but text (a list or a number from a JSON body) says nothing: the same field error.
    reason = reason.strip() if isinstance(reason, str) else ""
    if len(reason) < MIN_REASON_LENGTH:
        if errors is None:
            raise ValidationError({field: [message]})
        errors.setdefault(field, []).append(message)
    return reason


def ensure_four_eyes(record, actor, *, message: str | None = None, code: str = "four_eyes") -> None:
    """Nobody publishes (or rules on) what they entered themselves: the same principal — user or API
    client — not the same display name."""
    if entered_by(record, actor):
        raise ValidationError(
            message or _("You entered this record yourself; another reviewer must publish it."), code=code
        )


def apply_transition(
    record, *, action: str, actor, payload_builder, reason: str = "", extra_fields=()
) -> PublicationVersion:
    ensure_allowed(record, action)
    now = timezone.now()
    record.status = RESULTING_STATUS[action]
    changed = ["status", "updated_at", *extra_fields]
    if action in (PublicationAction.PUBLISH, PublicationAction.CORRECT):
        record.version += 1
        changed.append("version")
    if action == PublicationAction.PUBLISH:
        record.published_at, record.published_by = now, actor_user(actor)
        changed += ["published_at", "published_by"]
    elif action == PublicationAction.CORRECT:
        record.corrected_at = now
        changed.append("corrected_at")
    elif action == PublicationAction.WITHDRAW:
        record.withdrawn_at, record.withdrawal_reason = now, reason
        changed += ["withdrawn_at", "withdrawal_reason"]
    elif action in (PublicationAction.END_PUBLICITY, PublicationAction.REPAIR):
        record.publicity_ended_at = now
        changed.append("publicity_ended_at")
    record.save(update_fields=list(dict.fromkeys(changed)))
    version = PublicationVersion.objects.create(
        record_type=record.record_type,
        record_id=record.pk,
        version=record.version,
        action=action,
        actor=actor_user(actor),
        actor_repr=actor_label(actor)[:200],
        reason=reason,
        payload=payload_builder(record),
    )
    audit_log(
        actor=actor,
        action=f"{record.record_type}.{action}",
        target=record,
        after={"status": record.status, "version": record.version, **({"reason": reason} if reason else {})},
    )
    # Version 0: never published, so never announced (a draft withdrawn): no ledger entry, no push.
    if action in ANNOUNCED_ACTIONS and record.version > 0:
        public, national = publishable(record.record_type).documents_of(record)
        ledger_append(
            record_type=record.record_type,
            record_id=record.pk,
            version=record.version,
            action=action,
            document=public,
            national_document=national,
        )
        announce(record, version)
    return version


def history(record):
    return PublicationVersion.objects.filter(record_type=record.record_type, record_id=record.pk).order_by("id")
