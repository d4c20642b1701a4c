"""The beat's sweeps over dishonesty records. Each is set-based, locks with SKIP LOCKED and marks what it
did, so two beats at once, or the same sweep twice, do no harm."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log_many
from core.publication import PublicationAction
from core.publishing import apply_transition
from core.services import notify
from organizations.selectors import supervisors_over

from ..choices import RectificationState
from ..models import DishonestyRecord, Obligation, RepairApplication
from . import common
from .closing import close_pending_repairs
from .consequences import refresh_rectification_states
from .records import payload_of

BATCH_SIZE = 500


def end_due_publicity(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Records past their maximum publicity period leave public view (kept inside)."""
    today = today or timezone.localdate()
    ended = 0
    while True:
        with transaction.atomic():
            batch = list(
                DishonestyRecord.objects.publicity_due_to_end(today)
                .select_related("subject_organization", "civil_servant", "authority")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("id")[:batch_size]
            )
            for record in batch:
                apply_transition(record, action=PublicationAction.END_PUBLICITY, actor=None, payload_builder=payload_of)
            close_pending_repairs(
                [record.pk for record in batch],
                reason=_("Publicity ended at the end of its maximum period before a decision was needed."),
            )
        ended += len(batch)
        if len(batch) < batch_size:
            return ended


def escalate_overdue_obligations(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Explanations and rectifications past due: the record turns overdue, and the subject and its
    supervisors hear of it once per obligation."""
    today = today or timezone.localdate()
    escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                Obligation.objects.overdue(today)
                .filter(escalated_at__isnull=True)
                .select_related("record", "record__subject_organization")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("id")[:batch_size]
            )
            if batch:
                Obligation.objects.filter(pk__in=[o.pk for o in batch]).update(escalated_at=timezone.now())
                refresh_rectification_states({o.record_id for o in batch}, today=today)
                audit_log_many(
                    actor=None,
                    action="obligation.overdue",
                    targets=batch,
                    scope_path_of=lambda o: o.record.subject_organization.path,
                )
                recipients_by_organization: dict = {}
                for obligation in batch:
                    _tell_overdue(obligation, recipients_by_organization)
        escalated += len(batch)
        if len(batch) < batch_size:
            break
    # Obligations that went late while already escalated once (a return with no new time) still turn
    # their records overdue: one set-based pass over records marked in progress.
    late_records = (
        Obligation.objects.overdue(today)
        .filter(record__rectification_state=RectificationState.IN_PROGRESS)
        .values_list("record_id", flat=True)
    )
    refresh_rectification_states(set(late_records), today=today)
    return escalated


def _tell_overdue(obligation: Obligation, recipients_by_organization: dict | None = None) -> None:
    """Both sides hear of each overdue obligation once; who they are is looked up once per body per batch."""
    record = obligation.record
    cache = recipients_by_organization if recipients_by_organization is not None else {}
    organization = record.subject_organization
    if organization.pk not in cache:
        cache[organization.pk] = (common.subject_side_users(record), list(supervisors_over(organization)))
    subject_side, supervisors = cache[organization.pk]
    subject = _("Overdue: %(kind)s for %(reference)s, due %(date)s") % {
        "kind": obligation.get_kind_display(),
        "reference": record.reference,
        "date": obligation.due_on,
    }
    dedupe = f"dishonesty-overdue-{obligation.pk}-{obligation.due_on:%Y%m%d}"
    for recipients in (subject_side, supervisors):
        notify(
            recipients=recipients,
            kind="dishonesty.overdue",
            subject=subject,
            link=common.record_link(record),
            dedupe_key=dedupe,
            email=True,
        )


def notify_ready_for_ruling(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Proposals whose objection period is over (or objected, or waived): supervisors hear once."""
    today = today or timezone.localdate()
    told = 0
    while True:
        with transaction.atomic():
            batch = list(
                DishonestyRecord.objects.awaiting_ruling(today)
                .filter(ruling_notified_at__isnull=True)
                .select_related("subject_organization")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("id")[:batch_size]
            )
            if batch:
                DishonestyRecord.objects.filter(pk__in=[r.pk for r in batch]).update(ruling_notified_at=timezone.now())
                by_organization = defaultdict(list)
                for record in batch:
                    by_organization[record.subject_organization].append(record)
                for records in by_organization.values():
                    references = "、".join(r.reference for r in records[:10]) + ("…" if len(records) > 10 else "")
                    common.notify_supervisors(
                        records[0],
                        kind="dishonesty.ready_for_ruling",
                        subject=_("%(count)d dishonesty records await your ruling") % {"count": len(records)},
                        body=references,
                        dedupe=f"dishonesty-ruling-{records[0].pk}",
                    )
        told += len(batch)
        if len(batch) < batch_size:
            return told


def flag_overdue_repair_reviews(*, today: datetime.date | None = None) -> int:
    """Repair applications not decided within 10 working days: supervisors hear once."""
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = list(
            RepairApplication.objects.pending()
            .filter(review_due_on__lt=today, overdue_notified_at__isnull=True)
            .select_related("record", "record__subject_organization")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("id")[:BATCH_SIZE]
        )
        if batch:
            RepairApplication.objects.filter(pk__in=[a.pk for a in batch]).update(overdue_notified_at=timezone.now())
            for application in batch:
                common.notify_supervisors(
                    application.record,
                    kind="dishonesty.repair_overdue",
                    subject=_("Credit repair review overdue: %(reference)s (due %(date)s)")
                    % {"reference": application.record.reference, "date": application.review_due_on},
                    dedupe=f"dishonesty-repair-overdue-{application.pk}",
                )
    return len(batch)
