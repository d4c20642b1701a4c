from .complaint import Complainant, Complaint, ComplaintAttachment, ComplaintEvent
from .rules import DeadlineRule

__all__ = ["Complainant", "Complaint", "ComplaintAttachment", "ComplaintEvent", "DeadlineRule"]
