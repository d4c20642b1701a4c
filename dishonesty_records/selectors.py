"""Reads shared by pages, the API and other apps: honours eligibility, a body's integrity summary,
the public search and the staff queues."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Action
from core.lookups import ids
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


def counting_records(*, organization=None, civil_servant=None, public: bool = False) -> list[tuple[int, str]]:
    """(id, status) of the subject's confirmed records that are not withdrawn — those whose sanctions and
    obligations count against it — or, with `public`, of those among them on public view.

    Read first, on the subject's index, so that the sanctions and obligations are then looked up by record
    id: joined to the records instead, PostgreSQL scans every sanction in force in the city and visits
    every record of the body in the heap (≈ 15 ms each for a busy body)."""
    records = DishonestyRecord.objects.filter(stage=Stage.CONFIRMED).exclude(status=PublicationStatus.WITHDRAWN)
    if civil_servant is not None:
        records = records.filter(civil_servant=civil_servant)
    else:
        records = records.filter(subject_kind=SubjectKind.ORGANIZATION, subject_organization=organization)
    if public:
        records = records.public()
    return list(records.values_list("id", "status"))


def honours_eligibility(
    *,
    organization=None,
    civil_servant=None,
    today: datetime.date | None = None,
    public: bool = False,
    sanctions_in_force: list | None = None,
    counting: list[tuple[int, str]] | None = None,
) -> Eligibility:
    """May this body (or person) receive honours and awards today? Computed, never typed in: barred while a
    取消评优评先资格 sanction is in force, or while an explanation or rectification it owes is overdue.

    `public=True` reasons only from records on public view, so a public page reveals nothing unpublished.
    `sanctions_in_force`: every sanction in force on `today` of the subject's confirmed, not withdrawn
    records (with their records), when the caller has read them all already (a credit check's summary):
    the bars are picked from those instead of being read again. `counting`: `counting_records` of the same
    subject with the same `public`, when the caller holds them already."""
    today = today or timezone.localdate()
    records = counting
    if records is None:
        records = counting_records(organization=organization, civil_servant=civil_servant, public=public)
    reasons = []
    if sanctions_in_force is None or public:
        # Every bar of the subject's records, ordered here: asked for the first few in end-date order,
        # PostgreSQL walks all bars in force in the city by end date instead of the subject's by record.
        sanctions_in_force = (
            Sanction.objects.in_force(today)
            .filter(record_id__any_of=ids(pk for pk, _status in records), kind=SanctionKind.HONOURS_INELIGIBILITY)
            .only("id", "record_id", "kind", "reason", "end_on")
        )
    sanctions = sorted(
        (s for s in sanctions_in_force if s.kind == SanctionKind.HONOURS_INELIGIBILITY),
        key=lambda sanction: (sanction.end_on is None, sanction.end_on, sanction.id),
    )[: REASONS_CAP + 1]
    more = len(sanctions) > REASONS_CAP
    for sanction in sanctions[:REASONS_CAP]:
        reasons.append(
            IneligibilityReason(
                code=SanctionKind.HONOURS_INELIGIBILITY,
                record_id=sanction.record_id,
                reference=sanction.record_reference,
                text=_("Barred from honours and awards until %(date)s (%(reason)s).")
                % {"date": sanction.end_on.isoformat(), "reason": sanction.reason},
                until=sanction.end_on,
            )
        )
    overdue = (
        Obligation.objects.overdue(today)
        .filter(record_id__any_of=ids(pk for pk, status in records if status != PublicationStatus.REPAIRED))
        .only("id", "record_id", "kind", "due_on")
        .order_by("due_on", "id")[: REASONS_CAP + 1]
    )
    overdue = list(overdue)
    more = more or len(overdue) > REASONS_CAP
    for obligation in overdue[:REASONS_CAP]:
        reasons.append(
            IneligibilityReason(
                code="rectification_overdue",
                record_id=obligation.record_id,
                reference=obligation.record_reference,
                text=_("%(kind)s was due on %(date)s and has not been handed in.")
                % {"kind": obligation.get_kind_display(), "date": obligation.due_on.isoformat()},
            )
        )
    return Eligibility(eligible=not reasons, reasons=reasons, more_reasons=more)


# A summary lists the newest records and sanctions; `category_counts` (and `open_record_count`) say how many.
SUMMARY_LIST_CAP = 50
SUMMARY_RECORD_FIELDS = (
    "id",
    "category",
    "severity",
    "facts_summary",
    "stage",
    "status",
    "rectification_state",
    "determined_on",
    "publicity_ends_on",
    "authority_id",
    "authority_name",
    "authority__id",
    "authority__name",
)


@dataclass
class IntegritySummary:
    organization: object
    open_records: list
    active_sanctions: list
    all_sanctions_listed: bool
    counting: list[tuple[int, str]]  # counting_records(organization, public=public)
    category_counts: dict[str, int]
    today: datetime.date
    public: bool

    @property
    def open_record_count(self) -> int:
        return sum(self.category_counts.values())

    @cached_property
    def eligibility(self) -> Eligibility:
        """Worked out when asked: a credit check for an outside caller reasons from every record instead."""
        return honours_eligibility(
            organization=self.organization, today=self.today, public=self.public, counting=self.counting
        )


def integrity_summary(organization, *, today: datetime.date | None = None, public: bool = False) -> IntegritySummary:
    """What another system's credit check (or the public profile) needs about one government body.

    `public=True` keeps to what anyone may see: records on public view and their published sanctions.
    """
    today = today or timezone.localdate()
    records = DishonestyRecord.objects.filter(subject_organization=organization, subject_kind=SubjectKind.ORGANIZATION)
    open_records = records.public() if public else records.standing()
    # What the summary shows of a record (the page, the credit check): a record has some sixty columns.
    open_records = list(
        open_records.select_related("authority").only(*SUMMARY_RECORD_FIELDS).order_by("-id")[:SUMMARY_LIST_CAP]
    )
    counting = counting_records(organization=organization, public=public)
    sanctions = Sanction.objects.in_force(today).filter(record_id__any_of=ids(pk for pk, _status in counting))
    counts = dict(
        records.public().values_list("category").annotate(n=Count("id")).order_by()
        if public
        else records.standing().values_list("category").annotate(n=Count("id")).order_by()
    )
    active_sanctions = list(sanctions.select_related("authority").order_by("-id")[: SUMMARY_LIST_CAP + 1])
    return IntegritySummary(
        organization=organization,
        open_records=open_records,
        active_sanctions=active_sanctions[:SUMMARY_LIST_CAP],
        all_sanctions_listed=len(active_sanctions) <= SUMMARY_LIST_CAP,
        counting=counting,
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
