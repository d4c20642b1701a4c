from django import forms
from django.utils.translation import gettext_lazy as _

from core.identifiers import normalize_resident_id, validate_resident_id

from .choices import ApiScope
from .models import CivilServant, Organization


class CivilServantForm(forms.ModelForm):
    """The resident ID is write-only here: it is never echoed back into the page."""

    resident_id = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("18 characters. Leave empty to keep the number on file."),
    )

    class Meta:
        model = CivilServant
        fields = [
            "name",
            "organization",
            "position",
            "rank",
            "is_leading_cadre",
            "entered_service_on",
            "staff_number",
            "is_active",
        ]
        widgets = {"entered_service_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        if self.instance.pk is None:
            self.fields["resident_id"].required = True
            self.fields["resident_id"].help_text = _("18 characters: 17 digits and a check digit or X.")

    def clean_resident_id(self):
        value = normalize_resident_id(self.cleaned_data.get("resident_id", ""))
        if not value:
            return ""
        value = validate_resident_id(value)
        clash = CivilServant.objects.filter(resident_id=value).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A civil servant with this resident ID number is already on file."))
        return value


class RevealResidentIdForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, help_text=_("Recorded in the audit trail with your name.")
    )


class ApiClientForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("System name"), max_length=100)
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.all()
        )
