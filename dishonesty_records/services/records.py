"""A record from proposal to the ruling: propose, amend, object (申辩) or waive. Every function is atomic and
audited; an illegal move raises ValidationError(code="illegal_transition")."""

from __future__ import annotations

import datetime

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import scope_for
from core.audit import audit_log, diff, snapshot
from core.choices import Action
from core.principals import creator_fields
from core.publishing import publishable
from organizations.models import CivilServant, Organization

from ..choices import (
    Category,
    EvidenceStage,
    Origin,
    Severity,
    SourceKind,
    Stage,
    SubjectKind,
)
from ..models import DishonestyRecord, Evidence
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
        **creator_fields(actor),
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
    """The subject's defence (申辩), within the objection period: by the body's staff, or in person by the
    civil servant the record is about."""
    record = locked(record)
    common.require_subject_or_person(actor, record)
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


def evidence_open(*, evidence: Evidence, actor):
    """Open an evidence file for a principal already shown to be in scope; every download is audited."""
    audit_log(actor=actor, action="evidence.download", target=evidence, after={"record": evidence.record_id})
    return evidence.file.open("rb")
