"""Handling a complaint: accept or decline (intake), investigate and reply (the handling organization),
extend once with approval, transfer, reopen, escalate, answer a review (approvers and supervisors), merge
near-duplicates, and propose a dishonesty record for a substantiated complaint.

Every act locks the complaint, checks who may take it and from which status, writes a step of the
timeline (public or internal) and an audit row, in one transaction.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.publishing import require_reason
from organizations.models import Organization

from .. import access
from ..choices import DeadlineKind, DeclineReason, EventKind, Status
from ..models import Complaint
from . import common, deadlines

REPLY_MIN = 10


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_status(complaint: Complaint, *statuses: str) -> None:
    if complaint.status not in statuses:
        raise ValidationError(
            _("Not possible while the complaint is “%(status)s”.") % {"status": Status(complaint.status).label},
            code="illegal_transition",
        )


def _handler(value, field: str = "handling_organization") -> Organization:
    if not isinstance(value, Organization) or not value.is_active:
        raise ValidationError({field: [_("Choose the organization that handles the complaint.")]})
    return value


def _text(value, field: str, minimum: int, message: str) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise ValidationError({field: [message]})
    return value


def _save(complaint: Complaint, *fields: str) -> None:
    complaint.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def complaint_accept(*, complaint: Complaint, handling_organization, actor, note: str = "") -> Complaint:
    """Intake accepts and assigns: the handling period runs from today."""
    complaint = common.locked(complaint)
    _require(access.may_intake(actor, complaint), _("Only the intake officers over this organization accept."))
    _require_status(complaint, Status.RECEIVED)
    handler = _handler(handling_organization)
    today = timezone.localdate()
    complaint.status, complaint.accepted_on, complaint.handling_organization = Status.ACCEPTED, today, handler
    complaint.handle_due = deadlines.count(complaint, DeadlineKind.HANDLE, today).due
    _save(complaint, "status", "accepted_on", "handling_organization", "handle_due", "periods", "deadline_provisional")
    common.add_event(complaint, EventKind.ACCEPTED, actor=actor, text=note.strip())
    common.add_event(complaint, EventKind.ASSIGNED, actor=actor, handler=handler.name, text=handler.name)
    audit_log(actor=actor, action="complaints.complaint.accept", target=complaint, after={"handler": handler.pk})
    return complaint


@transaction.atomic
def complaint_decline(*, complaint: Complaint, reason: str, explanation: str, actor) -> Complaint:
    """不予受理, with the reason and an explanation the complainant reads."""
    complaint = common.locked(complaint)
    _require(access.may_intake(actor, complaint), _("Only the intake officers over this organization decide."))
    _require_status(complaint, Status.RECEIVED)
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": [_("Choose the reason.")]})
    explanation = _text(explanation, "explanation", REPLY_MIN, _("Explain the decision to the complainant."))
    complaint.status, complaint.decline_reason = Status.DECLINED, reason
    complaint.replied_on = timezone.localdate()
    _save(complaint, "status", "decline_reason", "replied_on")
    common.add_event(
        complaint, EventKind.DECLINED, actor=actor, text=f"{DeclineReason(reason).label}\n{explanation}", reason=reason
    )
    audit_log(actor=actor, action="complaints.complaint.decline", target=complaint, after={"reason": reason})
    return complaint


@transaction.atomic
def complaint_transfer(*, complaint: Complaint, handling_organization, reason: str, actor) -> Complaint:
    """To the organization that is competent after all; the period runs on (it is the same matter)."""
    complaint = common.locked(complaint)
    _require(
        access.may_intake(actor, complaint) or access.may_supervise(actor, complaint),
        _("Only intake officers and supervisors transfer complaints."),
    )
    _require_status(complaint, Status.ACCEPTED)
    handler = _handler(handling_organization)
    if handler.pk == complaint.handling_organization_id:
        raise ValidationError({"handling_organization": [_("It is already handled there.")]})
    reason = require_reason(reason, message=_("Give the reason for the transfer."))
    before = complaint.handling_organization_id
    complaint.handling_organization = handler
    _save(complaint, "handling_organization")
    common.add_event(
        complaint, EventKind.TRANSFERRED, actor=actor, text=f"{handler.name}: {reason}", handler=handler.name
    )
    audit_log(
        actor=actor,
        action="complaints.complaint.transfer",
        target=complaint,
        before={"handler": before},
        after={"handler": handler.pk, "reason": reason},
    )
    return complaint


@transaction.atomic
def complaint_extend(*, complaint: Complaint, days, reason: str, actor) -> Complaint:
    """Once, by at most the extension period, approved by the handling organization's head or a supervisor."""
    complaint = common.locked(complaint)
    _require(
        access.may_approve(actor, complaint), _("An extension is approved by the head of the handling organization.")
    )
    _require_status(complaint, Status.ACCEPTED)
    if complaint.extension_days:
        raise ValidationError(_("The handling period was extended once already."), code="illegal_transition")
    longest = deadlines.days_for(DeadlineKind.EXTENSION)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": [_("Give a whole number of days.")]}) from None
    if not 1 <= days <= longest:
        raise ValidationError({"days": [_("At most %(n)d days.") % {"n": longest}]})
    reason = require_reason(reason, message=_("Give the reason for the extension."))
    counted = complaint.periods[DeadlineKind.HANDLE]
    start = datetime.date.fromisoformat(counted["start"])
    complaint.extension_days = days
    complaint.handle_due = deadlines.count(complaint, DeadlineKind.HANDLE, start, int(counted["days"]) + days).due
    _save(complaint, "extension_days", "handle_due", "periods", "deadline_provisional")
    common.add_event(
        complaint, EventKind.EXTENDED, actor=actor, text=reason, days=days, due=complaint.handle_due.isoformat()
    )
    audit_log(
        actor=actor, action="complaints.complaint.extend", target=complaint, after={"days": days, "reason": reason}
    )
    return complaint


@transaction.atomic
def complaint_reply(*, complaint: Complaint, text: str, actor) -> Complaint:
    """The written reply (书面答复): the complainant may ask for a review within the review period."""
    complaint = common.locked(complaint)
    _require(access.may_handle(actor, complaint), _("Only the handling organization replies."))
    _require_status(complaint, Status.ACCEPTED)
    text = _text(text, "text", REPLY_MIN, _("Write the reply: what was found and what was done."))
    today = timezone.localdate()
    complaint.status, complaint.replied_on = Status.REPLIED, today
    complaint.review_request_due = deadlines.count(complaint, DeadlineKind.REVIEW_REQUEST, today).due
    _save(complaint, "status", "replied_on", "review_request_due", "periods", "deadline_provisional")
    common.add_event(complaint, EventKind.REPLIED, actor=actor, text=text)
    audit_log(actor=actor, action="complaints.complaint.reply", target=complaint)
    _follow(complaint, EventKind.REPLIED, text, actor)
    return complaint


@transaction.atomic
def complaint_review_answer(*, complaint: Complaint, text: str, actor) -> Complaint:
    complaint = common.locked(complaint)
    _require(
        access.may_approve(actor, complaint) or access.may_supervise(actor, complaint),
        _("A review is answered by the head of the handling organization or a supervisor."),
    )
    _require_status(complaint, Status.REVIEW_REQUESTED)
    text = _text(text, "text", REPLY_MIN, _("Write the answer to the review."))
    complaint.status, complaint.reviewed_on = Status.REVIEWED, timezone.localdate()
    _save(complaint, "status", "reviewed_on")
    common.add_event(complaint, EventKind.REVIEWED, actor=actor, text=text)
    audit_log(actor=actor, action="complaints.complaint.review_answer", target=complaint)
    _follow(complaint, EventKind.REVIEWED, text, actor)
    return complaint


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, reason: str, actor) -> Complaint:
    """A supervisor sends a closed matter back for handling; a new handling period runs from today."""
    complaint = common.locked(complaint)
    _require(access.may_supervise(actor, complaint), _("Only supervisors reopen complaints."))
    _require_status(complaint, Status.REPLIED, Status.REVIEWED, Status.DECLINED)
    reason = require_reason(reason, message=_("Give the reason for reopening."))
    if complaint.handling_organization is None:
        raise ValidationError(_("Accept and assign it first."), code="illegal_transition")
    today = timezone.localdate()
    complaint.status = Status.ACCEPTED
    complaint.accepted_on = complaint.accepted_on or today
    complaint.handle_due = deadlines.count(complaint, DeadlineKind.HANDLE, today).due
    complaint.extension_days, complaint.escalated_at = 0, None
    _save(
        complaint,
        "status",
        "accepted_on",
        "handle_due",
        "extension_days",
        "escalated_at",
        "periods",
        "deadline_provisional",
    )
    common.add_event(complaint, EventKind.REOPENED, actor=actor, text=reason)
    audit_log(actor=actor, action="complaints.complaint.reopen", target=complaint, after={"reason": reason})
    return complaint


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, reason: str, actor) -> Complaint:
    """To the supervisors over the handling organization (once; the overdue sweep does it too)."""
    complaint = common.locked(complaint)
    _require(
        actor is None or access.may_supervise(actor, complaint) or access.may_intake(actor, complaint),
        _("Only intake officers and supervisors escalate."),
    )
    if not complaint.is_open:
        raise ValidationError(_("Only an open complaint can be escalated."), code="illegal_transition")
    if complaint.escalated_at is not None:
        raise ValidationError(_("It was escalated already."), code="illegal_transition")
    reason = require_reason(reason, message=_("Give the reason for escalating."))
    complaint.escalated_at = timezone.now()
    _save(complaint, "escalated_at")
    common.add_event(complaint, EventKind.ESCALATED, actor=actor, text=reason, public=False)
    audit_log(actor=actor, action="complaints.complaint.escalate", target=complaint, after={"reason": reason})
    return complaint


@transaction.atomic
def complaint_note(*, complaint: Complaint, text: str, actor) -> None:
    complaint = common.locked(complaint)
    _require(
        access.may_handle(actor, complaint)
        or access.may_approve(actor, complaint)
        or access.may_intake(actor, complaint)
        or access.may_supervise(actor, complaint),
        _("You may not write in this complaint."),
    )
    text = _text(text, "text", 2, _("Write the note."))
    common.add_event(complaint, EventKind.NOTE, actor=actor, text=text, public=False)


@transaction.atomic
def complaint_merge(*, complaint: Complaint, into: Complaint, actor) -> Complaint:
    """One matter reported by many is handled once: `complaint` follows `into` from now on — its
    complainant reads the other's steps and replies with their own code."""
    complaint = common.locked(complaint)
    into = common.locked(into)
    _require(access.may_intake(actor, complaint) and access.may_intake(actor, into), _("Only intake officers merge."))
    _require_status(complaint, Status.RECEIVED)
    if into.pk == complaint.pk or into.organization_id != complaint.organization_id:
        raise ValidationError({"into": [_("Merge only into another complaint about the same organization.")]})
    if into.status == Status.MERGED:
        raise ValidationError({"into": [_("That complaint is itself merged; choose the one it follows.")]})
    complaint.status, complaint.merged_into = Status.MERGED, into
    _save(complaint, "status", "merged_into")
    common.add_event(
        complaint,
        EventKind.MERGED,
        actor=actor,
        text=_("The same matter was reported before: it is handled once, under %(code)s, and you follow it here.")
        % {"code": "…" + into.tracking_code[-4:]},
    )
    common.add_event(into, EventKind.MERGED, actor=actor, public=False, text=complaint.tracking_code)
    audit_log(actor=actor, action="complaints.complaint.merge", target=complaint, after={"into": into.pk})
    return complaint


def _follow(complaint: Complaint, kind: str, text: str, actor) -> None:
    """The complaints merged into this one read its reply as their own."""
    followers = list(Complaint.objects.filter(merged_into=complaint).only("pk", "tracking_code"))
    for follower in followers:
        common.add_event(follower, kind, actor=actor, text=text)
    if followers:
        Complaint.objects.filter(pk__in=[f.pk for f in followers]).update(
            replied_on=complaint.replied_on, updated_at=timezone.now()
        )
