"""The supervisor's part: confirm or dismiss with reasons, then publish, correct or withdraw. Atomic and
audited; an illegal move raises ValidationError(code="illegal_transition")."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import scope_for
from core.audit import actor_user, audit_log, snapshot
from core.choices import Action
from core.corrections import publish_correction
from core.publication import PublicationAction
from core.publicity import PublicityScheme
from core.publishing import apply_transition, ensure_allowed, ensure_four_eyes, require_reason
from organizations.models import Organization

from ..choices import (
    ObligationKind,
    RectificationState,
    SanctionStatus,
    Severity,
    Stage,
)
from ..models import DishonestyRecord, Obligation, Sanction
from . import common
from .closing import close_pending_repairs
from .records import CONTENT_FIELDS, PROPOSAL_FIELDS, apply_subject_names, clean_proposal, illegal, locked, payload_of

# By severity; these apply when no rule row exists (the migration loads them: the 2019 national rule).
PUBLICITY = PublicityScheme(
    "dishonesty", defaults={f"severity:{Severity.GENERAL}": (3, 12), f"severity:{Severity.SERIOUS}": (6, 36)}
)


# --- the ruling -----------------------------------------------------------------------------------


def publicity_keys(severity: str) -> list[str]:
    return [f"severity:{severity}"]


def apply_publicity(record: DishonestyRecord) -> list[str]:
    """The clock starts on the determination date; the minimum opens credit repair, the maximum ends it."""
    return PUBLICITY.apply(record, start=record.determined_on, keys=publicity_keys(record.severity))


def _ruling_open(record: DishonestyRecord) -> None:
    if record.stage not in (Stage.PROPOSED, Stage.OBJECTED):
        raise illegal(_("This record was already ruled on (%(stage)s).") % {"stage": Stage(record.stage).label.lower()})
    if record.objection_open:
        raise illegal(
            _("The subject may object until %(date)s; rule after that, or once they object or waive it.")
            % {"date": record.objection_deadline.isoformat()}
        )


@transaction.atomic
def record_confirm(
    *,
    record: DishonestyRecord,
    reason: str,
    actor,
    determined_on: datetime.date | None = None,
    severity: str | None = None,
    publication_allowed: bool = True,
    publication_restriction: str = "",
    explanation_required: bool = True,
    explanation_working_days: int | None = None,
    rectification_requirement: str = "",
    rectification_working_days: int | None = None,
) -> DishonestyRecord:
    """A supervisor confirms, with reasons; the written explanation and rectification start running."""
    record = locked(record)
    common.require_supervisor(actor, record)
    _ruling_open(record)
    ensure_four_eyes(
        record,
        actor,
        message=_("You proposed this record yourself; another supervisor must rule on it."),
        code="illegal_transition",
    )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    reason = require_reason(reason, message=_("Give the reasons for the confirmation."), errors=errors)
    determined_on = determined_on or today
    if determined_on > today:
        errors["determined_on"] = [_("The determination date cannot be in the future.")]
    elif determined_on < record.occurred_on:
        errors["determined_on"] = [_("The determination cannot predate what it is about.")]
    if severity and severity not in Severity.values:
        errors["severity"] = [_("Choose general or serious.")]
    publication_restriction = (publication_restriction or "").strip()
    if not publication_allowed:
        require_reason(
            publication_restriction,
            message=_("Say why this record may not be published."),
            field="publication_restriction",
            errors=errors,
        )
    if explanation_working_days is None:
        explanation_working_days = common.rules()["EXPLANATION_WORKING_DAYS"]
    if rectification_working_days is None:
        rectification_working_days = common.rules()["RECTIFICATION_WORKING_DAYS"]
    for name, days in (
        ("explanation_working_days", explanation_working_days),
        ("rectification_working_days", rectification_working_days),
    ):
        if not 1 <= days <= 250:
            errors[name] = [_("Between 1 and 250 working days.")]
    if errors:
        raise ValidationError(errors)
    record.stage, record.reason, record.ruled_at = Stage.CONFIRMED, reason, timezone.now()
    record.ruled_by = actor_user(actor)
    record.determined_on, record.severity = determined_on, severity or record.severity
    record.publication_allowed = publication_allowed
    record.publication_restriction = "" if publication_allowed else publication_restriction
    record.authority = ruling_authority(actor, record)
    record.authority_name = record.authority.name
    apply_publicity(record)
    obligations = []
    if explanation_required:
        obligations.append(
            (ObligationKind.EXPLANATION, _("Explain in writing how this came about."), explanation_working_days)
        )
    if (rectification_requirement or "").strip():
        obligations.append(
            (ObligationKind.RECTIFICATION, rectification_requirement.strip(), rectification_working_days)
        )
    for kind, requirement, days in obligations:
        due = common.deadline(today, days)
        Obligation.objects.create(
            record=record,
            kind=kind,
            requirement=requirement,
            working_days=days,
            counted_from=today,
            due_on=due.due,
            due_provisional=due.provisional,
        )
    record.rectification_state = RectificationState.IN_PROGRESS if obligations else RectificationState.NONE
    record.save()
    audit_log(
        actor=actor,
        action="dishonesty_record.confirm",
        target=record,
        after={
            "reason": reason,
            "determined_on": determined_on,
            "severity": record.severity,
            "publication_allowed": publication_allowed,
            "obligations": [kind for kind, _r, _d in obligations],
        },
    )
    common.notify_subject(
        record,
        kind="dishonesty.confirmed",
        subject=_("Record %(reference)s was confirmed") % {"reference": record.reference},
        body=_("Reasons: %(reason)s") % {"reason": reason},
        dedupe=f"dishonesty-confirmed-{record.pk}",
    )
    return record


def ruling_authority(actor, record: DishonestyRecord) -> Organization:
    """The supervising body that confirmed: the actor's own organization if it is in their jurisdiction."""
    organization_id = getattr(actor, "organization_id", None)
    if organization_id:
        organization = Organization.objects.get(pk=organization_id)
        if scope_for(actor, Action.SUPERVISE).covers(organization.path):
            return organization
    return record.subject_organization


@transaction.atomic
def record_dismiss(*, record: DishonestyRecord, reason: str, actor) -> DishonestyRecord:
    record = locked(record)
    common.require_supervisor(actor, record)
    if record.stage not in (Stage.PROPOSED, Stage.OBJECTED):
        raise illegal(_("This record was already ruled on (%(stage)s).") % {"stage": Stage(record.stage).label.lower()})
    reason = require_reason(reason, message=_("Give the reasons for the dismissal."))
    record.stage, record.reason, record.ruled_at, record.ruled_by = (
        Stage.DISMISSED,
        reason,
        timezone.now(),
        actor_user(actor),
    )
    record.save(update_fields=["stage", "reason", "ruled_at", "ruled_by", "updated_at"])
    audit_log(actor=actor, action="dishonesty_record.dismiss", target=record, after={"reason": reason})
    common.notify_subject(
        record,
        kind="dishonesty.dismissed",
        subject=_("Record %(reference)s was dismissed") % {"reference": record.reference},
        body=_("Reasons: %(reason)s") % {"reason": reason},
        dedupe=f"dishonesty-dismissed-{record.pk}",
    )
    return record


# --- publication ----------------------------------------------------------------------------------


@transaction.atomic
def record_publish(*, record: DishonestyRecord, actor) -> DishonestyRecord:
    record = locked(record)
    common.require_supervisor(actor, record)
    if record.stage != Stage.CONFIRMED:
        raise illegal(_("Only a confirmed record can be published."))
    if not record.publication_allowed:
        raise illegal(_("This record is not to be published: %(why)s") % {"why": record.publication_restriction})
    ensure_allowed(record, PublicationAction.PUBLISH)
    names = apply_subject_names(record)
    record.listed_on = timezone.localdate()
    apply_transition(
        record,
        action=PublicationAction.PUBLISH,
        actor=actor,
        payload_builder=payload_of,
        extra_fields=[*names, "listed_on"],
    )
    return record


@transaction.atomic
def record_withdraw(*, record: DishonestyRecord, reason: str, actor) -> DishonestyRecord:
    """A record found wrong (a judgment overturned, a determination revoked) leaves public view; its
    sanctions are lifted with the same reason. Nothing is deleted."""
    record = locked(record)
    common.require_supervisor(actor, record)
    reason = require_reason(reason, message=_("Give the reason for the withdrawal."))
    if record.stage != Stage.CONFIRMED:
        raise illegal(_("Only a confirmed record is withdrawn; a proposal is dismissed instead."))
    # Lifted before the withdrawal is announced: the documents it ledgers and pushes show no sanction.
    lifted = Sanction.objects.filter(record=record, status=SanctionStatus.ACTIVE)
    for sanction in lifted:
        sanction.status, sanction.lifted_at, sanction.lift_reason = SanctionStatus.LIFTED, timezone.now(), reason
        sanction.save(update_fields=["status", "lifted_at", "lift_reason", "updated_at"])
        audit_log(actor=actor, action="sanction.lift", target=sanction, after={"reason": reason})
    # Confirmed but never published (or not to be published) is withdrawn the same way: the transition
    # table allows it from a draft, and what was never announced goes to neither ledger nor platform.
    apply_transition(record, action=PublicationAction.WITHDRAW, actor=actor, reason=reason, payload_builder=payload_of)
    close_pending_repairs([record.pk], reason=_("The record was withdrawn: %(reason)s") % {"reason": reason})
    return record


@transaction.atomic
def record_correct(*, record: DishonestyRecord, data: dict, reason: str, actor) -> DishonestyRecord:
    """A published record changes as a new version; the earlier versions stay in its history."""
    record = locked(record)
    common.require_supervisor(actor, record)

    def change(record: DishonestyRecord) -> list[str]:
        # The subject stays who it is: a record about someone else is a new proposal.
        merged = {
            **{name: getattr(record, name) for name in PROPOSAL_FIELDS},
            **data,
            "subject_kind": record.subject_kind,
            "subject_organization": record.subject_organization,
            "civil_servant": record.civil_servant,
        }
        cleaned = clean_proposal(merged)
        for name in CONTENT_FIELDS:
            setattr(record, name, cleaned[name])
        return [*CONTENT_FIELDS, *apply_publicity(record)]

    publish_correction(
        record,
        reason=reason,
        actor=actor,
        audited=lambda r: snapshot(r, CONTENT_FIELDS),
        change=change,
        audit_action="dishonesty_record.update",
    )
    return record
