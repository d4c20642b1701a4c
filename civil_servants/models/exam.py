"""Civil servant credit files (公务员信用档案). This first part: the grounds that bar an applicant from the civil
service exam, and the log of every check made against them.

An applicant is not yet a civil servant, so grounds are kept by resident ID number (stored whole, never shown
whole: core.personal_data masks it in audit rows and pages). A check is logged with who asked and why, and a
keyed digest of the number — never the number — so that the person can later be shown every check made
about them without the log holding their ID.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.identifiers import mask_resident_id, validate_resident_id
from core.models import TimeStampedModel
from organizations.models import Organization

from ..choices import ExamGround


class ExamDisqualificationQuerySet(ScopedQuerySet):
    scope_path_field = "organization__path"

    def in_force(self):
        return self.filter(withdrawn_at__isnull=True)


class ExamDisqualification(TimeStampedModel):
    """One ground barring a person from the exam, as decided by an authority: its dates say how long."""

    resident_id = models.CharField(_("resident ID number"), max_length=18, validators=[validate_resident_id])
    person_name = models.CharField(_("name"), max_length=60)
    ground = models.CharField(_("ground"), max_length=24, choices=ExamGround.choices)
    decided_on = models.DateField(_("decided on"))
    # The last day it bars; empty for a ground that bars for ever (or for life).
    until_on = models.DateField(_("bars until"), null=True, blank=True)
    decided_by = models.CharField(_("deciding authority"), max_length=200)
    document_number = models.CharField(_("decision document"), max_length=100)
    facts = models.TextField(_("facts"), blank=True)
    # The personnel department that recorded it (whose officers keep it).
    organization = models.ForeignKey(
        Organization, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(_("recorded by (person)"), max_length=200)
    # Never deleted: a ground found wrong is withdrawn, with the reason, and no longer bars.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = ExamDisqualificationQuerySet.as_manager()
    personal_data_fields = ("resident_id",)

    class Meta:
        verbose_name = _("exam disqualification")
        verbose_name_plural = _("exam disqualifications")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["resident_id"], condition=Q(withdrawn_at__isnull=True), name="exam_dq_person_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(until_on__isnull=True) | Q(until_on__gte=models.F("decided_on")), name="exam_dq_until"
            )
        ]

    def __str__(self):
        return f"{self.person_name} · {self.get_ground_display()}"

    @property
    def masked_resident_id(self) -> str:
        return mask_resident_id(self.resident_id)

    def audit_scope_path(self) -> str:
        return self.organization.path


class ExamEligibilityCheck(models.Model):
    """Every exam-eligibility check: who asked, why, and what they were told (the person by digest only)."""

    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    client_label = models.CharField(_("asked by"), max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name=_("asking organization"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    person_digest = models.CharField(_("person (keyed digest of the ID number)"), max_length=64)
    eligible = models.BooleanField(_("eligible"))
    grounds = models.PositiveSmallIntegerField(_("grounds found"))

    class Meta:
        verbose_name = _("exam eligibility check")
        verbose_name_plural = _("exam eligibility checks")
        ordering = ["-id"]
        indexes = [models.Index(fields=["person_digest", "-id"], name="exam_check_person_idx")]

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} · {self.client_label}"
