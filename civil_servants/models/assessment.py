"""Quantified integrity assessment (诚信量化考核): the rules are data, versioned by effective date; every score
keeps its breakdown and the rule version that made it, and is never rewritten when the rules change."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import CivilServant


class AssessmentRuleSet(models.Model):
    """One version of the scoring rules, in effect from its date until the next version's."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("in effect from"), unique=True)
    # {"base": 100, "records": {"<category>": {"general": -10, "serious": -30}}, "training": {...},
    #  "pledges": {...}, "decay": {"half_life_months": 24}} — checked by the service before it is saved.
    rules = models.JSONField(_("rules"))
    note = models.TextField(_("what changed and why"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by_label = models.CharField(_("created by"), max_length=200)

    class Meta:
        verbose_name = _("assessment rule set")
        verbose_name_plural = _("assessment rule sets")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"v{self.version} ({self.effective_from})"


class IntegrityScore(models.Model):
    """A servant's score as of a day, with every line of its breakdown and the rule version used.
    Append-only: a recompute that changes nothing writes nothing; a change writes a new row."""

    civil_servant = models.ForeignKey(
        CivilServant, verbose_name=_("civil servant"), on_delete=models.PROTECT, related_name="+"
    )
    rule_set = models.ForeignKey(
        AssessmentRuleSet, verbose_name=_("rules"), on_delete=models.PROTECT, related_name="scores"
    )
    as_of = models.DateField(_("as of"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    breakdown = models.JSONField(_("breakdown"))  # [{"line": …, "source": "<type>#<id>", "points": "-10.00"}]
    inputs_digest = models.CharField(_("inputs digest"), max_length=64)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("integrity score")
        verbose_name_plural = _("integrity scores")
        ordering = ["-id"]
        indexes = [models.Index(fields=["civil_servant", "-id"], name="integrity_score_person_idx")]

    def __str__(self):
        return f"{self.civil_servant_id} · {self.score} ({self.as_of})"
