"""The complaint deadlines as data: a supervisor changes a period; complaints keep the days they were
counted with (Complaint.periods), so a change applies to what is received from then on."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from ..choices import DeadlineKind


class DeadlineRule(TimeStampedModel):
    kind = models.CharField(_("period"), max_length=20, choices=DeadlineKind.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        _("calendar days"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    changed_by_label = models.CharField(_("changed by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("complaint deadline")
        verbose_name_plural = _("complaint deadlines")
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind}: {self.days}"
