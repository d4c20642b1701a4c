from .assessment import AssessmentRuleSet, IntegrityScore
from .education import Completion, CompletionImport, Course, HandbookPage, HandbookVersion
from .exam import ExamDisqualification, ExamEligibilityCheck
from .files import CareerEntry, EligibilityCheck, FileAccessGrant, FileOpening, RemovalFlag

__all__ = [
    "AssessmentRuleSet",
    "CareerEntry",
    "Completion",
    "CompletionImport",
    "Course",
    "EligibilityCheck",
    "ExamDisqualification",
    "ExamEligibilityCheck",
    "FileAccessGrant",
    "FileOpening",
    "HandbookPage",
    "HandbookVersion",
    "IntegrityScore",
    "RemovalFlag",
]
