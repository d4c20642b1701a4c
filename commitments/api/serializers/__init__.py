"""Shapes of the pledge API. Thin: field types here, every rule in commitments.services.

A pledge is listed as a summary row (`PledgeSummarySerializer`) and shown in one of two shapes, chosen per
pledge by what the caller may see:

- `InternalPledgeSerializer`: callers whose roles reach the pledging body (its staff and reviewers,
  supervisors over it, API clients of that organization) — drafts and internal pledges too, who entered it,
  who reported each step of the timeline and uploaded each file;
- `PublicPledgeSerializer`: anyone else, for a published public pledge — what is pledged, milestones, the
  timeline of progress and its evidence files (without the people who reported them), its parts and, for a
  measured pledge, the portal's measurement.
"""

from .inputs import (
    EvaluateSerializer,
    LawfulChangeSerializer,
    MilestoneInputSerializer,
    PledgeCorrectionSerializer,
    PledgeInputSerializer,
    PledgeReasonSerializer,
    ProgressInputSerializer,
    SettleSerializer,
)
from .parts import (
    InternalPledgeEvidenceSerializer,
    InternalProgressReportSerializer,
    PledgeMeasurementSerializer,
    PledgeMilestoneSerializer,
    PledgePartSerializer,
    PublicPledgeEvidenceSerializer,
    PublicProgressReportSerializer,
    ReportedProgressSerializer,
)
from .pledges import (
    PLEDGE_SHAPES,
    InternalPledgeSerializer,
    PledgeSettledSerializer,
    PledgeSummarySerializer,
    PublicPledgeSerializer,
)

__all__ = [
    "PLEDGE_SHAPES",
    "EvaluateSerializer",
    "InternalPledgeEvidenceSerializer",
    "InternalPledgeSerializer",
    "InternalProgressReportSerializer",
    "LawfulChangeSerializer",
    "MilestoneInputSerializer",
    "PledgeCorrectionSerializer",
    "PledgeInputSerializer",
    "PledgeMeasurementSerializer",
    "PledgeMilestoneSerializer",
    "PledgePartSerializer",
    "PledgeReasonSerializer",
    "PledgeSettledSerializer",
    "PledgeSummarySerializer",
    "ProgressInputSerializer",
    "PublicPledgeEvidenceSerializer",
    "PublicPledgeSerializer",
    "PublicProgressReportSerializer",
    "ReportedProgressSerializer",
    "SettleSerializer",
]
