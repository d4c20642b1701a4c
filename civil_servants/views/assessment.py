"""Staff pages of the integrity assessment: the rule sets (list, a new version) and a servant's score."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import scope_for
from core.choices import Action
from core.forms import attach_errors
from organizations.models import CivilServant

from ..models import AssessmentRuleSet
from ..services import assessment
from ..services.eligibility import may_check_eligibility

EXAMPLE_RULES = {
    "base": 100,
    "records": {"general": -10, "serious": -30},
    "training": {"per_missing": -2, "share_points": 10},
    "pledges": {"fulfilled": 1, "breached": -10},
    "decay": {"half_life_months": 24},
}


class RuleSetForm(forms.Form):
    effective_from = forms.DateField(
        label=gettext_lazy("In effect from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rules = forms.CharField(
        label=gettext_lazy("Rules (JSON)"),
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace"}),
        help_text=gettext_lazy(
            "Keys: base; records (general, serious, categories); training (per_missing, share_points); "
            "pledges (fulfilled, partly_fulfilled, breached); decay (half_life_months or linear_years)."
        ),
    )
    note = forms.CharField(label=gettext_lazy("What changed and why"), widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def rule_set_list(request):
    """Every personnel officer reads the rules their servants are scored by; the city's keep them."""
    keeper = assessment.may_manage_rules(request.user)
    if not keeper and (request.method == "POST" or scope_for(request.user, Action.PERSONNEL).is_empty):
        raise PermissionDenied
    form = None
    if request.method == "POST":
        form = RuleSetForm(request.POST)
        if form.is_valid():
            try:
                rule_set = assessment.rule_set_create(
                    effective_from=form.cleaned_data["effective_from"],
                    rules=form.cleaned_data["rules"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Version %(version)s saved.") % {"version": rule_set.version})
                return redirect("civil_servants:assessment_rules")
    elif keeper:
        latest = AssessmentRuleSet.objects.order_by("-version").first()
        form = RuleSetForm(
            initial={"rules": json.dumps(latest.rules if latest else EXAMPLE_RULES, ensure_ascii=False, indent=2)}
        )
    rule_sets = list(AssessmentRuleSet.objects.order_by("-effective_from"))
    for rule_set in rule_sets:
        rule_set.pretty = json.dumps(rule_set.rules, ensure_ascii=False, indent=2)
    return render(
        request, "civil_servants/assessment/rules.html", {"form": form, "rule_sets": rule_sets, "keeper": keeper}
    )


@login_required
def score_detail(request, pk: int):
    person = CivilServant.objects.select_related("organization").filter(pk=pk).first()
    if person is None or not may_check_eligibility(request.user, person):
        raise Http404
    scores = assessment.history(person)
    context = {"person": person, "latest": scores[0] if scores else None, "history": scores}
    return render(request, "civil_servants/assessment/score.html", context)


urlpatterns = [
    path("staff/integrity-assessment/rules/", rule_set_list, name="assessment_rules"),
    path("staff/civil-servants/<int:pk>/integrity-score/", score_detail, name="assessment_score"),
]
