"""Open deadlines recounted when a year's holidays arrive (registered with core.calendar in apps.py)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from core.calendar import WorkingCalendar

from ..choices import (
    Stage,
)
from ..models import DishonestyRecord, Obligation
from . import common


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
