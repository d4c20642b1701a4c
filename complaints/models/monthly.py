"""The public statistics' precomputed table: one row a month (of receipt), organization complained about and
category, with the counts the statistics page adds up. Written only by `complaints.statistics.refresh`; read
only by the statistics page. No personal data: counts only."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from ..choices import Category


class ComplaintMonthly(models.Model):
    month = models.DateField(_("month received (first day)"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization complained about"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    received = models.PositiveIntegerField(_("received"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    declined = models.PositiveIntegerField(_("not accepted"), default=0)
    decided_on_time = models.PositiveIntegerField(_("acceptance decided in time"), default=0)
    replied = models.PositiveIntegerField(_("replied after acceptance"), default=0)
    replied_on_time = models.PositiveIntegerField(_("replied in time"), default=0)
    rated_1 = models.PositiveIntegerField(default=0)
    rated_2 = models.PositiveIntegerField(default=0)
    rated_3 = models.PositiveIntegerField(default=0)
    rated_4 = models.PositiveIntegerField(default=0)
    rated_5 = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(_("computed at"))
    events_upto = models.BigIntegerField(_("timeline steps counted up to (id)"), default=0)

    class Meta:
        verbose_name = _("monthly complaint counts")
        verbose_name_plural = _("monthly complaint counts")
        constraints = [
            models.UniqueConstraint(fields=["month", "organization", "category"], name="complaint_monthly_key"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.organization_id} · {self.category}"
