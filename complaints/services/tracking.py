"""The complainant's side, with the tracking code and the secret: follow the timeline, add information,
rate the handling, and ask once for a review within the review period."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log

from ..choices import DeadlineKind, EventKind, Status
from ..models import Complaint
from . import attachments, common, deadlines


def complaint_find(*, code: str, secret: str) -> Complaint | None:
    """The complaint whose code and secret these are, or None — the same work either way, so that a
    wrong code and a wrong secret cannot be told apart by time."""
    normalized = common.normalize_code(code)
    complaint = (
        Complaint.objects.select_related("organization", "handling_organization", "merged_into")
        .filter(tracking_code=normalized)
        .first()
        if normalized
        else None
    )
    if complaint is None:
        common.secret_digest(secret)  # the same HMAC as for a real code
        return None
    return complaint if common.secret_matches(complaint, secret) else None


def _followed(complaint: Complaint) -> Complaint:
    """A merged complaint is handled as the one it follows."""
    return complaint.merged_into if complaint.merged_into_id else complaint


@transaction.atomic
def complaint_add_information(*, complaint: Complaint, text: str, files=()) -> None:
    complaint = common.locked(complaint)
    if complaint.status not in (Status.RECEIVED, Status.ACCEPTED, Status.REVIEW_REQUESTED, Status.MERGED):
        raise ValidationError(
            _("The complaint is closed: information can no longer be added."), code="illegal_transition"
        )
    errors: dict = {}
    text = (text or "").strip()
    if "\ufffd" in text:
        errors["text"] = [_("Part of this text could not be read: send it in UTF-8.")]
    elif len(text) < 4 and not files:
        errors["text"] = [_("Write what you want to add.")]
    elif len(text) > 5000:
        errors["text"] = [_("At most %(n)d characters.") % {"n": 5000}]
    checked = attachments.check(files, errors)
    if errors:
        raise ValidationError(errors)
    event = common.add_event(complaint, EventKind.INFORMATION_ADDED, text=text)
    attachments.store(complaint, checked, event=event)
    if complaint.merged_into_id:
        common.add_event(
            complaint.merged_into, EventKind.INFORMATION_ADDED, text=text, public=False, via=complaint.tracking_code
        )
    audit_log(actor=None, action="complaints.complaint.add_information", target=complaint)


@transaction.atomic
def complaint_rate(*, complaint: Complaint, satisfaction, comment: str = "") -> Complaint:
    complaint = common.locked(complaint)
    followed = _followed(complaint)
    if followed.status not in (Status.REPLIED, Status.REVIEWED, Status.DECLINED):
        raise ValidationError(_("You can rate the handling once you have the reply."), code="illegal_transition")
    if complaint.satisfaction is not None:
        raise ValidationError(_("You rated the handling already."), code="illegal_transition")
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": [_("Choose from 1 (not at all satisfied) to 5 (very satisfied).")]})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": [_("At most %(n)d characters.") % {"n": 500}]})
    complaint.satisfaction, complaint.satisfaction_comment = satisfaction, comment
    complaint.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])
    common.add_event(complaint, EventKind.RATED, text=comment, satisfaction=satisfaction)
    audit_log(actor=None, action="complaints.complaint.rate", target=complaint, after={"satisfaction": satisfaction})
    return complaint


@transaction.atomic
def complaint_review_request(*, complaint: Complaint, reason: str) -> Complaint:
    """Once, within the review period after the written reply; answered within the review answer period."""
    complaint = common.locked(complaint)
    target = common.locked(_followed(complaint)) if complaint.merged_into_id else complaint
    if target.review_requested_on is not None:
        raise ValidationError(_("A review was asked for already: it can be asked for once."), code="illegal_transition")
    if target.status != Status.REPLIED:
        raise ValidationError(
            _("A review can be asked for once the written reply is given."), code="illegal_transition"
        )
    today = timezone.localdate()
    if target.review_request_due is not None and today > target.review_request_due:
        raise ValidationError(
            _("The period to ask for a review ended on %(date)s.") % {"date": target.review_request_due.isoformat()},
            code="too_late",
        )
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": [_("Say why the reply does not settle the matter (10 characters at least).")]})
    target.status, target.review_requested_on = Status.REVIEW_REQUESTED, today
    target.review_due = deadlines.count(target, DeadlineKind.REVIEW_ANSWER, today).due
    target.save(
        update_fields=["status", "review_requested_on", "review_due", "periods", "deadline_provisional", "updated_at"]
    )
    common.add_event(target, EventKind.REVIEW_REQUESTED, text=reason)
    if target.pk != complaint.pk:
        common.add_event(complaint, EventKind.REVIEW_REQUESTED, text=reason)
    audit_log(actor=None, action="complaints.complaint.review_request", target=target)
    return target
