"""Every write to civil servants' files: `<entity>_<verb>(*, ..., actor)`, atomic and audited."""

from .exam import (
    ExamEligibility,
    Ground,
    bar_end,
    exam_disqualification_record,
    exam_disqualification_withdraw,
    exam_eligibility_check,
    person_digest,
)

__all__ = [
    "ExamEligibility",
    "Ground",
    "bar_end",
    "exam_disqualification_record",
    "exam_disqualification_withdraw",
    "exam_eligibility_check",
    "person_digest",
]
