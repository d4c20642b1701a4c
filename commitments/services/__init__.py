"""Every write to pledges: `<entity>_<verb>(*, ..., actor)`, atomic and audited. Staff of the pledging body
enter pledges and report progress; its supervisors publish corrections' results, settle, evaluate and
approve lawful changes. An illegal move raises ValidationError(code="illegal_transition")."""

from .fulfilment import (
    answerable_for,
    pledge_change_lawfully,
    pledge_evaluate,
    pledge_settle,
    ppp_responsibility_assign,
    propose_dishonesty_record,
)
from .pledges import (
    clean_pledge,
    pledge_correct,
    pledge_create,
    pledge_publish,
    pledge_sign,
    pledge_update,
    pledge_withdraw,
)
from .progress import milestone_add, milestone_complete, pledge_report_progress, roll_up, rolled_up_share

__all__ = [
    "answerable_for",
    "clean_pledge",
    "milestone_add",
    "milestone_complete",
    "pledge_change_lawfully",
    "pledge_correct",
    "pledge_create",
    "pledge_evaluate",
    "pledge_publish",
    "pledge_report_progress",
    "pledge_settle",
    "pledge_sign",
    "pledge_update",
    "pledge_withdraw",
    "ppp_responsibility_assign",
    "propose_dishonesty_record",
    "roll_up",
    "rolled_up_share",
]
