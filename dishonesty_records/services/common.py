"""What the record, consequence and repair services share: who may act, deadlines, evidence files."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.access import scope_for
from core.audit import actor_label
from core.calendar import Deadline, add_working_days
from core.choices import Action
from core.services import notify
from core.uploads import stored_facts, upload_problems
from organizations.choices import Role
from organizations.selectors import supervisors_over, users_with_role

from ..models import DishonestyRecord, Evidence


def rules() -> dict:
    return settings.DISHONESTY_RECORDS


def deadline(start: datetime.date, working_days: int) -> Deadline:
    return add_working_days(start, working_days)


# --- who may act ----------------------------------------------------------------------------------


def acts_for_subject(actor, record: DishonestyRecord) -> bool:
    """Staff and reviewers of the body the record is about answer for it: object, explain, rectify, apply."""
    path = record.subject_organization.path
    return scope_for(actor, Action.CHANGE).covers(path) or scope_for(actor, Action.REVIEW).covers(path)


def is_the_person(actor, record: DishonestyRecord) -> bool:
    """The civil servant the record is about, signed in with their own account (self-service)."""
    person = getattr(actor, "civil_servant_id", None)
    return bool(person) and record.civil_servant_id == person


def require_subject_or_person(actor, record: DishonestyRecord) -> None:
    """An objection (申辩) may come from the body's staff or, for a record about a civil servant, in person."""
    if not (acts_for_subject(actor, record) or is_the_person(actor, record)):
        raise PermissionDenied(_("Only the person this record is about, or their organization's staff, may object."))


def supervises(actor, record: DishonestyRecord) -> bool:
    return scope_for(actor, Action.SUPERVISE).covers(record.subject_organization.path)


def require_subject_side(actor, record: DishonestyRecord) -> None:
    if not acts_for_subject(actor, record):
        raise PermissionDenied(_("Only the staff of the organization this record is about may do this."))


def require_supervisor(actor, record: DishonestyRecord) -> None:
    if not supervises(actor, record):
        raise PermissionDenied(_("Only a supervisor whose jurisdiction covers this organization may do this."))


# --- notices --------------------------------------------------------------------------------------


def subject_side_users(record: DishonestyRecord) -> list:
    organization = record.subject_organization
    return [*users_with_role(organization, Role.STAFF), *users_with_role(organization, Role.REVIEWER)]


def notify_subject(record: DishonestyRecord, *, kind: str, subject: str, body: str = "", dedupe: str = "") -> None:
    notify(
        recipients=subject_side_users(record),
        kind=kind,
        subject=subject,
        body=body,
        link=record_link(record),
        dedupe_key=dedupe,
        email=True,
    )


def notify_supervisors(record: DishonestyRecord, *, kind: str, subject: str, body: str = "", dedupe: str = "") -> None:
    notify(
        recipients=supervisors_over(record.subject_organization),
        kind=kind,
        subject=subject,
        body=body,
        link=record_link(record),
        dedupe_key=dedupe,
        email=True,
    )


def record_link(record: DishonestyRecord) -> str:
    return f"/staff/dishonesty-records/{record.pk}/"


# --- evidence files -------------------------------------------------------------------------------


def check_files(files, *, field: str = "files", required: bool = False) -> list:
    """Field-level errors for files that are empty, too large, of a kind we do not keep or whose bytes are
    not what their name says (core.uploads); nothing saved."""
    files = [f for f in (files or []) if f]
    errors = []
    if required and not files:
        errors.append(_("Attach at least one file as evidence."))
    errors += upload_problems(files, allowed=rules()["EVIDENCE_EXTENSIONS"], max_bytes=rules()["EVIDENCE_MAX_BYTES"])
    if errors:
        raise ValidationError({field: errors})
    return files


def attach_files(record, files, *, stage: str, actor, submission=None, repair_application=None) -> list[Evidence]:
    stored = []
    for upload in files:
        evidence = Evidence(
            record=record,
            stage=stage,
            submission=submission,
            repair_application=repair_application,
            uploaded_by_label=actor_label(actor)[:200],
            **stored_facts(upload),
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        stored.append(evidence)
    return stored
