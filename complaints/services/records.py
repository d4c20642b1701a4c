"""A substantiated complaint proposes a dishonesty record (§5) naming the complaint as its origin; the
record then follows its own life cycle (objection, determination, publication) in dishonesty_records."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from dishonesty_records.choices import Category as RecordCategory
from dishonesty_records.choices import Origin, Severity, SourceKind, SubjectKind
from dishonesty_records.services import record_propose

from .. import access
from ..choices import Category, EventKind, Status
from ..models import Complaint
from . import common

# The record's category a complaint's category suggests; the proposer may choose another.
RECORD_CATEGORY = {
    Category.BROKEN_PLEDGE: RecordCategory.BREACHED_PLEDGE,
    Category.CONTRACT_DEFAULT: RecordCategory.INVESTMENT_PROMOTION,
    Category.COURT_JUDGMENT: RecordCategory.COURT_JUDGMENT_DEFAULT,
    Category.NEW_OFFICIALS: RecordCategory.INVESTMENT_PROMOTION,
}


@transaction.atomic
def complaint_substantiate(*, complaint: Complaint, data: dict, actor):
    """Intake officers or supervisors, once the handling found the complaint substantiated (replied, or
    reviewed). `data` may set the record's category, severity, facts and summary; the rest comes from the
    complaint. Returns the proposed record."""
    complaint = common.locked(complaint)
    if not (access.may_intake(actor, complaint) or access.may_supervise(actor, complaint)):
        raise PermissionDenied(_("Intake officers and supervisors propose records from complaints."))
    if complaint.status not in (Status.ACCEPTED, Status.REPLIED, Status.REVIEWED):
        raise ValidationError(
            _("Only a complaint that was handled can be found substantiated."), code="illegal_transition"
        )
    if complaint.dishonesty_record_id:
        raise ValidationError(_("A record was proposed from this complaint already."), code="illegal_transition")
    civil_servant = complaint.civil_servant
    record = record_propose(
        data={
            "subject_kind": SubjectKind.CIVIL_SERVANT if civil_servant else SubjectKind.ORGANIZATION,
            "subject_organization": complaint.organization,
            "civil_servant": civil_servant,
            "category": data.get("category") or RECORD_CATEGORY.get(complaint.category, RecordCategory.OTHER),
            "severity": data.get("severity") or Severity.GENERAL,
            "facts": (data.get("facts") or complaint.facts).strip(),
            "facts_summary": (data.get("facts_summary") or complaint.title).strip()[:200],
            "occurred_on": complaint.happened_on or complaint.received_on,
            "source_kind": SourceKind.COMPLAINT,
            "source_issuing_body": (complaint.handling_organization or complaint.organization).name,
            "source_document_number": complaint.tracking_code,
            "source_document_date": complaint.replied_on or timezone.localdate(),
        },
        actor=actor,
        origin=Origin.COMPLAINT,
        origin_record=complaint,
    )
    complaint.dishonesty_record_id = record.pk
    complaint.save(update_fields=["dishonesty_record_id", "updated_at"])
    common.add_event(
        complaint,
        EventKind.SUBSTANTIATED,
        actor=actor,
        text=_("The complaint was found substantiated; a dishonesty record was proposed against %(body)s.")
        % {"body": complaint.organization.name},
    )
    audit_log(actor=actor, action="complaints.complaint.substantiate", target=complaint, after={"record": record.pk})
    return record
