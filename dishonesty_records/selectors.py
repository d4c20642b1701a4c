"""Reads shared by pages, the API and other apps: honours eligibility, a body's integrity summary,
the public search and the staff queues."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Action
from core.publication import PublicationStatus

from .choices import ObligationStatus, RectificationState, RepairStatus, SanctionKind, Stage, SubjectKind
from .models import DishonestyRecord, Obligation, RepairApplication, Sanction


@dataclass(frozen=True)
class IneligibilityReason:
    code: str  # "honours_ineligibility" | "rectification_overdue"
    record_id: int
    reference: str
    text: str
    until: datetime.date | None = None  # None: until the rectification is accepted


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: list[IneligibilityReason] = field(default_factory=list)
    # More reasons of a kind than REASONS_CAP exist; one is enough to bar, the list only explains.
    more_reasons: bool = False


REASONS_CAP = 20


def _subject_filter(*, organization=None, civil_servant=None) -> Q:
    if civil_servant is not None:
        return Q(record__civil_servant=civil_servant)
    return Q(record__subject_kind=SubjectKind.ORGANIZATION, record__subject_organization=organization)


def honours_eligibility(
    *,
    organization=None,
    civil_servant=None,
    today: datetime.date | None = None,
    public: bool = False,
    sanctions_in_force: list | None = None,
) -> Eligibility:
    """May this body (or person) receive honours and awards today? Computed, never typed in: barred while a
    取消评优评先资格 sanction is in force, or while an explanation or rectification it owes is overdue.

    `public=True` reasons only from records on public view, so a public page reveals nothing unpublished.
    `sanctions_in_force`: every sanction in force on `today` of the subject's confirmed, not withdrawn
    records (with their records), when the caller has read them all already (a credit check's summary):
    the bars are picked from those instead of being read again."""
    today = today or timezone.localdate()
    subject = _subject_filter(organization=organization, civil_servant=civil_servant)
    if public:
        subject &= Q(record__in=DishonestyRecord.objects.public())
    reasons = []
    if sanctions_in_force is not None and not public:
        sanctions = sorted(
            (s for s in sanctions_in_force if s.kind == SanctionKind.HONOURS_INELIGIBILITY),
            key=lambda sanction: (sanction.end_on is None, sanction.end_on, sanction.id),
        )[: REASONS_CAP + 1]
    else:
        sanctions = list(
            Sanction.objects.in_force(today)
            .filter(subject, kind=SanctionKind.HONOURS_INELIGIBILITY, record__stage=Stage.CONFIRMED)
            .exclude(record__status=PublicationStatus.WITHDRAWN)
            .select_related("record")
            .order_by("end_on", "id")[: REASONS_CAP + 1]
        )
    more = len(sanctions) > REASONS_CAP
    for sanction in sanctions[:REASONS_CAP]:
        reasons.append(
            IneligibilityReason(
                code=SanctionKind.HONOURS_INELIGIBILITY,
                record_id=sanction.record_id,
                reference=sanction.record.reference,
                text=_("Barred from honours and awards until %(date)s (%(reason)s).")
                % {"date": sanction.end_on.isoformat(), "reason": sanction.reason},
                until=sanction.end_on,
            )
        )
    overdue = (
        Obligation.objects.overdue(today)
        .filter(subject, record__stage=Stage.CONFIRMED)
        .exclude(record__status__in=[PublicationStatus.WITHDRAWN, PublicationStatus.REPAIRED])
        .select_related("record")
        .order_by("due_on", "id")[: REASONS_CAP + 1]
    )
    overdue = list(overdue)
    more = more or len(overdue) > REASONS_CAP
    for obligation in overdue[:REASONS_CAP]:
        reasons.append(
            IneligibilityReason(
                code="rectification_overdue",
                record_id=obligation.record_id,
                reference=obligation.record.reference,
                text=_("%(kind)s was due on %(date)s and has not been handed in.")
                % {"kind": obligation.get_kind_display(), "date": obligation.due_on.isoformat()},
            )
        )
    return Eligibility(eligible=not reasons, reasons=reasons, more_reasons=more)


# A summary lists the newest records and sanctions; `category_counts` (and `open_record_count`) say how many.
SUMMARY_LIST_CAP = 50


@dataclass
class IntegritySummary:
    organization: object
    open_records: list
    active_sanctions: list
    all_sanctions_listed: bool
    category_counts: dict[str, int]
    today: datetime.date
    public: bool

    @property
    def open_record_count(self) -> int:
        return sum(self.category_counts.values())

    @cached_property
    def eligibility(self) -> Eligibility:
        """Worked out when asked: a credit check for an outside caller reasons from every record instead."""
        return honours_eligibility(organization=self.organization, today=self.today, public=self.public)


def integrity_summary(organization, *, today: datetime.date | None = None, public: bool = False) -> IntegritySummary:
    """What another system's credit check (or the public profile) needs about one government body.

    `public=True` keeps to what anyone may see: records on public view and their published sanctions.
    """
    today = today or timezone.localdate()
    records = DishonestyRecord.objects.filter(subject_organization=organization, subject_kind=SubjectKind.ORGANIZATION)
    open_records = records.public() if public else records.standing()
    open_records = list(open_records.select_related("authority").order_by("-id")[:SUMMARY_LIST_CAP])
    sanctions = Sanction.objects.in_force(today).filter(
        record__subject_organization=organization,
        record__subject_kind=SubjectKind.ORGANIZATION,
        record__stage=Stage.CONFIRMED,
    )
    if public:
        sanctions = sanctions.filter(record__in=DishonestyRecord.objects.public())
    else:
        sanctions = sanctions.exclude(record__status=PublicationStatus.WITHDRAWN)
    counts = dict(
        records.public().values_list("category").annotate(n=Count("id")).order_by()
        if public
        else records.standing().values_list("category").annotate(n=Count("id")).order_by()
    )
    active_sanctions = list(sanctions.select_related("record", "authority").order_by("-id")[: SUMMARY_LIST_CAP + 1])
    return IntegritySummary(
        organization=organization,
        open_records=open_records,
        active_sanctions=active_sanctions[:SUMMARY_LIST_CAP],
        all_sanctions_listed=len(active_sanctions) <= SUMMARY_LIST_CAP,
        category_counts=counts,
        today=today,
        public=public,
    )


# --- staff queues ---------------------------------------------------------------------------------


def queues_for(user, *, today: datetime.date | None = None) -> dict[str, object]:
    """What waits for this user, per role: the subject's side and the supervisor's side."""
    today = today or timezone.localdate()
    records = DishonestyRecord.objects.select_related("subject_organization")
    subject_side = records.in_scope(user, Action.CHANGE) | records.in_scope(user, Action.REVIEW)
    supervised = records.in_scope(user, Action.SUPERVISE)
    obligations = Obligation.objects.select_related("record", "record__subject_organization")
    own_obligations = obligations.in_scope(user, Action.CHANGE) | obligations.in_scope(user, Action.REVIEW)
    repairs = RepairApplication.objects.select_related("record", "record__subject_organization")
    return {
        # the subject's side
        "awaiting_objection": subject_side.filter(
            stage=Stage.PROPOSED, objection_waived_at__isnull=True, objection_deadline__gte=today
        ).order_by("objection_deadline", "id")[:50],
        "obligations_due": own_obligations.open().order_by("due_on", "id")[:50],
        # the supervisor's side
        "awaiting_ruling": supervised.awaiting_ruling(today).order_by("objection_deadline", "id")[:50],
        "awaiting_publication": supervised.filter(
            stage=Stage.CONFIRMED, status=PublicationStatus.DRAFT, publication_allowed=True
        ).order_by("id")[:50],
        "submissions_to_review": obligations.in_scope(user, Action.SUPERVISE)
        .filter(status=ObligationStatus.SUBMITTED)
        .order_by("due_on", "id")[:50],
        "repairs_to_decide": repairs.in_scope(user, Action.SUPERVISE)
        .filter(status=RepairStatus.SUBMITTED)
        .order_by("review_due_on", "id")[:50],
    }


COUNT_CAP = 1000


def supervision_overview(user, *, today: datetime.date | None = None) -> dict[str, object]:
    """Open rectifications and everything overdue in the supervisor's jurisdiction."""
    today = today or timezone.localdate()
    obligations = Obligation.objects.in_scope(user, Action.SUPERVISE).select_related(
        "record", "record__subject_organization"
    )
    repairs = RepairApplication.objects.in_scope(user, Action.SUPERVISE).select_related(
        "record", "record__subject_organization"
    )
    records = DishonestyRecord.objects.in_scope(user, Action.SUPERVISE)
    return {
        "overdue_obligations": obligations.overdue(today).order_by("due_on", "id")[:100],
        "open_obligations": obligations.filter(
            status__in=[ObligationStatus.OPEN, ObligationStatus.RETURNED, ObligationStatus.SUBMITTED],
            due_on__gte=today,
        )
        .exclude(record__status=PublicationStatus.WITHDRAWN)
        .order_by("due_on", "id")[:100],
        "overdue_repairs": repairs.filter(status=RepairStatus.SUBMITTED, review_due_on__lt=today).order_by(
            "review_due_on", "id"
        )[:100],
        "overdue_rulings": records.awaiting_ruling(today)
        .filter(objection_deadline__lt=today)
        .order_by("objection_deadline", "id")[:100],
        # Open rectifications by state, counted up to a cap: a number on a dashboard, not a full scan.
        "rectification_counts": {
            state: records.filter(rectification_state=state)
            .exclude(status=PublicationStatus.WITHDRAWN)[:COUNT_CAP]
            .count()
            for state in (RectificationState.IN_PROGRESS, RectificationState.OVERDUE)
        },
        "count_cap": COUNT_CAP,
    }


def integrity_watch(user, *, today: datetime.date | None = None) -> dict[str, int]:
    """The supervisor dashboard's numbers, each counted up to COUNT_CAP over indexed, partial sets."""
    today = today or timezone.localdate()
    records = DishonestyRecord.objects.in_scope(user, Action.SUPERVISE)
    obligations = Obligation.objects.in_scope(user, Action.SUPERVISE)
    repairs = RepairApplication.objects.in_scope(user, Action.SUPERVISE)
    return {
        "awaiting_ruling": records.awaiting_ruling(today)[:COUNT_CAP].count(),
        "overdue_obligations": obligations.overdue(today)[:COUNT_CAP].count(),
        "submissions_to_review": obligations.filter(status=ObligationStatus.SUBMITTED)[:COUNT_CAP].count(),
        "repairs_to_decide": repairs.pending()[:COUNT_CAP].count(),
        "count_cap": COUNT_CAP,
    }
