"""How a pledge ends: kept, partly kept, broken, or changed by lawful procedure; and how it is judged.

A broken pledge — and a change made without lawful procedure — is a failure of integrity (§5): it proposes
a dishonesty record through the dishonesty-records services, naming the pledge as its origin.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import actor_label, audit_log
from core.publishing import require_reason
from dishonesty_records.choices import Category, Origin, Severity, SourceKind, SubjectKind
from dishonesty_records.services import record_propose

from ..choices import INVESTMENT_KINDS, Fulfilment, LawfulGround, PledgeKind, PPPStage
from ..models import Pledge, PPPResponsibility
from .pledges import announce, locked, require_staff, require_supervisor

SETTLEMENTS = {Fulfilment.FULFILLED, Fulfilment.PARTLY_FULFILLED, Fulfilment.BREACHED}


def _require_open(pledge: Pledge) -> None:
    if not pledge.is_open:
        raise ValidationError(
            _("This pledge is already settled (%(fulfilment)s).") % {"fulfilment": pledge.get_fulfilment_display()},
            code="illegal_transition",
        )


@transaction.atomic
def pledge_settle(
    *,
    pledge: Pledge,
    outcome: str,
    note: str,
    actor,
    on: datetime.date | None = None,
    breach_stage: str = "",
    breach_occurred_on: datetime.date | None = None,
):
    """A supervisor records how the pledge ended. Fulfilled needs the work done (100 %); breached proposes a
    dishonesty record against the pledging body (returned with the pledge). A broken PPP duty names the
    project stage and the day it failed: it is traced to whoever answered for that stage then."""
    pledge = locked(pledge)
    require_supervisor(actor, pledge)
    _require_open(pledge)
    errors: dict[str, list[str]] = {}
    answerable = None
    if outcome == Fulfilment.BREACHED and pledge.kind == PledgeKind.PPP_DUTY:
        if breach_stage not in PPPStage.values:
            errors["breach_stage"] = [_("Name the project stage in which the duty was broken.")]
        breach_occurred_on = breach_occurred_on or on or timezone.localdate()
        if breach_occurred_on > timezone.localdate():
            errors["breach_occurred_on"] = [_("A breach cannot have happened in the future.")]
        elif breach_occurred_on < pledge.starts_on:
            errors["breach_occurred_on"] = [_("The breach happened before the duty began.")]
        if not errors:
            answerable = answerable_for(pledge, breach_stage, breach_occurred_on)
    if outcome not in SETTLEMENTS:
        errors["outcome"] = [_("Choose fulfilled, partly fulfilled or breached.")]
    elif outcome == Fulfilment.FULFILLED and pledge.progress < 100 and not pledge.indicator:
        errors["outcome"] = [
            _("Progress is %(progress)s %%: a pledge is fulfilled when the work is done.")
            % {"progress": pledge.progress}
        ]
    note = require_reason(note, message=_("Say how the pledge was kept or broken."), field="note", errors=errors)
    if errors:
        raise ValidationError(errors)
    before = pledge.fulfilment
    pledge.fulfilment, pledge.settled_on, pledge.settlement_note = outcome, on or timezone.localdate(), note
    fields = ["fulfilment", "settled_on", "settlement_note"]
    traced = {}
    if outcome == Fulfilment.BREACHED and pledge.kind == PledgeKind.PPP_DUTY:
        pledge.breach_stage, pledge.breach_occurred_on, pledge.breach_answerable = (
            breach_stage,
            breach_occurred_on,
            answerable,
        )
        fields += ["breach_stage", "breach_occurred_on", "breach_answerable"]
        traced = {
            "breach_stage": breach_stage,
            "breach_occurred_on": breach_occurred_on.isoformat(),
            "answerable": answerable.person_name if answerable else None,
        }
    audit_log(
        actor=actor,
        action="commitments.pledge.settle",
        target=pledge,
        before={"fulfilment": before},
        after={"fulfilment": outcome, "note": note, **traced},
    )
    announce(pledge, reason=note, actor=actor, fields=fields)
    record = propose_dishonesty_record(pledge, facts=note) if outcome == Fulfilment.BREACHED else None
    return pledge, record


@transaction.atomic
def pledge_change_lawfully(
    *, pledge: Pledge, ground: str, approved_by: str, document: str, reason: str, actor, compensation: str = ""
) -> Pledge:
    """A promise changed by lawful procedure (§12): the legal ground, the approving authority and its
    document, and for an investment promise or contract the compensation for the companies' losses.
    Without them the change is refused; a change made anyway is recorded as a breach (pledge_settle)."""
    pledge = locked(pledge)
    require_supervisor(actor, pledge)
    _require_open(pledge)
    errors: dict[str, list[str]] = {}
    if ground not in LawfulGround.values:
        errors["ground"] = [
            _("Choose the legal ground: national interest, public interest or another statutory ground.")
        ]
    approved_by, document, compensation = (
        (approved_by or "").strip(),
        (document or "").strip(),
        (compensation or "").strip(),
    )
    if not approved_by:
        errors["approved_by"] = [_("Name the authority that approved the change.")]
    if not document:
        errors["document"] = [_("Give the number of the approval document.")]
    if pledge.kind in INVESTMENT_KINDS and len(compensation) < 4:
        errors["compensation"] = [
            _("A changed investment promise or contract compensates the companies' losses: say how.")
        ]
    reason = require_reason(reason, message=_("Say what changes and why."), errors=errors)
    if errors:
        raise ValidationError(errors)
    pledge.fulfilment = Fulfilment.CHANGED_LAWFULLY
    pledge.settled_on = timezone.localdate()
    pledge.change_ground, pledge.change_approved_by, pledge.change_document = ground, approved_by, document
    pledge.change_compensation, pledge.change_reason = compensation, reason
    fields = ["fulfilment", "settled_on", "change_ground", "change_approved_by", "change_document"]
    fields += ["change_compensation", "change_reason"]
    audit_log(
        actor=actor,
        action="commitments.pledge.change",
        target=pledge,
        after={
            name: getattr(pledge, name) if name != "settled_on" else pledge.settled_on.isoformat() for name in fields
        },
    )
    announce(pledge, reason=reason, actor=actor, fields=fields)
    return pledge


@transaction.atomic
def pledge_evaluate(*, pledge: Pledge, score, comment: str, actor) -> Pledge:
    """承诺兑现评价: a supervisor's score (0–100) and comment on how the pledge is being kept."""
    pledge = locked(pledge)
    require_supervisor(actor, pledge)
    errors: dict[str, list[str]] = {}
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = None
    if score is None or not 0 <= score <= 100:
        errors["score"] = [_("Give a score from 0 to 100.")]
    comment = require_reason(comment, message=_("Explain the score."), field="comment", errors=errors)
    if errors:
        raise ValidationError(errors)
    before = {"score": pledge.evaluation_score, "comment": pledge.evaluation_comment}
    pledge.evaluation_score, pledge.evaluation_comment = score, comment
    pledge.evaluated_at, pledge.evaluated_by_label = timezone.now(), actor_label(actor)[:200]
    pledge.save(update_fields=["evaluation_score", "evaluation_comment", "evaluated_at", "evaluated_by_label"])
    audit_log(
        actor=actor,
        action="commitments.pledge.evaluate",
        target=pledge,
        before=before,
        after={"score": score, "comment": comment},
    )
    return pledge


def propose_dishonesty_record(pledge: Pledge, *, facts: str):
    """The broken pledge as a proposed dishonesty record against the pledging body (the pledge its origin)."""
    category = Category.INVESTMENT_PROMOTION if pledge.kind in INVESTMENT_KINDS else Category.BREACHED_PLEDGE
    summary = _("Pledge %(reference)s “%(title)s” was broken.") % {"reference": pledge.reference, "title": pledge.title}
    if pledge.breach_answerable_id:
        # Kept inside the record's facts (never published of a person): who answered for the stage then.
        facts = _("%(facts)s\nStage: %(stage)s, on %(day)s; answerable then: %(person)s.") % {
            "facts": facts,
            "stage": pledge.get_breach_stage_display(),
            "day": pledge.breach_occurred_on.isoformat(),
            "person": pledge.breach_answerable.person_name,
        }
    return record_propose(
        data={
            "subject_kind": SubjectKind.ORGANIZATION,
            "subject_organization": pledge.organization,
            "civil_servant": None,
            "category": category,
            "severity": Severity.GENERAL,
            "facts": f"{summary}\n{facts}",
            "facts_summary": summary[:500],
            "occurred_on": min(pledge.settled_on or timezone.localdate(), timezone.localdate()),
            "source_kind": SourceKind.PLEDGE,
            "source_issuing_body": pledge.organization.name,
            "source_document_number": pledge.reference,
            "source_document_date": None,
        },
        actor=None,
        origin=Origin.BREACHED_PLEDGE,
        origin_record=pledge,
    )


@transaction.atomic
def ppp_responsibility_assign(
    *, pledge: Pledge, stage: str, person_name: str, from_on: datetime.date, actor, civil_servant=None
) -> PPPResponsibility:
    """Who answers for a PPP project's stage from a date; whoever answered before hands over that day."""
    pledge = locked(pledge)
    require_staff(actor, pledge)
    errors: dict[str, list[str]] = {}
    if stage not in PPPStage.values:
        errors["stage"] = [_("Choose the project stage.")]
    person_name = (person_name or (civil_servant.name if civil_servant else "")).strip()
    if not person_name:
        errors["person_name"] = [_("Name the responsible person.")]
    if not isinstance(from_on, datetime.date):
        errors["from_on"] = [_("Give the date the responsibility starts.")]
    if civil_servant is not None and civil_servant.organization_id != pledge.organization_id:
        errors["civil_servant"] = [_("The responsible person serves in the pledging body.")]
    current = (
        PPPResponsibility.objects.select_for_update()
        .filter(pledge=pledge, stage=stage, until_on__isnull=True)
        .order_by("-from_on")
        .first()
    )
    if current is not None and isinstance(from_on, datetime.date) and from_on < current.from_on:
        errors["from_on"] = [_("The responsibility cannot start before the current one's.")]
    if errors:
        raise ValidationError(errors)
    if current is not None:
        current.until_on = from_on
        current.save(update_fields=["until_on", "updated_at"])
    responsibility = PPPResponsibility.objects.create(
        pledge=pledge, stage=stage, person_name=person_name, civil_servant=civil_servant, from_on=from_on
    )
    audit_log(
        actor=actor,
        action="commitments.ppp.assign",
        target=pledge,
        after={"stage": stage, "person": person_name, "from": from_on.isoformat()},
    )
    return responsibility


def answerable_for(pledge: Pledge, stage: str, on: datetime.date) -> PPPResponsibility | None:
    """项目责任回溯: who answered for the stage on that day."""
    return (
        PPPResponsibility.objects.filter(pledge=pledge, stage=stage, from_on__lte=on)
        .exclude(until_on__lt=on)
        .order_by("-from_on", "-id")
        .first()
    )
