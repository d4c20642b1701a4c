"""Consequences of a confirmed record (§4): the written explanation and the rectification the subject owes,
and sanctions as data (notice of criticism, no honours until a date, referral for accountability).

The sanctions shown with a published record are part of its public and national documents
(national.shown_sanctions): imposing or lifting one is announced as a new version of the record, with
its ledger entry and national push, in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import actor_label, audit_log
from core.ledger import document_hash
from core.models import LedgerEntry
from core.publication import PublicationAction, PublicationStatus
from core.publishing import apply_transition, require_reason

from ..choices import (
    EvidenceStage,
    ObligationStatus,
    RectificationState,
    SanctionKind,
    SanctionStatus,
    Stage,
    SubmissionDecision,
)
from ..models import OPEN_OBLIGATION_STATUSES, DishonestyRecord, Obligation, Sanction, Submission
from ..national import SANCTION_FIELDS
from . import common
from .records import locked, payload_of
from .rulings import ruling_authority


def _locked_obligation(obligation: Obligation) -> Obligation:
    return (
        Obligation.objects.select_for_update(of=("self",))
        .select_related("record", "record__subject_organization")
        .get(pk=obligation.pk)
    )


def refresh_rectification_states(record_ids: Iterable[int], *, today: datetime.date | None = None) -> int:
    """One UPDATE: a record's rectification is rectified when every obligation is accepted, overdue when
    one is past due and not handed in, in progress otherwise. Idempotent."""
    today = today or timezone.localdate()
    record_ids = list(record_ids)
    if not record_ids:
        return 0
    counts = DishonestyRecord.objects.filter(pk__in=record_ids, stage=Stage.CONFIRMED).annotate(
        total=Count("obligations"),
        accepted=Count("obligations", filter=Q(obligations__status=ObligationStatus.ACCEPTED)),
        late=Count(
            "obligations",
            filter=Q(obligations__status__in=OPEN_OBLIGATION_STATUSES, obligations__due_on__lt=today),
        ),
    )
    states = {
        row["pk"]: (
            RectificationState.NONE
            if row["total"] == 0
            else RectificationState.RECTIFIED
            if row["accepted"] == row["total"]
            else RectificationState.OVERDUE
            if row["late"]
            else RectificationState.IN_PROGRESS
        )
        for row in counts.values("pk", "total", "accepted", "late")
    }
    if not states:
        return 0
    return DishonestyRecord.objects.filter(pk__in=list(states)).update(
        rectification_state=Case(*[When(pk=pk, then=Value(state)) for pk, state in states.items()]),
        updated_at=timezone.now(),
    )


# --- obligations ----------------------------------------------------------------------------------


@transaction.atomic
def obligation_submit(*, obligation: Obligation, text: str, actor, files=()) -> Submission:
    """The subject hands in its explanation or its rectification report, with evidence."""
    obligation = _locked_obligation(obligation)
    record = obligation.record
    common.require_subject_side(actor, record)
    if obligation.status not in OPEN_OBLIGATION_STATUSES:
        raise ValidationError(
            _("This is %(status)s; nothing can be handed in now.")
            % {"status": ObligationStatus(obligation.status).label.lower()},
            code="illegal_transition",
        )
    text = (text or "").strip()
    if len(text) < 10:
        raise ValidationError({"text": [_("Write what was done (at least ten characters).")]})
    files = common.check_files(files)
    submission = Submission.objects.create(obligation=obligation, text=text, submitted_by_label=actor_label(actor))
    common.attach_files(record, files, stage=EvidenceStage.SUBMISSION, actor=actor, submission=submission)
    obligation.status = ObligationStatus.SUBMITTED
    obligation.save(update_fields=["status", "updated_at"])
    refresh_rectification_states([record.pk])
    audit_log(actor=actor, action="obligation.submit", target=obligation, after={"submission": submission.pk})
    common.notify_supervisors(
        record,
        kind="dishonesty.submitted",
        subject=_("%(subject)s handed in: %(kind)s")
        % {"subject": record.subject_name, "kind": obligation.get_kind_display()},
        dedupe=f"dishonesty-submitted-{submission.pk}",
    )
    return submission


def _pending_submission(obligation: Obligation) -> Submission:
    if obligation.status != ObligationStatus.SUBMITTED:
        raise ValidationError(_("Nothing is waiting for review here."), code="illegal_transition")
    return obligation.submissions.select_for_update().filter(decision=SubmissionDecision.PENDING).latest("id")


@transaction.atomic
def obligation_accept(*, obligation: Obligation, actor, note: str = "") -> Obligation:
    obligation = _locked_obligation(obligation)
    common.require_supervisor(actor, obligation.record)
    submission = _pending_submission(obligation)
    now = timezone.now()
    submission.decision, submission.decided_at = SubmissionDecision.ACCEPTED, now
    submission.decided_by_label, submission.decision_note = actor_label(actor), (note or "").strip()
    submission.save()
    obligation.status, obligation.accepted_at = ObligationStatus.ACCEPTED, now
    obligation.save(update_fields=["status", "accepted_at", "updated_at"])
    refresh_rectification_states([obligation.record_id])
    audit_log(actor=actor, action="obligation.accept", target=obligation, after={"note": submission.decision_note})
    common.notify_subject(
        obligation.record,
        kind="dishonesty.accepted",
        subject=_("Accepted: %(kind)s for %(reference)s")
        % {"kind": obligation.get_kind_display(), "reference": obligation.record.reference},
        dedupe=f"dishonesty-accepted-{submission.pk}",
    )
    return obligation


@transaction.atomic
def obligation_return(
    *, obligation: Obligation, reason: str, actor, extra_working_days: int | None = None
) -> Obligation:
    """Not good enough: back to the subject with reasons, and optionally more time."""
    obligation = _locked_obligation(obligation)
    common.require_supervisor(actor, obligation.record)
    submission = _pending_submission(obligation)
    reason = require_reason(reason, message=_("Say what is missing."))
    if extra_working_days is not None and not 1 <= extra_working_days <= 250:
        raise ValidationError({"extra_working_days": [_("Between 1 and 250 working days.")]})
    submission.decision, submission.decided_at = SubmissionDecision.RETURNED, timezone.now()
    submission.decided_by_label, submission.decision_note = actor_label(actor), reason
    submission.save()
    obligation.status = ObligationStatus.RETURNED
    changed = ["status", "updated_at"]
    if extra_working_days:
        today = timezone.localdate()
        due = common.deadline(today, extra_working_days)
        obligation.due_on, obligation.due_provisional, obligation.escalated_at = due.due, due.provisional, None
        obligation.counted_from, obligation.working_days = today, extra_working_days
        changed += ["due_on", "due_provisional", "escalated_at", "counted_from", "working_days"]
    obligation.save(update_fields=changed)
    refresh_rectification_states([obligation.record_id])
    audit_log(
        actor=actor,
        action="obligation.return",
        target=obligation,
        after={"reason": reason, "due_on": obligation.due_on},
    )
    common.notify_subject(
        obligation.record,
        kind="dishonesty.returned",
        subject=_("Returned: %(kind)s for %(reference)s")
        % {"kind": obligation.get_kind_display(), "reference": obligation.record.reference},
        body=_("%(reason)s Due on %(date)s.") % {"reason": reason, "date": obligation.due_on},
        dedupe=f"dishonesty-returned-{submission.pk}",
    )
    return obligation


# --- sanctions ------------------------------------------------------------------------------------


def _announce_if_changed(record: DishonestyRecord, before: dict, *, actor, reason: str) -> None:
    """A published record whose documents a sanction changed gets a new version: ledgered and pushed like
    a correction. A draft shows its sanctions when it is published; a record that left public view keeps
    the ones it left with; a sanction the public is not shown (a civil servant's honours bar) changes
    nothing."""
    if record.status == PublicationStatus.PUBLISHED and payload_of(record) != before:
        apply_transition(
            record, action=PublicationAction.CORRECT, actor=actor, reason=reason, payload_builder=payload_of
        )


@transaction.atomic
def sanction_impose(
    *,
    record: DishonestyRecord,
    kind: str,
    reason: str,
    actor,
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
    notice_text: str = "",
    referred_to: str = "",
) -> Sanction:
    record = locked(record)
    common.require_supervisor(actor, record)
    if record.stage != Stage.CONFIRMED:
        raise ValidationError(_("Sanctions follow a confirmed record."), code="illegal_transition")
    if record.status == PublicationStatus.WITHDRAWN:
        # Withdrawal found the record wrong and lifted its sanctions; a new one would contradict it.
        raise ValidationError(_("A withdrawn record carries no sanctions."), code="illegal_transition")
    today = timezone.localdate()
    start_on = start_on or today
    errors: dict[str, list[str]] = {}
    if kind not in SanctionKind.values:
        errors["kind"] = [_("Choose the kind of sanction.")]
    reason = require_reason(reason, message=_("Give the reasons for the sanction."), errors=errors)
    if end_on is not None and end_on < start_on:
        errors["end_on"] = [_("A sanction cannot end before it starts.")]
    if kind == SanctionKind.HONOURS_INELIGIBILITY and end_on is None:
        errors["end_on"] = [_("Say until when honours and awards are barred.")]
    if kind == SanctionKind.NOTICE_OF_CRITICISM and len((notice_text or "").strip()) < 10:
        errors["notice_text"] = [_("Write the notice of criticism that will be published.")]
    if kind == SanctionKind.ACCOUNTABILITY_REFERRAL and not (referred_to or "").strip():
        errors["referred_to"] = [_("Name the body the case is referred to.")]
    if errors:
        raise ValidationError(errors)
    before = payload_of(record)
    sanction = Sanction.objects.create(
        record=record,
        kind=kind,
        authority=ruling_authority(actor, record),
        reason=reason,
        listed_on=today,
        start_on=start_on,
        end_on=end_on,
        notice_text=(notice_text or "").strip(),
        referred_to=(referred_to or "").strip(),
    )
    audit_log(
        actor=actor,
        action="sanction.impose",
        target=sanction,
        after={"kind": kind, "reason": reason, "start_on": start_on, "end_on": end_on},
    )
    _announce_if_changed(
        record,
        before,
        actor=actor,
        reason=_("Sanction imposed: %(kind)s. %(reason)s") % {"kind": sanction.get_kind_display(), "reason": reason},
    )
    common.notify_subject(
        record,
        kind="dishonesty.sanction",
        subject=_("%(kind)s: %(reference)s") % {"kind": sanction.get_kind_display(), "reference": record.reference},
        body=reason,
        dedupe=f"dishonesty-sanction-{sanction.pk}",
    )
    return sanction


@transaction.atomic
def sanction_lift(*, sanction: Sanction, reason: str, actor) -> Sanction:
    # The record first, as every service that changes it locks it: a new version may follow.
    record = locked(DishonestyRecord(pk=sanction.record_id))
    sanction = Sanction.objects.select_for_update(of=("self",)).get(pk=sanction.pk)
    sanction.record = record
    common.require_supervisor(actor, record)
    if sanction.status != SanctionStatus.ACTIVE:
        raise ValidationError(_("This sanction was already lifted."), code="illegal_transition")
    reason = require_reason(reason, message=_("Give the reason for lifting the sanction."))
    before = payload_of(record)
    sanction.status, sanction.lifted_at, sanction.lift_reason = SanctionStatus.LIFTED, timezone.now(), reason
    sanction.save(update_fields=["status", "lifted_at", "lift_reason", "updated_at"])
    audit_log(actor=actor, action="sanction.lift", target=sanction, after={"reason": reason})
    _announce_if_changed(
        record,
        before,
        actor=actor,
        reason=_("Sanction lifted: %(kind)s. %(reason)s") % {"kind": sanction.get_kind_display(), "reason": reason},
    )
    return sanction


def record_announce_sanctions(*, actor=None) -> tuple[int, list[int]]:
    """Once, after the upgrade that put the sanctions shown with a record into its documents: a published
    record that had them before announces a new version carrying them (ledger entry and push).

    Only where its latest ledger entry still matches the document without the sanction fields, so that no
    other change is covered up: those are left to verify_ledger. Idempotent. Returns (announced, left)."""
    announced, left = 0, []
    candidates = (
        DishonestyRecord.objects.filter(status=PublicationStatus.PUBLISHED, sanctions__status=SanctionStatus.ACTIVE)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    for record_id in list(candidates):
        with transaction.atomic():
            record = locked(DishonestyRecord(pk=record_id))
            latest = LedgerEntry.objects.filter(record_type=record.record_type, record_id=record.pk).order_by("-seq")
            ledgered = latest.values_list("document_hash", flat=True).first()
            document = payload_of(record)
            if record.status != PublicationStatus.PUBLISHED or ledgered == document_hash(document):
                continue
            without = {code: value for code, value in document.items() if code not in SANCTION_FIELDS}
            if ledgered is None or document_hash(without) != ledgered:
                left.append(record.pk)
                continue
            apply_transition(
                record,
                action=PublicationAction.CORRECT,
                actor=actor,
                reason=_("The sanctions shown with the record are now part of its published document."),
                payload_builder=payload_of,
            )
            announced += 1
    return announced, left


@transaction.atomic
def sanction_record_outcome(*, sanction: Sanction, outcome: str, outcome_on: datetime.date, actor) -> Sanction:
    """What the body a case was referred to decided (责任追究)."""
    sanction = (
        Sanction.objects.select_for_update(of=("self",))
        .select_related("record__subject_organization")
        .get(pk=sanction.pk)
    )
    common.require_supervisor(actor, sanction.record)
    if sanction.kind != SanctionKind.ACCOUNTABILITY_REFERRAL:
        raise ValidationError(_("Only a referral for accountability has an outcome."), code="illegal_transition")
    errors = {}
    outcome = require_reason(outcome, message=_("Describe the outcome."), field="outcome", errors=errors)
    if outcome_on is None or outcome_on > timezone.localdate():
        errors["outcome_on"] = [_("Give the date of the outcome (not in the future).")]
    elif outcome_on < sanction.listed_on:
        errors["outcome_on"] = [_("The outcome cannot predate the referral.")]
    if errors:
        raise ValidationError(errors)
    before = {"outcome": sanction.outcome, "outcome_on": sanction.outcome_on}
    sanction.outcome, sanction.outcome_on = outcome, outcome_on
    sanction.save(update_fields=["outcome", "outcome_on", "updated_at"])
    audit_log(
        actor=actor,
        action="sanction.outcome",
        target=sanction,
        before=before,
        after={"outcome": outcome, "outcome_on": outcome_on},
    )
    return sanction
