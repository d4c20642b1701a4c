"""The beat's sweeps over dishonesty records, each the one claim-mark-group-notify shape of core.sweeps:
set-based, locking with SKIP LOCKED and marking what it did, so two beats at once, or the same sweep twice,
do no harm. The end of publicity is core's sweep over every record type (core.sweeps.end_due_publicity);
this app's hook closes the repair applications it leaves without object."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.sweeps import Notice, claim_and_notify, listed
from organizations.selectors import supervisors_over

from ..choices import RectificationState
from ..models import DishonestyRecord, Obligation, RepairApplication
from . import common
from .closing import close_pending_repairs
from .consequences import refresh_rectification_states

BATCH_SIZE = 500


def close_repairs_of_ended_records(records: list[DishonestyRecord]) -> int:
    """Registered with core.sweeps.on_publicity_end: publicity over, a pending repair has no object."""
    return close_pending_repairs(
        [record.pk for record in records],
        reason=_("Publicity ended at the end of its maximum period before a decision was needed."),
    )


def escalate_overdue_obligations(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Explanations and rectifications past due: the record turns overdue, and the subject and its
    supervisors hear of it once per obligation."""
    today = today or timezone.localdate()
    recipients_by_organization: dict = {}  # who they are is looked up once per body

    def notices(organization, obligations: list[Obligation]):
        if organization.pk not in recipients_by_organization:
            recipients_by_organization[organization.pk] = (
                common.subject_side_users(obligations[0].record),
                list(supervisors_over(organization)),
            )
        for obligation in obligations:
            subject = _("Overdue: %(kind)s for %(reference)s, due %(date)s") % {
                "kind": obligation.get_kind_display(),
                "reference": obligation.record.reference,
                "date": obligation.due_on,
            }
            for recipients in recipients_by_organization[organization.pk]:
                yield Notice(
                    recipients=recipients,
                    kind="dishonesty.overdue",
                    subject=subject,
                    link=common.record_link(obligation.record),
                    dedupe_key=f"dishonesty-overdue-{obligation.pk}-{obligation.due_on:%Y%m%d}",
                )

    escalated = claim_and_notify(
        Obligation.objects.overdue(today).select_related("record", "record__subject_organization"),
        marker="escalated_at",
        audit_action="obligation.overdue",
        scope_path_of=lambda o: o.record.subject_organization.path,
        claimed=lambda batch: refresh_rectification_states({o.record_id for o in batch}, today=today),
        group_by=lambda o: o.record.subject_organization,
        notices=notices,
        batch_size=batch_size,
    )
    # Obligations that went late while already escalated once (a return with no new time) still turn
    # their records overdue: one set-based pass over records marked in progress.
    late_records = (
        Obligation.objects.overdue(today)
        .filter(record__rectification_state=RectificationState.IN_PROGRESS)
        .values_list("record_id", flat=True)
    )
    refresh_rectification_states(set(late_records), today=today)
    return escalated


def notify_ready_for_ruling(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Proposals whose objection period is over (or objected, or waived): supervisors hear once."""
    today = today or timezone.localdate()

    def notice(organization, records: list[DishonestyRecord]) -> Notice:
        return Notice(
            recipients=supervisors_over(organization),
            kind="dishonesty.ready_for_ruling",
            subject=_("%(count)d dishonesty records await your ruling") % {"count": len(records)},
            body=listed(records, lambda r: r.reference),
            link=common.record_link(records[0]),
            dedupe_key=f"dishonesty-ruling-{records[0].pk}",
        )

    return claim_and_notify(
        DishonestyRecord.objects.awaiting_ruling(today).select_related("subject_organization"),
        marker="ruling_notified_at",
        group_by=lambda r: r.subject_organization,
        notices=notice,
        batch_size=batch_size,
    )


def flag_overdue_repair_reviews(*, today: datetime.date | None = None) -> int:
    """Repair applications not decided within 10 working days: supervisors hear once."""
    today = today or timezone.localdate()

    def notice(_pk, applications: list[RepairApplication]) -> Notice:
        (application,) = applications
        record = application.record
        return Notice(
            recipients=supervisors_over(record.subject_organization),
            kind="dishonesty.repair_overdue",
            subject=_("Credit repair review overdue: %(reference)s (due %(date)s)")
            % {"reference": record.reference, "date": application.review_due_on},
            link=common.record_link(record),
            dedupe_key=f"dishonesty-repair-overdue-{application.pk}",
        )

    return claim_and_notify(
        RepairApplication.objects.pending()
        .filter(review_due_on__lt=today)
        .select_related("record", "record__subject_organization"),
        marker="overdue_notified_at",
        group_by=lambda application: application.pk,
        notices=notice,
        batch_size=BATCH_SIZE,
        once=True,
    )
