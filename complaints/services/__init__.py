"""Every write to complaints: `complaint_<verb>(*, ..., actor)`, atomic, audited, a step of the timeline each."""

from .deadlines import deadline_rule_set
from .filing import Filed, complaint_file
from .handling import (
    complaint_accept,
    complaint_decline,
    complaint_escalate,
    complaint_extend,
    complaint_merge,
    complaint_note,
    complaint_reopen,
    complaint_reply,
    complaint_review_answer,
    complaint_transfer,
)
from .records import complaint_substantiate
from .tracking import complaint_add_information, complaint_find, complaint_rate, complaint_review_request

__all__ = [
    "Filed",
    "complaint_accept",
    "complaint_add_information",
    "complaint_decline",
    "complaint_escalate",
    "complaint_extend",
    "complaint_file",
    "complaint_find",
    "complaint_merge",
    "complaint_note",
    "complaint_rate",
    "complaint_reopen",
    "complaint_reply",
    "complaint_review_answer",
    "complaint_review_request",
    "complaint_substantiate",
    "complaint_transfer",
    "deadline_rule_set",
]
