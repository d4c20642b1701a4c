"""Repair applications that lose their object: the record was withdrawn, or its publicity ended on its own
before a decision. They are closed with the reason, and the applicant is told; nothing is left pending."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log_many

from ..choices import RepairStatus
from ..models import RepairApplication
from . import common


def close_pending_repairs(record_ids, *, reason: str) -> int:
    applications = list(
        RepairApplication.objects.pending()
        .filter(record_id__in=list(record_ids))
        .select_related("record", "record__subject_organization")
        .select_for_update(of=("self",))
    )
    if not applications:
        return 0
    now = timezone.now()
    RepairApplication.objects.filter(pk__in=[a.pk for a in applications]).update(
        status=RepairStatus.CLOSED, decided_at=now, decided_by_label="system", decision_reason=reason, updated_at=now
    )
    audit_log_many(
        actor=None,
        action="repair.close",
        targets=applications,
        changes={"after": {"status": RepairStatus.CLOSED, "reason": reason}},
        scope_path_of=lambda a: a.record.subject_organization.path,
    )
    for application in applications:
        common.notify_subject(
            application.record,
            kind="dishonesty.repair_decided",
            subject=_("Credit repair application closed: %(reference)s") % {"reference": application.record.reference},
            body=reason,
            dedupe=f"dishonesty-repair-closed-{application.pk}",
        )
    return len(applications)
