"""Deadlines recounted when a year's holidays arrive (registered with core.calendar in apps.py)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from core.deadlines import RecountWindow, recount_calendar, recount_deadlines

from ..choices import Stage
from ..models import DishonestyRecord, Obligation
from . import common


def recompute_deadlines(years) -> int:
    """After the holiday table changed: recount the objection periods, obligations and repair reviews
    whose counted days reach into `years` — the open ones, and the closed ones whose deadline was
    provisional (it tells whether the objection, the hand-in or the review came in time)."""
    from ..models import RepairApplication
    from .consequences import refresh_rectification_states

    window = RecountWindow.for_years(years)
    if window is None:
        return 0
    calendar = recount_calendar()
    rules = common.rules()

    def counted_from_creation(row, working_days: int):
        return calendar.add_working_days(timezone.localdate(row.created_at), working_days)

    proposals = DishonestyRecord.objects.filter(
        Q(stage=Stage.PROPOSED) | Q(objection_deadline_provisional=True),
        window.spans(start="created_at__date", due="objection_deadline"),
    )
    moved = len(
        recount_deadlines(
            proposals.only("id", "created_at", "subject_name", "objection_deadline", "objection_deadline_provisional"),
            count=lambda record: counted_from_creation(record, rules["OBJECTION_WORKING_DAYS"]),
            due_field="objection_deadline",
            provisional_field="objection_deadline_provisional",
            action="dishonesty_record.objection_deadline_recount",
        )
    )
    # Counted from the confirmation or from the return that gave more time (rows made before
    # counted_from existed: from their creation).
    obligations = (Obligation.objects.open() | Obligation.objects.filter(due_provisional=True)).filter(
        (Q(counted_from__isnull=False) & window.spans(start="counted_from", due="due_on"))
        | (Q(counted_from__isnull=True) & window.spans(start="created_at__date", due="due_on"))
    )
    moved_obligations = recount_deadlines(
        obligations.select_related("record").only(
            "id", "kind", "record__id", "created_at", "counted_from", "working_days", "due_on", "due_provisional"
        ),
        count=lambda obligation: (
            calendar.add_working_days(obligation.counted_from, obligation.working_days)
            if obligation.counted_from
            else counted_from_creation(obligation, obligation.working_days)
        ),
        due_field="due_on",
        provisional_field="due_provisional",
        action="obligation.deadline_recount",
    )
    moved += len(moved_obligations)
    repairs = (
        RepairApplication.objects.pending() | RepairApplication.objects.filter(review_due_provisional=True)
    ).filter(window.spans(start="created_at__date", due="review_due_on"))
    moved += len(
        recount_deadlines(
            repairs.select_related("record").only(
                "id", "status", "record__id", "created_at", "review_due_on", "review_due_provisional"
            ),
            count=lambda application: counted_from_creation(application, rules["REPAIR_REVIEW_WORKING_DAYS"]),
            due_field="review_due_on",
            provisional_field="review_due_provisional",
            action="repair.deadline_recount",
        )
    )
    # An obligation's due day decides whether its record's rectification is overdue.
    touched = {obligation.record_id for obligation in moved_obligations}
    if touched:
        refresh_rectification_states(touched)
    return moved
