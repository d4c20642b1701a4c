"""The credit file's own records: who may open it, who did, and what is entered here (commendations and
disciplinary outcomes). Everything else in the file is read from its source app, never copied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.models import TimeStampedModel
from organizations.models import CivilServant, Organization

from ..choices import CareerEntryKind, DisciplineSeverity, EligibilityPurpose, FilePurpose


class FileAccessGrant(TimeStampedModel):
    """A supervisor's time-limited permission to open files: of one servant, or of a subtree's servants."""

    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted to"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("files of"), on_delete=models.PROTECT, related_name="+"
    )
    civil_servant = models.ForeignKey(
        CivilServant,
        verbose_name=_("only the file of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=FilePurpose.choices)
    reason = models.TextField(_("reason"))
    granted_by_label = models.CharField(_("granted by"), max_length=200)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("file access grant")
        verbose_name_plural = _("file access grants")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["grantee", "expires_at"], condition=Q(revoked_at__isnull=True), name="file_grant_live_idx"
            )
        ]

    def __str__(self):
        return f"{self.grantee} · {self.organization} · {self.expires_at:%Y-%m-%d}"

    def audit_scope_path(self) -> str:
        return self.organization.path


class FileOpening(models.Model):
    """Every opening of a credit file — who, when, for what — shown to the servant in their own view."""

    civil_servant = models.ForeignKey(
        CivilServant, verbose_name=_("civil servant"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by_label = models.CharField(_("opened by (as shown)"), max_length=200)
    organization_name = models.CharField(_("their organization"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=FilePurpose.choices)
    detail = models.CharField(_("purpose in their words"), max_length=200, blank=True)
    grant = models.ForeignKey(
        FileAccessGrant,
        verbose_name=_("under grant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    via = models.CharField(_("via"), max_length=8, default="page")  # page | api

    class Meta:
        verbose_name = _("file opening")
        verbose_name_plural = _("file openings")
        ordering = ["-id"]
        indexes = [models.Index(fields=["civil_servant", "-id"], name="file_opening_person_idx")]

    def __str__(self):
        return f"{self.civil_servant_id} · {self.opened_by_label} · {self.opened_at:%Y-%m-%d %H:%M}"


class EligibilityCheck(models.Model):
    """Every eligibility check made about a servant (appointment, promotion, award, honours): shown to them."""

    civil_servant = models.ForeignKey(
        CivilServant, verbose_name=_("civil servant"), on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    checked_by_label = models.CharField(_("checked by"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=12, choices=EligibilityPurpose.choices)
    on = models.DateField(_("eligible on"), null=True)  # the day asked about (null: before this was kept)
    eligible = models.BooleanField(_("eligible"))
    reasons = models.PositiveSmallIntegerField(_("restrictions found"), default=0)
    # What was found, so the servant sees why: [{"code": …, "reference": …, "until": "YYYY-MM-DD" | null}] —
    # references to records, never their text (it is read from the source in the reader's language).
    findings = models.JSONField(_("restrictions"), default=list)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        ordering = ["-id"]
        indexes = [models.Index(fields=["civil_servant", "-id"], name="eligibility_check_person_idx")]

    def __str__(self):
        return f"{self.civil_servant_id} · {self.purpose} · {self.checked_at:%Y-%m-%d}"


class CareerEntryQuerySet(ScopedQuerySet):
    scope_path_field = "civil_servant__organization__path"

    def in_force(self):
        return self.filter(withdrawn_at__isnull=True)


class CareerEntry(TimeStampedModel):
    """A commendation or a disciplinary outcome entered by a personnel officer, with its decision."""

    civil_servant = models.ForeignKey(
        CivilServant, verbose_name=_("civil servant"), on_delete=models.PROTECT, related_name="career_entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CareerEntryKind.choices)
    severity = models.CharField(
        _("sanction"), max_length=16, choices=DisciplineSeverity.choices, blank=True
    )  # disciplinary outcomes only
    title = models.CharField(_("title"), max_length=200)
    decided_on = models.DateField(_("decided on"))
    # A sanction's period (公务员法 第六十四条), after which it no longer bars promotion; empty: no end.
    until_on = models.DateField(_("in effect until"), null=True, blank=True)
    decided_by = models.CharField(_("deciding authority"), max_length=200)
    document_number = models.CharField(_("decision document"), max_length=100)
    facts = models.TextField(_("facts"), blank=True)
    recorded_by_label = models.CharField(_("recorded by"), max_length=200)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = CareerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation or disciplinary outcome")
        verbose_name_plural = _("commendations and disciplinary outcomes")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["civil_servant", "-decided_on"], name="career_entry_person_idx")]

    def __str__(self):
        return f"{self.civil_servant_id} · {self.title}"

    def audit_scope_path(self) -> str:
        return self.civil_servant.organization.path


class RemovalFlag(TimeStampedModel):
    """'Consider removal' for the personnel officer in a serious case — a flag to decide on, never an act."""

    civil_servant = models.ForeignKey(
        CivilServant, verbose_name=_("civil servant"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    source_type = models.CharField(_("source record type"), max_length=60)
    source_id = models.BigIntegerField(_("source record"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by_label = models.CharField(_("resolved by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("consider-removal flag")
        verbose_name_plural = _("consider-removal flags")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["civil_servant", "source_type", "source_id"], name="removal_flag_once")
        ]

    def __str__(self):
        return f"{self.civil_servant_id} · {self.source_type}#{self.source_id}"

    def audit_scope_path(self) -> str:
        return self.civil_servant.organization.path
