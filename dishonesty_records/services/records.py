"""A record from proposal to publication: propose, object or waive, confirm or dismiss, publish, correct,
withdraw. Every function is atomic and audited; an illegal move raises ValidationError(code="illegal_transition")."""

from __future__ import annotations

import datetime

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import scope_for
from core.audit import actor_label, actor_user, audit_log, diff, snapshot
from core.calendar import WorkingCalendar, add_months
from core.choices import Action
from core.models import PublicityRule
from core.publication import PublicationAction
from core.publishing import apply_transition, ensure_allowed, publishable
from organizations.models import CivilServant, Organization

from ..choices import (
    Category,
    EvidenceStage,
    ObligationKind,
    Origin,
    RectificationState,
    SanctionStatus,
    Severity,
    SourceKind,
    Stage,
    SubjectKind,
)
from ..models import DishonestyRecord, Obligation, Sanction
from . import common

# Which fields a proposal sets and a correction may change.
CONTENT_FIELDS = [
    "category",
    "severity",
    "facts",
    "facts_summary",
    "occurred_on",
    "source_kind",
    "source_document_number",
    "source_issuing_body",
    "source_document_date",
]
PROPOSAL_FIELDS = ["subject_kind", "subject_organization", "civil_servant", *CONTENT_FIELDS]
# Used when no publicity rule row exists (the migration loads these: the 2019 national rule).
DEFAULT_PUBLICITY_MONTHS = {Severity.GENERAL: (3, 12), Severity.SERIOUS: (6, 36)}
PUBLICITY_RULE_TYPE = "dishonesty"


def payload_of(record: DishonestyRecord) -> dict:
    from ..national import to_national

    return to_national(record)


def illegal(message: str) -> ValidationError:
    return ValidationError(message, code="illegal_transition")


def locked(record: DishonestyRecord) -> DishonestyRecord:
    return (
        DishonestyRecord.objects.select_for_update(of=("self",))
        .select_related("subject_organization", "civil_servant", "authority")
        .get(pk=record.pk)
    )


# --- validation -----------------------------------------------------------------------------------


def clean_proposal(data: dict, *, today: datetime.date | None = None) -> dict:
    """Field-level errors for a proposal or a correction, in the user's language; nothing is saved."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    cleaned = {name: data.get(name) for name in PROPOSAL_FIELDS}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    kind = cleaned["subject_kind"]
    if kind not in SubjectKind.values:
        error("subject_kind", _("Choose whether the subject is a government body or a civil servant."))
    elif kind == SubjectKind.CIVIL_SERVANT:
        person = cleaned["civil_servant"]
        if not isinstance(person, CivilServant):
            error("civil_servant", _("Choose the civil servant."))
        else:
            cleaned["subject_organization"] = person.organization
    else:
        cleaned["civil_servant"] = None
        if not isinstance(cleaned["subject_organization"], Organization):
            error("subject_organization", _("Choose the government body."))
    if cleaned["category"] not in Category.values:
        error("category", _("Choose a category."))
    cleaned["severity"] = cleaned["severity"] or Severity.GENERAL
    if cleaned["severity"] not in Severity.values:
        error("severity", _("Choose general or serious."))
    for name in ("facts", "facts_summary", "source_document_number", "source_issuing_body"):
        cleaned[name] = (cleaned[name] or "").strip()
    if len(cleaned["facts"]) < 10:
        error("facts", _("Describe the facts (at least ten characters)."))
    if not cleaned["facts_summary"]:
        error("facts_summary", _("Give a summary of the facts: it is what the public sees."))
    elif len(cleaned["facts_summary"]) > 500:
        error("facts_summary", _("At most 500 characters."))
    if cleaned["source_kind"] not in SourceKind.values:
        error("source_kind", _("Choose who issued the source document."))
    if not cleaned["source_issuing_body"]:
        error("source_issuing_body", _("Name the body that issued the source document."))
    occurred = cleaned["occurred_on"]
    if not isinstance(occurred, datetime.date):
        error("occurred_on", _("Give the date it occurred."))
    elif occurred > today:
        error("occurred_on", _("The date it occurred cannot be in the future."))
    document_date = cleaned["source_document_date"]
    if document_date is not None:
        if not isinstance(document_date, datetime.date):
            error("source_document_date", _("Enter a valid date."))
        elif document_date > today:
            error("source_document_date", _("The document's date cannot be in the future."))
        elif isinstance(occurred, datetime.date) and document_date < occurred:
            error("source_document_date", _("The document cannot predate what it is about."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def apply_subject_names(record: DishonestyRecord) -> list[str]:
    """Name the subject as it is now (at proposal, and again when published)."""
    organization = record.subject_organization
    record.subject_organization_name = organization.name
    if record.civil_servant_id:
        person = record.civil_servant
        record.subject_name, record.subject_position, record.subject_uscc = person.name, person.position, ""
    else:
        record.subject_name, record.subject_position = organization.name, ""
        record.subject_uscc = organization.uscc or ""
    return ["subject_name", "subject_position", "subject_uscc", "subject_organization_name"]


# --- proposal and objection -----------------------------------------------------------------------


@transaction.atomic
def record_propose(*, data: dict, actor, origin: str | None = None, origin_record=None, files=()) -> DishonestyRecord:
    """Staff of the body itself, a supervisor, a breached pledge (actor None) or a substantiated complaint."""
    cleaned = clean_proposal(data)
    files = common.check_files(files)
    organization = cleaned["subject_organization"]
    origin = _origin_of(actor, organization, origin)
    origin_record = origin_record or _linked_record(data, actor)
    if actor is None and origin_record is None:
        raise PermissionDenied(
            _("A record without a person proposing it must name the pledge or complaint it comes from.")
        )
    today = timezone.localdate()
    objection = common.deadline(today, common.rules()["OBJECTION_WORKING_DAYS"])
    record = DishonestyRecord(
        **cleaned,
        origin=origin,
        objection_deadline=objection.due,
        objection_deadline_provisional=objection.provisional,
        created_by=actor_user(actor),
        created_by_label=actor_label(actor)[:200],
    )
    if origin_record is not None:
        record.origin_record_type, record.origin_record_id = origin_record.record_type, origin_record.pk
    apply_subject_names(record)
    record.save()
    common.attach_files(record, files, stage=EvidenceStage.PROPOSAL, actor=actor)
    audit_log(actor=actor, action="dishonesty_record.propose", target=record, after=snapshot(record, PROPOSAL_FIELDS))
    common.notify_subject(
        record,
        kind="dishonesty.proposed",
        subject=_("A dishonesty record was proposed against %(subject)s") % {"subject": record.subject_name},
        body=_("You may file an objection (申辩) until %(date)s.") % {"date": record.objection_deadline},
        dedupe=f"dishonesty-proposed-{record.pk}",
    )
    return record


def _linked_record(data: dict, actor):
    """The published record (a penalty, a licence, later a pledge) a proposal names as its source, if any:
    `origin_record_type` as registered in core.publishing and `origin_record_id`. A person may name only a
    record they can see, so that naming ids cannot probe other organizations' drafts."""
    record_type, record_id = data.get("origin_record_type") or "", data.get("origin_record_id")
    if not record_type and record_id in (None, ""):
        return None
    try:
        records = publishable(record_type).model.objects
        if actor is not None:
            records = records.for_user(actor, Action.VIEW)
        return records.get(pk=int(record_id))
    except LookupError:
        raise ValidationError({"origin_record_type": [_("Unknown kind of record.")]}) from None
    except (TypeError, ValueError, ObjectDoesNotExist):
        raise ValidationError({"origin_record_id": [_("No such record.")]}) from None


def _origin_of(actor, organization: Organization, origin: str | None = None) -> str:
    """How the proposal came about, and whether this actor may make it (PermissionDenied otherwise).

    A breached pledge may propose on its own (actor None, called by the pledge sweep); a substantiated
    complaint is proposed by a supervisor or a complaint intake officer over the body."""
    system_origins = (Origin.BREACHED_PLEDGE, Origin.COMPLAINT)
    if actor is None:
        if origin in system_origins:
            return origin
        raise PermissionDenied(_("A record without a person proposing it must come from a pledge or a complaint."))
    path = organization.path
    if scope_for(actor, Action.SUPERVISE).covers(path):
        derived = Origin.SUPERVISOR
    elif scope_for(actor, Action.CHANGE).covers(path):
        derived = Origin.STAFF
    elif origin == Origin.COMPLAINT and scope_for(actor, Action.INTAKE).covers(path):
        derived = Origin.COMPLAINT
    else:
        raise PermissionDenied(_("You may propose records only for your own organization or your jurisdiction."))
    return origin if origin in system_origins else derived


@transaction.atomic
def record_update(*, record: DishonestyRecord, data: dict, actor) -> DishonestyRecord:
    """Amend a proposal before the ruling (whoever may propose it); confirmed records are corrected instead."""
    record = locked(record)
    if record.stage not in (Stage.PROPOSED, Stage.OBJECTED):
        raise illegal(_("Only a proposal can be edited; a confirmed record is corrected after publication."))
    amending_as = _origin_of(actor, record.subject_organization)
    if record.origin != Origin.STAFF and amending_as != Origin.SUPERVISOR:
        # The body's own staff amend what they proposed; what came from a supervisor, a pledge or a
        # complaint is about them, so only a supervisor may change it before the ruling.
        raise PermissionDenied(
            _("Only a supervisor may amend a proposal made by a supervisor, a pledge or a complaint.")
        )
    before = snapshot(record, PROPOSAL_FIELDS)
    merged = {**{name: getattr(record, name) for name in PROPOSAL_FIELDS}, **data}
    cleaned = clean_proposal(merged)
    if cleaned["subject_organization"] != record.subject_organization:
        _origin_of(actor, cleaned["subject_organization"])
    for name, value in cleaned.items():
        setattr(record, name, value)
    apply_subject_names(record)
    record.save()
    changed_before, changed_after = diff(before, snapshot(record, PROPOSAL_FIELDS))
    if changed_after:
        audit_log(
            actor=actor, action="dishonesty_record.update", target=record, before=changed_before, after=changed_after
        )
    return record


@transaction.atomic
def record_object(*, record: DishonestyRecord, statement: str, actor, files=()) -> DishonestyRecord:
    """The subject's defence (申辩), within the objection period."""
    record = locked(record)
    common.require_subject_side(actor, record)
    if record.stage != Stage.PROPOSED or record.objection_waived_at:
        raise illegal(_("An objection can be filed only while a proposal awaits it."))
    if record.objection_deadline < timezone.localdate():
        raise illegal(_("The objection period ended on %(date)s.") % {"date": record.objection_deadline.isoformat()})
    statement = (statement or "").strip()
    if len(statement) < 10:
        raise ValidationError({"statement": [_("State your objection (at least ten characters).")]})
    files = common.check_files(files)
    record.stage, record.objection_statement, record.objected_at = Stage.OBJECTED, statement, timezone.now()
    record.save(update_fields=["stage", "objection_statement", "objected_at", "updated_at"])
    common.attach_files(record, files, stage=EvidenceStage.OBJECTION, actor=actor)
    audit_log(actor=actor, action="dishonesty_record.object", target=record, after={"statement": statement})
    common.notify_supervisors(
        record,
        kind="dishonesty.objected",
        subject=_("%(subject)s objected to record %(reference)s")
        % {"subject": record.subject_name, "reference": record.reference},
        dedupe=f"dishonesty-objected-{record.pk}",
    )
    return record


@transaction.atomic
def record_waive_objection(*, record: DishonestyRecord, actor) -> DishonestyRecord:
    """The subject declares it has no objection, so the ruling need not wait for the period to end."""
    record = locked(record)
    common.require_subject_side(actor, record)
    if record.stage != Stage.PROPOSED or record.objection_waived_at:
        raise illegal(_("Only an open objection period can be waived."))
    record.objection_waived_at = timezone.now()
    record.save(update_fields=["objection_waived_at", "updated_at"])
    audit_log(actor=actor, action="dishonesty_record.waive_objection", target=record)
    return record


# --- the ruling -----------------------------------------------------------------------------------


def publicity_months(severity: str) -> tuple[int, int]:
    found = PublicityRule.objects.filter(record_type=PUBLICITY_RULE_TYPE, key=f"severity:{severity}").first()
    return (found.min_months, found.max_months) if found else DEFAULT_PUBLICITY_MONTHS[severity]


def apply_publicity(record: DishonestyRecord) -> list[str]:
    """The clock starts on the determination date; the minimum opens credit repair, the maximum ends it."""
    low, high = publicity_months(record.severity)
    record.publicity_min_ends_on = add_months(record.determined_on, low)
    record.publicity_ends_on = add_months(record.determined_on, high)
    return ["publicity_min_ends_on", "publicity_ends_on"]


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
    if record.created_by_label and record.created_by_label == actor_label(actor):
        raise illegal(_("You proposed this record yourself; another supervisor must rule on it."))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if len(reason) < 4:
        errors["reason"] = [_("Give the reasons for the confirmation.")]
    determined_on = determined_on or today
    if determined_on > today:
        errors["determined_on"] = [_("The determination date cannot be in the future.")]
    elif determined_on < record.occurred_on:
        errors["determined_on"] = [_("The determination cannot predate what it is about.")]
    if severity and severity not in Severity.values:
        errors["severity"] = [_("Choose general or serious.")]
    publication_restriction = (publication_restriction or "").strip()
    if not publication_allowed and len(publication_restriction) < 4:
        errors["publication_restriction"] = [_("Say why this record may not be published.")]
    explanation_working_days = explanation_working_days or common.rules()["EXPLANATION_WORKING_DAYS"]
    rectification_working_days = rectification_working_days or common.rules()["RECTIFICATION_WORKING_DAYS"]
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
    reason = common.require_reason(reason, message=_("Give the reasons for the dismissal."))
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
    reason = common.require_reason(reason, message=_("Give the reason for the withdrawal."))
    apply_transition(record, action=PublicationAction.WITHDRAW, actor=actor, reason=reason, payload_builder=payload_of)
    lifted = Sanction.objects.filter(record=record, status=SanctionStatus.ACTIVE)
    for sanction in lifted:
        sanction.status, sanction.lifted_at, sanction.lift_reason = SanctionStatus.LIFTED, timezone.now(), reason
        sanction.save(update_fields=["status", "lifted_at", "lift_reason", "updated_at"])
        audit_log(actor=actor, action="sanction.lift", target=sanction, after={"reason": reason})
    return record


@transaction.atomic
def record_correct(*, record: DishonestyRecord, data: dict, reason: str, actor) -> DishonestyRecord:
    """A published record changes as a new version; the earlier versions stay in its history."""
    record = locked(record)
    common.require_supervisor(actor, record)
    reason = common.require_reason(reason, message=_("Say what was wrong and what the correction changes."))
    ensure_allowed(record, PublicationAction.CORRECT)
    before = snapshot(record, CONTENT_FIELDS)
    merged = {**{name: getattr(record, name) for name in PROPOSAL_FIELDS}, **data}
    merged["subject_kind"], merged["subject_organization"], merged["civil_servant"] = (
        record.subject_kind,
        record.subject_organization,
        record.civil_servant,
    )
    cleaned = clean_proposal(merged)
    for name in CONTENT_FIELDS:
        setattr(record, name, cleaned[name])
    changed_before, changed_after = diff(before, snapshot(record, CONTENT_FIELDS))
    if not changed_after:
        raise ValidationError(_("Nothing was changed."), code="no_change")
    publicity = apply_publicity(record)
    audit_log(actor=actor, action="dishonesty_record.update", target=record, before=changed_before, after=changed_after)
    apply_transition(
        record,
        action=PublicationAction.CORRECT,
        actor=actor,
        reason=reason,
        payload_builder=payload_of,
        extra_fields=[*CONTENT_FIELDS, *publicity],
    )
    return record


def recompute_deadlines(years) -> int:
    """After holidays were added: recount open objection periods, obligations and repair reviews that
    were counted in (or just before) those years."""
    from ..models import RepairApplication
    from .consequences import refresh_rectification_states

    years = sorted(set(years))
    if not years:
        return 0
    start, end = datetime.date(years[0] - 1, 11, 1), datetime.date(years[-1], 12, 31)
    calendar = WorkingCalendar.load(start, end + datetime.timedelta(days=400))
    moved = 0
    rules = common.rules()
    proposals = DishonestyRecord.objects.filter(stage=Stage.PROPOSED, created_at__date__range=(start, end))
    for record in proposals.only("id", "created_at", "objection_deadline", "objection_deadline_provisional"):
        counted = calendar.add_working_days(timezone.localdate(record.created_at), rules["OBJECTION_WORKING_DAYS"])
        if (counted.due, counted.provisional) != (record.objection_deadline, record.objection_deadline_provisional):
            DishonestyRecord.objects.filter(pk=record.pk).update(
                objection_deadline=counted.due, objection_deadline_provisional=counted.provisional
            )
            moved += 1
    # Counted from the confirmation or from the return that gave more time (rows made before
    # counted_from existed: from their creation).
    obligations = Obligation.objects.open().filter(
        Q(counted_from__range=(start, end)) | Q(counted_from__isnull=True, created_at__date__range=(start, end))
    )
    touched = set()
    fields = ("id", "record_id", "created_at", "counted_from", "working_days", "due_on", "due_provisional")
    for obligation in obligations.only(*fields):
        counted_from = obligation.counted_from or timezone.localdate(obligation.created_at)
        counted = calendar.add_working_days(counted_from, obligation.working_days)
        if (counted.due, counted.provisional) != (obligation.due_on, obligation.due_provisional):
            Obligation.objects.filter(pk=obligation.pk).update(due_on=counted.due, due_provisional=counted.provisional)
            touched.add(obligation.record_id)
            moved += 1
    repairs = RepairApplication.objects.pending().filter(created_at__date__range=(start, end))
    for application in repairs.only("id", "created_at", "review_due_on", "review_due_provisional"):
        counted = calendar.add_working_days(
            timezone.localdate(application.created_at), rules["REPAIR_REVIEW_WORKING_DAYS"]
        )
        if (counted.due, counted.provisional) != (application.review_due_on, application.review_due_provisional):
            RepairApplication.objects.filter(pk=application.pk).update(
                review_due_on=counted.due, review_due_provisional=counted.provisional
            )
            moved += 1
    if touched:
        refresh_rectification_states(touched)
    return moved
