"""Every write to dishonesty records, their consequences and credit repair.

Each function is `<entity>_<verb>(*, ..., actor)`: atomic, audited, notices after commit; it checks who
may act (PermissionDenied) and refuses an illegal move with ValidationError(code="illegal_transition").
"""

from .consequences import (
    obligation_accept,
    obligation_return,
    obligation_submit,
    record_announce_sanctions,
    refresh_rectification_states,
    sanction_impose,
    sanction_lift,
    sanction_record_outcome,
)
from .deadlines import recompute_deadlines
from .records import clean_proposal, evidence_open, record_object, record_propose, record_update, record_waive_objection
from .repair import repair_apply, repair_approve, repair_refusal, repair_reject
from .rulings import record_confirm, record_correct, record_dismiss, record_publish, record_withdraw
from .sweeps import (
    close_repairs_of_ended_records,
    escalate_overdue_obligations,
    flag_overdue_repair_reviews,
    notify_ready_for_ruling,
)

__all__ = [
    "clean_proposal",
    "close_repairs_of_ended_records",
    "escalate_overdue_obligations",
    "evidence_open",
    "flag_overdue_repair_reviews",
    "notify_ready_for_ruling",
    "obligation_accept",
    "obligation_return",
    "obligation_submit",
    "recompute_deadlines",
    "record_announce_sanctions",
    "record_confirm",
    "record_correct",
    "record_dismiss",
    "record_object",
    "record_propose",
    "record_publish",
    "record_update",
    "record_waive_objection",
    "record_withdraw",
    "refresh_rectification_states",
    "repair_apply",
    "repair_approve",
    "repair_refusal",
    "repair_reject",
    "sanction_impose",
    "sanction_lift",
    "sanction_record_outcome",
]
