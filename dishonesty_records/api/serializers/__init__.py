"""Shapes of the dishonesty-record API. Thin: field types here, every rule in the services, whose
ValidationError comes back as {"field": ["message"]}.

A record is shown in one of three shapes, chosen per record by what the caller may see:

- `InternalRecordSerializer`: callers whose roles reach the record's organization (its staff and
  reviewers, supervisors over it, API clients of that organization) — facts, origin, objection,
  obligations, every sanction, evidence files (metadata and an API download link, never a media URL);
- `PublicRecordSerializer`: anyone else, for a body's record on public view — the published document
  (the facts only as their summary) and its notices;
- `PublicCivilServantRecordSerializer`: anyone else, for a civil servant's record — only name,
  position, organization, category, summary of facts, determination date, authority and end of publicity.
"""

from .fields import (
    PUBLIC_SANCTION_KINDS,
    AuthorityField,
    InternalSubjectSerializer,
    OrganizationRefSerializer,
    PublicOrganizationSubjectSerializer,
    PublicSubjectSerializer,
)
from .inputs import (
    AcceptSerializer,
    ConfirmSerializer,
    CorrectionSerializer,
    DishonestyReasonSerializer,
    ObjectionSerializer,
    ProposalSerializer,
    RepairApplySerializer,
    ReturnSerializer,
    SanctionImposeSerializer,
    SanctionOutcomeSerializer,
    SubmissionInputSerializer,
)
from .integrity import (
    CivilServantIntegritySerializer,
    CivilServantRefSerializer,
    EligibilitySerializer,
    IneligibilityReasonSerializer,
    IntegrityQuerySerializer,
    IntegrityRecordSerializer,
    IntegritySanctionSerializer,
    OrganizationIntegritySerializer,
)
from .parts import (
    EvidenceSerializer,
    ObligationSerializer,
    ObligationSummarySerializer,
    PublicSanctionSerializer,
    RepairApplicationSerializer,
    RepairSummarySerializer,
    SanctionSerializer,
    SubmissionSerializer,
)
from .records import RECORD_SHAPES, InternalRecordSerializer, PublicCivilServantRecordSerializer, PublicRecordSerializer

__all__ = [
    "PUBLIC_SANCTION_KINDS",
    "RECORD_SHAPES",
    "AcceptSerializer",
    "AuthorityField",
    "CivilServantIntegritySerializer",
    "CivilServantRefSerializer",
    "ConfirmSerializer",
    "CorrectionSerializer",
    "DishonestyReasonSerializer",
    "EligibilitySerializer",
    "EvidenceSerializer",
    "IneligibilityReasonSerializer",
    "IntegrityQuerySerializer",
    "IntegrityRecordSerializer",
    "IntegritySanctionSerializer",
    "InternalRecordSerializer",
    "InternalSubjectSerializer",
    "ObjectionSerializer",
    "ObligationSerializer",
    "ObligationSummarySerializer",
    "OrganizationIntegritySerializer",
    "OrganizationRefSerializer",
    "ProposalSerializer",
    "PublicCivilServantRecordSerializer",
    "PublicOrganizationSubjectSerializer",
    "PublicRecordSerializer",
    "PublicSanctionSerializer",
    "PublicSubjectSerializer",
    "RepairApplicationSerializer",
    "RepairApplySerializer",
    "RepairSummarySerializer",
    "ReturnSerializer",
    "SanctionImposeSerializer",
    "SanctionOutcomeSerializer",
    "SanctionSerializer",
    "SubmissionInputSerializer",
    "SubmissionSerializer",
]
