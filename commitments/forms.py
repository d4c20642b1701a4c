"""Forms of the pledge pages. Field types and widgets only: the rules live in the services, whose field
errors the views attach back to these forms (core.forms.attach_errors)."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import indicators
from core.choices import Action
from core.forms import MultipleFileField
from core.widgets import FastSelect, FastTextInput
from organizations.models import CivilServant, Organization

from .choices import DepartmentTheme, Fulfilment, LawfulGround, PledgeKind, PPPStage, ServiceArea
from .models import Milestone, Pledge

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_REFERENCE = re.compile(r"^XYCN-?(\d{1,9})$")


def _choices(choices, *, blank=None):
    return [("", blank or "—"), *choices]


def _text(label, *, rows=3, required=False, max_length=4000, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


# --- the public list --------------------------------------------------------------------------------


def _fast_select():
    return FastSelect(attrs={"class": "form-select"})


class PublicFilterForm(forms.Form):
    """The query string of the public list; bad input becomes a field error, never a server error. Its
    widgets are written in Python (core.widgets): the busiest page should not render options by template."""

    q = forms.CharField(
        label=_("Title or reference"),
        required=False,
        max_length=100,
        widget=FastTextInput(attrs={"type": "search", "class": "form-control", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=_fast_select())
    service_area = forms.ChoiceField(label=_("Service area"), required=False, widget=_fast_select())
    fulfilment = forms.ChoiceField(label=_("Fulfilment"), required=False, widget=_fast_select())
    organization = forms.IntegerField(
        label=_("Organization"), required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = _("All")
        self.fields["kind"].choices = _choices(PledgeKind.choices, blank=everything)
        self.fields["service_area"].choices = _choices(ServiceArea.choices, blank=everything)
        self.fields["fulfilment"].choices = _choices(Fulfilment.choices, blank=everything)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:  # marked for Bootstrap, the message next to its field
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-describedby"] = f"id_{name}-error"

    def filter(self, pledges):
        data = self.cleaned_data
        for name in ("kind", "service_area", "fulfilment"):
            if data.get(name):
                pledges = pledges.filter(**{name: data[name]})
        if data.get("organization"):
            pledges = pledges.filter(organization_id=data["organization"])
        if query := (data.get("q") or "").strip():
            reference = _REFERENCE.match(query.upper())
            # Chinese has no case: a plain LIKE, which the planner estimates better than UPPER(title) LIKE.
            pledges = pledges.filter(pk=int(reference.group(1))) if reference else pledges.filter(title__contains=query)
        return pledges


# --- staff: entering a pledge ---------------------------------------------------------------------------


class PledgeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_choices(PledgeKind.choices), required=False)
    organization = forms.ModelChoiceField(label=_("Pledging organization"), queryset=Organization.objects.none())
    civil_servant = forms.ModelChoiceField(
        label=_("Civil servant (a pledge before taking office)"), queryset=CivilServant.objects.none(), required=False
    )
    theme = forms.ChoiceField(
        label=_("Theme (department pledges)"), choices=_choices(DepartmentTheme.choices), required=False
    )
    service_area = forms.ChoiceField(
        label=_("Service area (street and township pledges)"), choices=_choices(ServiceArea.choices), required=False
    )
    year = forms.IntegerField(label=_("Year of the list (为民办实事)"), required=False, min_value=2000, max_value=2100)
    counterparty = forms.CharField(
        label=_("Company or investor (investment promotion)"), required=False, max_length=200
    )
    counterparty_uscc = forms.CharField(label=_("Its unified social credit code"), required=False, max_length=18)
    project = forms.CharField(label=_("Project (PPP, procurement)"), required=False, max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    content = _text(_("What is pledged"), rows=4)
    legal_basis = forms.CharField(label=pgettext_lazy("pledge", "Legal basis"), required=False, max_length=500)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET)
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("A public pledge and its progress and evidence are published; a civil servant's never is."),
    )
    responsible_person = forms.CharField(label=_("Responsible person"), required=False, max_length=60)
    parent = forms.ModelChoiceField(
        label=_("Part of (a larger pledge of the same organization)"), queryset=Pledge.objects.none(), required=False
    )
    weight = forms.DecimalField(label=_("Weight in it"), required=False, min_value=0, max_digits=6, decimal_places=2)
    indicator = forms.ChoiceField(label=_("Measured by the portal"), required=False)
    working_days = forms.IntegerField(
        label=_("Within working days (measured pledges)"), required=False, min_value=1, max_value=60
    )
    indicator_target = forms.DecimalField(
        label=_("Target share (%)"), required=False, min_value=0, max_value=100, max_digits=5, decimal_places=1
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        writable = Organization.objects.for_user(actor, Action.CHANGE) | Organization.objects.for_user(
            actor, Action.SUPERVISE
        )
        self.fields["organization"].queryset = writable.order_by("path")
        self.fields["civil_servant"].queryset = CivilServant.objects.filter(
            organization__in=writable.values("pk")
        ).select_related("organization")
        self.fields["parent"].queryset = Pledge.objects.filter(
            Q(organization__in=writable.values("pk")), fulfilment__in=[Fulfilment.IN_PROGRESS, Fulfilment.OVERDUE]
        ).order_by("-id")
        self.fields["indicator"].choices = _choices(indicators.indicator_choices(), blank=_("Not measured: reported"))

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        working_days = data.pop("working_days", None)
        data["indicator_parameters"] = {"working_days": working_days} if working_days else {}
        if data.get("weight") is None:
            data["weight"] = 1
        return data


# --- staff: acts on a pledge ----------------------------------------------------------------------------


class ProgressForm(forms.Form):
    progress = forms.CharField(label=_("Progress (%)"), max_length=12, required=False)
    note = _text(_("What was done"), rows=3)
    reason = _text(_("Why progress went down (only if it did)"), rows=2)
    milestone = forms.ModelChoiceField(label=_("Milestone reached"), queryset=Milestone.objects.none(), required=False)
    files = MultipleFileField(
        label=_("Evidence files"),
        help_text=_("PDF, OFD, images, Word or Excel, up to 10 MB each. Evidence of a public pledge is published."),
    )

    def __init__(self, *args, pledge=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pledge is not None:
            self.fields["milestone"].queryset = pledge.milestones.filter(done_on__isnull=True)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET)
    working_days = forms.IntegerField(
        label=_("Or: working days after the pledge starts"), required=False, min_value=1, max_value=2000
    )


class MilestoneDoneForm(forms.Form):
    milestone = forms.ModelChoiceField(label=_("Milestone reached"), queryset=Milestone.objects.none(), required=False)
    done_on = forms.DateField(label=_("Reached on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, pledge=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pledge is not None:
            self.fields["milestone"].queryset = pledge.milestones.filter(done_on__isnull=True)


class SettleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=_choices(
            [
                (value, label)
                for value, label in Fulfilment.choices
                if value in {"fulfilled", "partly_fulfilled", "breached"}
            ]
        ),
    )
    note = _text(_("How the pledge was kept or broken"), rows=3)
    breach_stage = forms.ChoiceField(
        label=_("Stage of the breach (PPP duties)"), required=False, choices=_choices(PPPStage.choices)
    )
    breach_occurred_on = forms.DateField(
        label=_("Day of the breach (PPP duties)"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("A broken PPP duty is traced to whoever answered for that stage on that day."),
    )


class LawfulChangeForm(forms.Form):
    ground = forms.ChoiceField(label=_("Legal ground"), required=False, choices=_choices(LawfulGround.choices))
    approved_by = forms.CharField(label=_("Approving authority"), required=False, max_length=200)
    document = forms.CharField(label=_("Approval document"), required=False, max_length=200)
    compensation = _text(_("Compensation for the companies' losses (investment promises and contracts)"), rows=2)
    reason = _text(_("What changes and why"), rows=3)


class EvaluateForm(forms.Form):
    score = forms.IntegerField(label=_("Score (0–100)"), required=False)
    comment = _text(_("Comment"), rows=3)


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), rows=2)


class PPPResponsibilityForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=_choices(PPPStage.choices))
    person_name = forms.CharField(label=_("Responsible person"), required=False, max_length=60)
    from_on = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
