from .complaint import Complainant, Complaint, ComplaintAttachment, ComplaintEvent
from .monthly import ComplaintMonthly
from .rules import DeadlineRule

__all__ = ["Complainant", "Complaint", "ComplaintAttachment", "ComplaintEvent", "ComplaintMonthly", "DeadlineRule"]
