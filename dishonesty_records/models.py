"""Failures of integrity by government bodies and civil servants (政务失信记录), and what follows them.

A record has two axes. `stage` is the determination: proposed → (objected) → confirmed | dismissed.
`status` is the shared publication life cycle of core.publication: draft → published → withdrawn /
publicity ended / repaired. A confirmed record carries obligations (written explanation, rectification)
with working-day deadlines, sanctions as data, and at most one open credit-repair application.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.access import ScopedQuerySet
from core.models import TimeStampedModel
from core.publication import PublicationQuerySet, PublicationStatus, PublishableRecord
from organizations.models import CivilServant, Organization

from .choices import (
    Category,
    DisplayState,
    EvidenceStage,
    ObligationKind,
    ObligationStatus,
    Origin,
    RectificationState,
    RepairStatus,
    SanctionKind,
    SanctionStatus,
    Severity,
    SourceKind,
    Stage,
    SubjectKind,
    SubmissionDecision,
)

OPEN_OBLIGATION_STATUSES = (ObligationStatus.OPEN, ObligationStatus.RETURNED)


class DishonestyRecordQuerySet(PublicationQuerySet):
    scope_path_field = "subject_organization__path"

    def awaiting_ruling(self, today: datetime.date | None = None):
        """Ready for a supervisor: an objection was filed, waived, or its period is over."""
        today = today or timezone.localdate()
        return self.filter(stage__in=[Stage.PROPOSED, Stage.OBJECTED]).filter(
            Q(stage=Stage.OBJECTED) | Q(objection_waived_at__isnull=False) | Q(objection_deadline__lt=today)
        )

    def standing(self):
        """Confirmed and still counting against the subject: not withdrawn, ended or repaired."""
        return self.filter(stage=Stage.CONFIRMED, status__in=[PublicationStatus.DRAFT, PublicationStatus.PUBLISHED])


class DishonestyRecord(PublishableRecord, TimeStampedModel):
    record_type = "dishonesty_records.record"

    # --- the subject -----------------------------------------------------------------------------
    subject_kind = models.CharField(
        pgettext_lazy("dishonesty record", "subject kind"), max_length=20, choices=SubjectKind.choices
    )
    # For a civil servant, the body they served in when the failure occurred: it answers for the
    # record, and the access rule reads its path.
    subject_organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="dishonesty_records"
    )
    civil_servant = models.ForeignKey(
        CivilServant,
        verbose_name=_("civil servant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dishonesty_records",
    )
    # As the subject was named when the record was proposed, and again when it was published: what was
    # published must not change when a body is renamed or a person moves.
    subject_name = models.CharField(pgettext_lazy("dishonesty record", "subject name"), max_length=200)
    subject_uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    subject_position = models.CharField(_("position"), max_length=100, blank=True)
    subject_organization_name = models.CharField(_("organization (as published)"), max_length=100, blank=True)

    # --- what happened ---------------------------------------------------------------------------
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    facts = models.TextField(_("facts"))
    # For a civil servant only this summary is published, never the full facts.
    facts_summary = models.CharField(_("summary of facts (published)"), max_length=500)
    occurred_on = models.DateField(_("occurred on"))
    source_kind = models.CharField(_("source document kind"), max_length=20, choices=SourceKind.choices)
    source_document_number = models.CharField(_("source document number"), max_length=100, blank=True)
    source_issuing_body = models.CharField(_("issued by"), max_length=100)
    source_document_date = models.DateField(_("source document date"), null=True, blank=True)

    # --- where it came from ----------------------------------------------------------------------
    origin = models.CharField(_("proposed through"), max_length=20, choices=Origin.choices)
    # A pledge, disclosure or complaint, named by record type ("disclosures.penalty") and id: the apps
    # that propose records sit beside or above this one, so no foreign key can point at all of them.
    origin_record_type = models.CharField(_("originating record type"), max_length=60, blank=True)
    origin_record_id = models.BigIntegerField(_("originating record id"), null=True, blank=True)

    # --- determination ---------------------------------------------------------------------------
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.PROPOSED)
    objection_deadline = models.DateField(_("objection deadline"))
    objection_deadline_provisional = models.BooleanField(_("objection deadline provisional"), default=False)
    objection_statement = models.TextField(_("objection (申辩)"), blank=True)
    objected_at = models.DateTimeField(_("objection filed at"), null=True, blank=True)
    objection_waived_at = models.DateTimeField(_("objection waived at"), null=True, blank=True)
    # Set by the sweep when supervisors were told the record is ready for their ruling, so it is said once.
    ruling_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # FollowTheMoney's Sanction, read as the listing of this record: authority, reason, listing/start/end.
    authority = models.ForeignKey(
        Organization,
        verbose_name=_("confirming authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    authority_name = models.CharField(_("confirming authority (as published)"), max_length=100, blank=True)
    reason = models.TextField(_("reasons for the ruling"), blank=True)
    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    determined_on = models.DateField(_("determined on"), null=True, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    publication_allowed = models.BooleanField(_("may be published"), default=True)
    publication_restriction = models.CharField(_("why it is not published"), max_length=300, blank=True)

    rectification_state = models.CharField(
        _("rectification"), max_length=12, choices=RectificationState.choices, default=RectificationState.NONE
    )

    objects = DishonestyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("dishonesty record")
        verbose_name_plural = _("dishonesty records")
        indexes = [
            models.Index(fields=["-id"], condition=Q(status=PublicationStatus.PUBLISHED), name="dr_public_idx"),
            models.Index(fields=["subject_organization", "status", "-id"], name="dr_subject_org_idx"),
            models.Index(fields=["category", "-id"], name="dr_category_idx"),
            # Proposals awaiting the objection period or a ruling, soonest first (queues, the ruling sweep).
            models.Index(
                fields=["objection_deadline", "id"],
                condition=Q(stage__in=[Stage.PROPOSED, Stage.OBJECTED]),
                name="dr_undecided_idx",
            ),
            models.Index(fields=["status", "publicity_ends_on"], name="dr_publicity_idx"),
            models.Index(
                fields=["rectification_state", "-id"],
                condition=Q(rectification_state__in=[RectificationState.IN_PROGRESS, RectificationState.OVERDUE]),
                name="dr_open_rectification_idx",
            ),
            models.Index(fields=["origin_record_type", "origin_record_id"], name="dr_origin_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_kind=SubjectKind.ORGANIZATION, civil_servant__isnull=True)
                | Q(subject_kind=SubjectKind.CIVIL_SERVANT, civil_servant__isnull=False),
                name="dr_subject_matches_kind",
            ),
            # Nothing is published before a supervisor confirmed it.
            models.CheckConstraint(
                condition=Q(status=PublicationStatus.DRAFT) | Q(stage=Stage.CONFIRMED), name="dr_published_confirmed"
            ),
        ]

    def __str__(self):
        return f"{self.reference} · {self.subject_name}"

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk)

    @staticmethod
    def reference_of(pk: int | None) -> str:
        """The reference of the record with this id, without reading the record."""
        return f"ZWSX-{pk:06d}" if pk else "ZWSX-new"

    def audit_scope_path(self) -> str:
        return self.subject_organization.path

    @property
    def is_civil_servant(self) -> bool:
        return self.subject_kind == SubjectKind.CIVIL_SERVANT

    @property
    def display_state(self) -> str:
        if self.stage != Stage.CONFIRMED:
            return {Stage.PROPOSED: DisplayState.PROPOSED, Stage.OBJECTED: DisplayState.OBJECTED}.get(
                self.stage, DisplayState.DISMISSED
            )
        if self.status == PublicationStatus.DRAFT:
            return DisplayState.CONFIRMED
        if self.status != PublicationStatus.PUBLISHED:
            return self.status  # withdrawn, publicity_ended and repaired share their names
        return {
            RectificationState.IN_PROGRESS: DisplayState.RECTIFYING,
            RectificationState.OVERDUE: DisplayState.OVERDUE,
            RectificationState.RECTIFIED: DisplayState.RECTIFIED,
        }.get(self.rectification_state, DisplayState.PUBLISHED)

    def get_display_state_display(self) -> str:
        return DisplayState(self.display_state).label

    @property
    def objection_open(self) -> bool:
        return (
            self.stage == Stage.PROPOSED
            and self.objection_waived_at is None
            and self.objection_deadline >= timezone.localdate()
        )


class ObligationQuerySet(ScopedQuerySet):
    scope_path_field = "record__subject_organization__path"

    def open(self):
        """Still owed: not handed in (or returned), and the record was not withdrawn as wrong."""
        return self.filter(status__in=OPEN_OBLIGATION_STATUSES).exclude(record__status=PublicationStatus.WITHDRAWN)

    def overdue(self, today: datetime.date | None = None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Obligation(TimeStampedModel):
    """A written explanation or a rectification the subject owes, due in working days (§4)."""

    record = models.ForeignKey(
        DishonestyRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="obligations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ObligationKind.choices)
    requirement = models.TextField(_("what is required"))
    working_days = models.PositiveSmallIntegerField(_("working days allowed"))
    # The day the current deadline is counted from: the confirmation, or the return that gave more time
    # (working_days is then the time given). Recounting after a holiday import starts here.
    counted_from = models.DateField(_("counted from"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    due_provisional = models.BooleanField(_("deadline provisional"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ObligationStatus.choices, default=ObligationStatus.OPEN
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # Set when the overdue sweep escalated it to the subject's supervisors, so it escalates once.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["record_id", "id"]
        constraints = [models.UniqueConstraint(fields=["record", "kind"], name="obligation_one_per_kind")]
        # Only what is still owed or awaits review is looked up by date (queues, overview, overdue sweep);
        # accepted obligations, the bulk over the years, stay out of the index.
        indexes = [
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status__in=[ObligationStatus.OPEN, ObligationStatus.RETURNED, ObligationStatus.SUBMITTED]),
                name="obligation_pending_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.record_reference}"

    @property
    def record_reference(self) -> str:
        return DishonestyRecord.reference_of(self.record_id)

    def audit_scope_path(self) -> str:
        return self.record.subject_organization.path

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_OBLIGATION_STATUSES and self.due_on < timezone.localdate()


class Submission(models.Model):
    """What the subject handed in for an obligation, and the supervisor's answer to it."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="submissions")
    text = models.TextField(_("text"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by_label = models.CharField(_("submitted by"), max_length=200)
    decision = models.CharField(
        _("decision"), max_length=10, choices=SubmissionDecision.choices, default=SubmissionDecision.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by_label = models.CharField(_("decided by"), max_length=200, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["id"]

    def __str__(self):
        return f"{self.obligation} · {self.submitted_at:%Y-%m-%d}"

    def audit_scope_path(self) -> str:
        return self.obligation.record.subject_organization.path


class SanctionQuerySet(ScopedQuerySet):
    scope_path_field = "record__subject_organization__path"

    def in_force(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(status=SanctionStatus.ACTIVE, start_on__lte=today).filter(
            Q(end_on__isnull=True) | Q(end_on__gte=today)
        )


class Sanction(TimeStampedModel):
    """A consequence as data (§4), shaped like FollowTheMoney's Sanction."""

    record = models.ForeignKey(
        DishonestyRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=SanctionKind.choices)
    authority = models.ForeignKey(
        Organization, verbose_name=_("imposed by"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=SanctionStatus.choices, default=SanctionStatus.ACTIVE)
    listed_on = models.DateField(_("listed on"))
    start_on = models.DateField(_("in force from"))
    end_on = models.DateField(_("in force until"), null=True, blank=True)
    # 通报批评: the notice itself, published with the record.
    notice_text = models.TextField(_("text of the notice"), blank=True)
    # 责任追究: where it was referred, and what came of it.
    referred_to = models.CharField(_("referred to"), max_length=100, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_on = models.DateField(_("outcome dated"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["record_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")), name="sanction_dates_order"
            )
        ]
        indexes = [models.Index(fields=["kind", "status", "end_on"], name="sanction_in_force_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.record_reference}"

    @property
    def record_reference(self) -> str:
        return DishonestyRecord.reference_of(self.record_id)

    def audit_scope_path(self) -> str:
        return self.record.subject_organization.path

    def in_force_on(self, day: datetime.date) -> bool:
        return (
            self.status == SanctionStatus.ACTIVE
            and self.start_on <= day
            and (self.end_on is None or day <= self.end_on)
        )

    @property
    def in_force(self) -> bool:
        return self.in_force_on(timezone.localdate())


class RepairApplicationQuerySet(ScopedQuerySet):
    scope_path_field = "record__subject_organization__path"

    def pending(self):
        return self.filter(status=RepairStatus.SUBMITTED)


class RepairApplication(TimeStampedModel):
    """Credit repair (信用修复): after the minimum publicity period, with evidence of rectification."""

    record = models.ForeignKey(
        DishonestyRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="repair_applications"
    )
    statement = models.TextField(_("statement"))
    status = models.CharField(_("status"), max_length=12, choices=RepairStatus.choices, default=RepairStatus.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    submitted_by_label = models.CharField(_("applicant"), max_length=200)
    review_due_on = models.DateField(_("review due on"))
    review_due_provisional = models.BooleanField(_("review deadline provisional"), default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by_label = models.CharField(_("decided by"), max_length=200, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    # The deciding unit hears the result within three working days (national credit-repair model).
    result_shared_by = models.DateField(_("result shared with the deciding unit by"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RepairApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(status=RepairStatus.SUBMITTED), name="repair_one_pending_per_record"
            )
        ]
        indexes = [models.Index(fields=["status", "review_due_on"], name="repair_due_idx")]

    def __str__(self):
        return f"{self.record.reference} · {self.get_status_display()}"

    def audit_scope_path(self) -> str:
        return self.record.subject_organization.path

    @property
    def is_overdue(self) -> bool:
        return self.status == RepairStatus.SUBMITTED and self.review_due_on < timezone.localdate()


class EvidenceQuerySet(ScopedQuerySet):
    scope_path_field = "record__subject_organization__path"


class Evidence(models.Model):
    """A file behind a proposal, an objection, a submission or a repair application. Never public."""

    record = models.ForeignKey(DishonestyRecord, on_delete=models.PROTECT, related_name="evidence")
    stage = models.CharField(_("stage"), max_length=12, choices=EvidenceStage.choices)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    repair_application = models.ForeignKey(
        RepairApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="dishonesty/evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=200)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]

    def __str__(self):
        return self.original_name

    def audit_scope_path(self) -> str:
        return self.record.subject_organization.path
