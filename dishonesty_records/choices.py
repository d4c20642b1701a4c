from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    ORGANIZATION = "organization", _("Government body")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")


class Category(models.TextChoices):
    """The kinds of failure the plan names (§3, §5, §9–§13)."""

    BREACHED_PLEDGE = "breached_pledge", _("Breach of a credit pledge (违背信用承诺)")
    COURT_JUDGMENT_DEFAULT = (
        "court_judgment_default",
        _(
            "Refusing to carry out an effective court judgment / judgment defaulter (拒不履行法院生效判决 / 失信被执行人)"
        ),
    )
    JUDICIAL_JUDGMENT = "judicial_judgment", _("Convicted or held liable by a court (被司法判决)")
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("Administrative penalty (被行政处罚)")
    DISCIPLINARY_SANCTION = "disciplinary_sanction", _("Disciplinary sanction (纪律处分)")
    ACCOUNTABILITY = "accountability", _("Accountability decision (问责处理)")
    PROCUREMENT = "procurement", _("Government procurement violation (政府采购违法违规)")
    PPP_DEFAULT = "ppp_default", _("Breach of a PPP project contract (PPP 项目违约)")
    TENDERING = "tendering", _("Tendering and bidding violation (招标投标违法违规)")
    INVESTMENT_PROMOTION = (
        "investment_promotion",
        _("False promises or broken contracts in investment promotion (招商引资虚假承诺或毁约)"),
    )
    ILLEGAL_DEBT = (
        "illegal_debt",
        _("Illegal borrowing or guarantees / malicious evasion of debts (违规举债或担保 / 恶意逃废债务)"),
    )
    OTHER = "other", _("Other (其他)")


class Severity(models.TextChoices):
    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (严重)")


class SourceKind(models.TextChoices):
    """Who issued the document the record rests on."""

    COURT = "court", _("Court")
    DISCIPLINE = "discipline", _("Supervisory / discipline commission (监委 / 纪委)")
    DEPARTMENT = "department", _("Government department")
    COMPLAINT = "complaint", _("Public complaint")
    INSPECTION = "inspection", _("Inspection")
    PLEDGE = "pledge", _("Pledge fulfilment review")


class Origin(models.TextChoices):
    """How a record was proposed."""

    STAFF = "staff", _("Proposed by department staff")
    SUPERVISOR = "supervisor", _("Proposed by a supervisor")
    BREACHED_PLEDGE = "breached_pledge", _("A breached pledge")
    COMPLAINT = "complaint", _("A substantiated complaint")


class Stage(models.TextChoices):
    """Where the determination stands; publication has its own status (core.publication)."""

    PROPOSED = "proposed", _("Proposed")
    OBJECTED = "objected", _("Objection filed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class RectificationState(models.TextChoices):
    NONE = "none", _("No rectification required")
    IN_PROGRESS = "in_progress", _("Rectification in progress")
    OVERDUE = "overdue", _("Rectification overdue")
    RECTIFIED = "rectified", _("Rectified")


class ObligationKind(models.TextChoices):
    EXPLANATION = "explanation", _("Written explanation (书面说明)")
    RECTIFICATION = "rectification", _("Rectification within a deadline (限期整改)")


class ObligationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the subject")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned for more work")
    ACCEPTED = "accepted", _("Accepted")


class SubmissionDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class SanctionKind(models.TextChoices):
    NOTICE_OF_CRITICISM = "notice_of_criticism", _("Notice of criticism (通报批评)")
    HONOURS_INELIGIBILITY = "honours_ineligibility", _("Barred from honours and awards (取消评优评先资格)")
    ACCOUNTABILITY_REFERRAL = "accountability_referral", _("Referral for accountability (责任追究)")


class SanctionStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    LIFTED = "lifted", _("Lifted")


class RepairStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed without a decision")


class EvidenceStage(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    OBJECTION = "objection", _("Objection")
    SUBMISSION = "submission", _("Explanation or rectification")
    REPAIR = "repair", _("Credit repair application")


class DisplayState(models.TextChoices):
    """The one word a list shows: the determination, publication and rectification read together."""

    PROPOSED = "proposed", _("Proposed, objection period open")
    OBJECTED = "objected", _("Objection filed")
    DISMISSED = "dismissed", _("Dismissed")
    CONFIRMED = "confirmed", _("Confirmed, not published")
    PUBLISHED = "published", _("Published")
    RECTIFYING = "rectifying", _("Published, rectification in progress")
    OVERDUE = "overdue", _("Published, rectification overdue")
    RECTIFIED = "rectified", _("Published, rectified")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PUBLICITY_ENDED = "publicity_ended", _("Publicity ended")
    REPAIRED = "repaired", _("Credit repaired")
