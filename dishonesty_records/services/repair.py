"""Credit repair (信用修复): the subject applies after the minimum publicity period with evidence of
rectification; a supervisor decides within 10 working days, with reasons. On approval the record leaves
public view (kept inside), a ledger entry is appended and the repair is pushed to the national platform."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import actor_label, actor_user, audit_log
from core.publication import PublicationAction, PublicationStatus
from core.publishing import apply_transition, require_reason
from core.services import notify
from organizations.choices import Role
from organizations.selectors import users_with_role

from ..choices import EvidenceStage, RectificationState, RepairStatus
from ..models import DishonestyRecord, RepairApplication
from . import common
from .records import locked, payload_of


def repair_refusal(record: DishonestyRecord, *, today=None) -> str | None:
    """Why the subject cannot apply today, or None. Pages show it before anyone fills in a form."""
    today = today or timezone.localdate()
    if record.status != PublicationStatus.PUBLISHED:
        return _("Only a published record can be repaired.")
    if record.publicity_min_ends_on and today < record.publicity_min_ends_on:
        return _("Credit repair can be applied for from %(date)s, when the minimum publicity period ends.") % {
            "date": record.publicity_min_ends_on.isoformat()
        }
    if record.rectification_state in (RectificationState.IN_PROGRESS, RectificationState.OVERDUE):
        return _("The written explanation and the rectification must be accepted first.")
    if RepairApplication.objects.filter(record=record, status=RepairStatus.SUBMITTED).exists():
        return _("An application is already under review.")
    return None


@transaction.atomic
def repair_apply(*, record: DishonestyRecord, statement: str, actor, files=()) -> RepairApplication:
    record = locked(record)
    common.require_subject_side(actor, record)
    refusal = repair_refusal(record)
    if refusal:
        raise ValidationError(refusal, code="illegal_transition")
    statement = (statement or "").strip()
    errors = {}
    if len(statement) < 10:
        errors["statement"] = [_("Describe the rectification and why credit should be restored.")]
    try:
        files = common.check_files(files, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    review = common.deadline(today, common.rules()["REPAIR_REVIEW_WORKING_DAYS"])
    try:
        with transaction.atomic():
            application = RepairApplication.objects.create(
                record=record,
                statement=statement,
                submitted_by=actor_user(actor),
                submitted_by_label=actor_label(actor)[:200],
                review_due_on=review.due,
                review_due_provisional=review.provisional,
            )
    except IntegrityError:  # two applications raced past the check above
        raise ValidationError(_("An application is already under review."), code="illegal_transition") from None
    common.attach_files(record, files, stage=EvidenceStage.REPAIR, actor=actor, repair_application=application)
    audit_log(actor=actor, action="repair.apply", target=application, after={"review_due_on": review.due})
    common.notify_supervisors(
        record,
        kind="dishonesty.repair_applied",
        subject=_("Credit repair applied for: %(reference)s") % {"reference": record.reference},
        body=_("Decide by %(date)s.") % {"date": review.due},
        dedupe=f"dishonesty-repair-{application.pk}",
    )
    return application


def _locked_application(application: RepairApplication) -> RepairApplication:
    application = RepairApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.status != RepairStatus.SUBMITTED:
        raise ValidationError(
            _("This application was already decided (%(status)s).")
            % {"status": RepairStatus(application.status).label.lower()},
            code="illegal_transition",
        )
    return application


def _decide(application: RepairApplication, *, status: str, reason: str, actor) -> None:
    today = timezone.localdate()
    application.status, application.decided_at = status, timezone.now()
    application.decided_by_label, application.decision_reason = actor_label(actor)[:200], reason
    application.result_shared_by = common.deadline(today, common.rules()["REPAIR_RESULT_SHARE_WORKING_DAYS"]).due
    application.save()


@transaction.atomic
def repair_approve(*, application: RepairApplication, reason: str, actor) -> RepairApplication:
    application = _locked_application(application)
    record = locked(application.record)
    common.require_supervisor(actor, record)
    reason = require_reason(reason, message=_("Give the reasons for the decision."))
    _decide(application, status=RepairStatus.APPROVED, reason=reason, actor=actor)
    apply_transition(record, action=PublicationAction.REPAIR, actor=actor, reason=reason, payload_builder=payload_of)
    audit_log(actor=actor, action="repair.approve", target=application, after={"reason": reason})
    _tell_applicant_and_deciding_unit(application, record, approved=True)
    return application


@transaction.atomic
def repair_reject(*, application: RepairApplication, reason: str, actor) -> RepairApplication:
    application = _locked_application(application)
    record = application.record
    common.require_supervisor(actor, record)
    reason = require_reason(reason, message=_("Give the reasons for the decision."))
    _decide(application, status=RepairStatus.REJECTED, reason=reason, actor=actor)
    audit_log(actor=actor, action="repair.reject", target=application, after={"reason": reason})
    _tell_applicant_and_deciding_unit(application, record, approved=False)
    return application


def _tell_applicant_and_deciding_unit(application, record, *, approved: bool) -> None:
    subject = (
        _("Credit repair approved: %(reference)s") if approved else _("Credit repair refused: %(reference)s")
    ) % {"reference": record.reference}
    common.notify_subject(
        record,
        kind="dishonesty.repair_decided",
        subject=subject,
        body=application.decision_reason,
        dedupe=f"dishonesty-repair-decided-{application.pk}",
    )
    if record.authority_id:
        notify(
            recipients=users_with_role(record.authority, Role.SUPERVISOR),
            kind="dishonesty.repair_decided",
            subject=subject,
            body=application.decision_reason,
            link=common.record_link(record),
            dedupe_key=f"dishonesty-repair-shared-{application.pk}",
        )
