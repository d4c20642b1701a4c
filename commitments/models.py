"""Credit pledges (信用承诺): who pledged what, by when, how it is kept, and how it ended.

A pledge is a publishable record (core.publication): a public pledge is published, corrected and
withdrawn through the shared life cycle, and its fulfilment is part of what the public sees. Its progress
is reported (a form or an import) or, for a measured pledge, computed from the portal's own data through
core.indicators. A parent pledge's progress is its children's, weighted (selectors.rolled_up_progress).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.access import ScopedQuerySet
from core.choices import Action
from core.imports.models import ImportJobBase
from core.models import TimeStampedModel
from core.publication import PublicationQuerySet, PublishableRecord
from organizations.models import CivilServant, Organization

from .choices import OPEN_FULFILMENTS, DepartmentTheme, Fulfilment, LawfulGround, PledgeKind, PPPStage, ServiceArea

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class PledgeQuerySet(PublicationQuerySet):
    scope_path_field = "organization__path"

    def public_q(self) -> Q:
        # Internal pledges (a civil servant's pledge before taking office, internal targets) are never public.
        return super().public_q() & Q(is_public=True)

    def open(self):
        return self.filter(fulfilment__in=OPEN_FULFILMENTS)


class Pledge(PublishableRecord, TimeStampedModel):
    record_type = "commitments.pledge"

    kind = models.CharField(_("kind"), max_length=24, choices=PledgeKind.choices)
    # Who pledges and answers for it: the body (for a civil servant's pledge, the body they serve in).
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="pledges"
    )
    civil_servant = models.ForeignKey(
        CivilServant,
        verbose_name=_("civil servant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    theme = models.CharField(_("theme"), max_length=24, choices=DepartmentTheme.choices, blank=True)
    service_area = models.CharField(_("service area"), max_length=24, choices=ServiceArea.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)  # 为民办实事: the year's list
    counterparty = models.CharField(_("company or investor"), max_length=200, blank=True)
    counterparty_uscc = models.CharField(_("its unified social credit code"), max_length=18, blank=True)
    project = models.CharField(_("project"), max_length=200, blank=True)  # PPP, procurement

    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("what is pledged"))
    legal_basis = models.CharField(pgettext_lazy("pledge", "legal basis"), max_length=500, blank=True)
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    is_public = models.BooleanField(_("public"), default=True)
    responsible_person = models.CharField(_("responsible person"), max_length=60, blank=True)

    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    weight = models.DecimalField(
        _("weight in its parent"), max_digits=6, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )
    # Reported (or measured) progress of a pledge without children; a parent's is rolled up from them.
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=0, validators=PERCENT)

    fulfilment = models.CharField(
        _("fulfilment"), max_length=20, choices=Fulfilment.choices, default=Fulfilment.IN_PROGRESS
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settlement_note = models.TextField(_("how it was settled"), blank=True)

    # A measured pledge: a core.indicators key, its parameters, and the value it promises to reach.
    indicator = models.CharField(_("measured by"), max_length=80, blank=True)
    indicator_parameters = models.JSONField(_("indicator parameters"), default=dict, blank=True)
    indicator_target = models.DecimalField(
        _("target (%)"), max_digits=5, decimal_places=1, null=True, blank=True, validators=PERCENT
    )
    # The latest measured value (the nightly sweep), so that lists show it without measuring on every page.
    # Derived from published records, so not a new version of the pledge: the pledge page measures live.
    measured_value = models.DecimalField(
        _("measured value (%)"), max_digits=5, decimal_places=1, null=True, blank=True, validators=PERCENT
    )
    measured_through = models.DateField(_("measured through"), null=True, blank=True)

    # A change by lawful procedure (§12): the ground, who approved it, and for investment promises and
    # contracts the compensation for the companies' losses.
    change_ground = models.CharField(_("legal ground"), max_length=20, choices=LawfulGround.choices, blank=True)
    change_approved_by = models.CharField(_("approving authority"), max_length=200, blank=True)
    change_document = models.CharField(_("approval document"), max_length=200, blank=True)
    change_compensation = models.TextField(_("compensation for losses"), blank=True)
    change_reason = models.TextField(_("what changed and why"), blank=True)

    # 承诺兑现评价 by a supervisor.
    evaluation_score = models.PositiveSmallIntegerField(
        _("evaluation score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    evaluation_comment = models.TextField(_("evaluation comment"), blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    evaluated_by_label = models.CharField(_("evaluated by"), max_length=200, blank=True)

    # A broken PPP duty (项目责任回溯): the stage and the day of the failure, and whoever answered for that
    # stage on that day (set by the service from the PPP responsibilities; read by the civil servant's file).
    breach_stage = models.CharField(_("stage of the breach"), max_length=16, choices=PPPStage.choices, blank=True)
    breach_occurred_on = models.DateField(_("breach occurred on"), null=True, blank=True)
    breach_answerable = models.ForeignKey(
        "PPPResponsibility",
        verbose_name=_("answerable for the breach"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="breaches",
    )

    # A civil servant's pledge before taking office, signed by the servant in person (self-service): when, and
    # the SHA-256 of the text they were shown, so the version they signed can be proven. Signing publishes it.
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_text_sha256 = models.CharField(_("SHA-256 of the text signed"), max_length=64, blank=True)

    # Set by the sweep when it has told supervisors the pledge is overdue, so it does so once.
    overdue_escalated_at = models.DateTimeField(_("overdue escalated at"), null=True, blank=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["-id"], condition=Q(status="published", is_public=True), name="pledge_public_idx"),
            models.Index(fields=["organization", "status", "-id"], name="pledge_org_idx"),
            models.Index(fields=["kind", "-id"], name="pledge_kind_idx"),
            models.Index(fields=["service_area", "-id"], condition=~Q(service_area=""), name="pledge_area_idx"),
            models.Index(fields=["year", "-id"], condition=Q(kind="practical_matter"), name="pledge_year_idx"),
            # The board's year selector: the years with public practical matters, an index-only scan.
            models.Index(
                fields=["year"],
                condition=Q(kind="practical_matter", status="published", is_public=True),
                name="pledge_public_year_idx",
            ),
            models.Index(fields=["parent", "id"], condition=Q(parent__isnull=False), name="pledge_parent_idx"),
            models.Index(
                fields=["due_on"], condition=Q(fulfilment__in=["in_progress", "overdue"]), name="pledge_open_due_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("starts_on")), name="pledge_due_after_start"),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="pledge_progress_percent"),
        ]

    def __str__(self):
        return f"{self.reference} · {self.title}"

    @property
    def reference(self) -> str:
        return f"XYCN-{self.pk:06d}" if self.pk else "XYCN-new"

    def audit_scope_path(self) -> str:
        return self.organization.path

    @property
    def is_open(self) -> bool:
        return self.fulfilment in OPEN_FULFILMENTS

    @property
    def text_sha256(self) -> str:
        """What a signature binds: the title and the text as shown."""
        return hashlib.sha256(f"{self.title}\n{self.content}".encode()).hexdigest()


class Milestone(TimeStampedModel):
    pledge = models.ForeignKey(Pledge, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    # Counted from the pledge's start in working days when the pledge says so (the shared calendar).
    working_days = models.PositiveSmallIntegerField(_("working days from the start"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    due_provisional = models.BooleanField(_("deadline provisional"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("overdue escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["pledge_id", "due_on", "id"]
        indexes = [models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="milestone_open_due_idx")]

    def __str__(self):
        return self.title


class ProgressReport(models.Model):
    """One update of a pledge's progress: the public timeline is made of these."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    progress_before = models.DecimalField(_("progress before (%)"), max_digits=5, decimal_places=2)
    progress_after = models.DecimalField(_("progress after (%)"), max_digits=5, decimal_places=2)
    note = models.TextField(_("what was done"))
    # Required when progress goes down: why the earlier figure was wrong or work was undone.
    reason = models.TextField(_("why progress went down"), blank=True)
    source = models.CharField(_("source"), max_length=12, default="form")  # form | import | api
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    reported_by_label = models.CharField(_("reported by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["pledge_id", "id"]

    def __str__(self):
        return f"{self.pledge_id}: {self.progress_before} → {self.progress_after}"


class PPPResponsibility(TimeStampedModel):
    """Who answered for a PPP project's stage, and when (项目责任回溯): a breach found later is traced to
    whoever answered for that stage then."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="ppp_responsibilities"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=PPPStage.choices)
    person_name = models.CharField(_("responsible person"), max_length=60)
    civil_servant = models.ForeignKey(
        CivilServant,
        verbose_name=_("civil servant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ppp_responsibilities",
    )
    from_on = models.DateField(_("from"))
    until_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("PPP stage responsibility")
        verbose_name_plural = _("PPP stage responsibilities")
        ordering = ["pledge_id", "from_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until_on__isnull=True) | Q(until_on__gte=models.F("from_on")), name="ppp_until_after_from"
            )
        ]

    def __str__(self):
        return f"{self.get_stage_display()} · {self.person_name}"


class Evidence(models.Model):
    """A file showing how a pledge is kept (a photo, an acceptance report). Published with a public pledge,
    so only kinds a reader can open are taken, each checked by its content (core.uploads)."""

    pledge = models.ForeignKey(Pledge, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="evidence")
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to="commitments/evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=200)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pledge_id", "id"]

    def __str__(self):
        return self.original_name

    def audit_scope_path(self) -> str:
        return self.pledge.organization.path


class ProgressImportQuerySet(ScopedQuerySet):
    scope_path_field = "organization__path"

    def for_reporter(self, principal):
        """The jobs of bodies whose pledges the principal reports on: its staff, or its supervisors (the
        same two scopes `pledge_report_progress` accepts). Anyone else sees none, as if there were none."""
        return self.in_scope(principal, Action.CHANGE) | self.in_scope(principal, Action.SUPERVISE)


class ProgressImport(ImportJobBase):
    """One uploaded CSV/XLSX file of progress reports (承诺编号, 进度, 进展说明 …): checked first, then, on
    confirmation, every row reported through `pledge_report_progress` in one transaction (all or nothing)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="commitments/imports/%Y/%m/")
    reported_count = models.PositiveIntegerField(_("progress reports"), default=0)

    objects = ProgressImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress import")
        verbose_name_plural = _("progress imports")
        ordering = ["-id"]

    def audit_scope_path(self) -> str:
        return self.organization.path
