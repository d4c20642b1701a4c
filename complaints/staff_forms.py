"""The forms of the complaint staff pages: one per act on a complaint's page, the identity reveal, the
registration of a call, letter or visit, and a deadline rule. They check shapes only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField
from dishonesty_records.choices import Category as RecordCategory
from dishonesty_records.choices import Severity
from organizations.models import Organization

from .choices import STAFF_CHANNELS, Category, Channel, DeclineReason

TEXTAREA = {"rows": 3}


def active_organizations():
    return Organization.objects.filter(is_active=True).only("id", "name").order_by("path")


class OrganizationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AcceptForm(forms.Form):
    handling_organization = OrganizationField(label=_("Handling organization"), queryset=Organization.objects.none())
    note = forms.CharField(label=_("Note to the complainant"), required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_organization"].queryset = active_organizations()


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    explanation = forms.CharField(
        label=_("Explanation for the complainant"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )


class TransferForm(forms.Form):
    handling_organization = OrganizationField(label=_("Transfer to"), queryset=Organization.objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=TEXTAREA), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_organization"].queryset = active_organizations()


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extra days"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=TEXTAREA), required=False)


class TextForm(forms.Form):
    """A reply, the answer to a review, an internal note."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=TEXTAREA), required=False)


class MergeForm(forms.Form):
    INTO_THIS, INTO_OTHER = "into_this", "into_other"

    other = forms.IntegerField(label=_("The other complaint"), widget=forms.HiddenInput)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[(INTO_THIS, _("Merge it into this one")), (INTO_OTHER, _("Merge this one into it"))],
        initial=INTO_THIS,
    )


class SubstantiateForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category of the record"), choices=[("", _("As the complaint suggests")), *RecordCategory.choices]
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL)
    facts_summary = forms.CharField(label=_("Summary of the facts"), max_length=200, required=False)
    facts = forms.CharField(
        label=_("Facts established"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Leave empty to take the complaint's facts."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].required = False


class IdentityForm(forms.Form):
    purpose = forms.CharField(
        label=_("Why you need the identity"),
        max_length=200,
        help_text=_("Written in the audit trail with your name."),
    )


class RegisterForm(forms.Form):
    """A complaint received by telephone, letter or visit: the public form's fields, no captcha."""

    channel = forms.ChoiceField(label=_("Received by"), choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ChoiceField(label=_("What it is about"), choices=Category.choices)
    organization = OrganizationField(label=_("Organization complained about"), queryset=Organization.objects.none())
    person_named = forms.CharField(label=_("Person complained about"), max_length=60, required=False)
    title = forms.CharField(label=_("Summary"), max_length=120)
    facts = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6}))
    happened_on = forms.DateField(
        label=_("When it happened"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Where it happened"), max_length=200, required=False)
    anonymous = forms.BooleanField(label=_("The complainant stays anonymous"), required=False)
    name = forms.CharField(label=_("Complainant's name"), max_length=60, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    consent_to_share = forms.BooleanField(
        label=_("The complainant agrees that the handling organization sees the identity"), required=False
    )
    attachments = MultipleFileField(label=_("Attachments (PDF, JPEG, PNG)"))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations if organizations is not None else active_organizations()
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["channel"].initial = Channel.LETTER

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("channel", "received_on", "attachments"):
            data.pop(name, None)
        return data


class DeadlineRuleForm(forms.Form):
    days = forms.IntegerField(label=_("Calendar days"), min_value=1, max_value=365)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200, required=False)


class SearchForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=30, required=False)
