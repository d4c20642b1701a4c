"""Staff forms. Field types and widgets only: the rules are in validation.py, run by the services,
whose field errors the views attach back to these forms."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from core.publication import PublicationStatus

from .choices import PenaltyKind
from .models import LicenseDisclosure, PenaltyDisclosure
from .services import EDITABLE_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _disclosure_form(model, kind):
    fields = fields_for_model(model, fields=EDITABLE_FIELDS[kind])
    for name, field in fields.items():
        field.required = False  # validation.py decides, per subject kind, with the standard's messages
        if isinstance(field, forms.DateField):
            field.widget = DATE_WIDGET
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 3
        if name in model.personal_data_fields:
            field.widget.attrs.update(autocomplete="off", spellcheck="false")
            field.help_text = _(
                "A saved number is shown masked: leave it as it is to keep it, or type the whole number to replace it."
            )
    if kind == "penalty":
        fields["penalty_kinds"] = forms.MultipleChoiceField(
            label=_("penalty kinds"), choices=PenaltyKind.choices, required=False, widget=forms.CheckboxSelectMultiple
        )
    return type(f"{model.__name__}Form", (DisclosureForm,), dict(fields))


class DisclosureForm(forms.Form):
    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            for name in ("authority", "data_source"):
                self.fields[name].queryset = organizations
                self.fields[name].empty_label = None

    def changed_data_only(self, record) -> dict:
        """For corrections: only the fields whose value differs from the record's."""
        return {name: value for name, value in self.cleaned_data.items() if getattr(record, name) != value}


PenaltyForm = _disclosure_form(PenaltyDisclosure, "penalty")
LicenseForm = _disclosure_form(LicenseDisclosure, "license")
FORMS = {"penalty": PenaltyForm, "license": LicenseForm}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept in the record's history and sent with it to the national platform."),
    )


class RevealIdForm(forms.Form):
    reveal_reason = forms.CharField(
        label=_("Reason for viewing"), max_length=200, help_text=_("Recorded in the audit trail with your name.")
    )


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Subject, code or decision number"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *PublicationStatus.choices], required=False)
    overdue = forms.BooleanField(label=_("Overdue drafts only"), required=False)
    decided_after = forms.DateField(label=_("Decided from"), required=False, widget=DATE_WIDGET)
    decided_before = forms.DateField(label=_("Decided until"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("decided_after") and data.get("decided_before") and data["decided_after"] > data["decided_before"]:
            self.add_error("decided_before", _("The end date is before the start date."))
        return data
