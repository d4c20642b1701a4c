"""Forms of the dishonesty-record pages. Field types and widgets only: the rules live in the services,
whose field errors the views attach back to these forms (core.forms.attach_errors)."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import MultipleFileField
from core.identifiers import normalize_uscc
from core.publication import PublicationStatus

from .choices import Category, DisplayState, RectificationState, SanctionKind, Severity, SourceKind, Stage, SubjectKind

# 18 letters and digits with at least one digit: a credit code, not a name.
_CODE_LIKE = re.compile(r"^(?=.*\d)[0-9A-Z]{18}$")
_REFERENCE = re.compile(r"^ZWSX-?(\d{1,9})$")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, *, required=False):
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET)


def _text(label, *, rows=3, required=False, max_length=4000, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _choices(choices, *, blank=None):
    return [("", blank or "—"), *choices]


def _files(label=None, help_text=None):
    return MultipleFileField(
        label=label or _("Evidence files"),
        help_text=help_text or _("PDF, OFD, images, Office documents, text or ZIP; several files may be chosen."),
    )


# --- proposal and correction ----------------------------------------------------------------------


class ContentFields(forms.Form):
    """What a proposal says about the failure; a correction changes these."""

    category = forms.ChoiceField(label=_("Category"), choices=_choices(Category.choices), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, required=False)
    facts = _text(_("Facts"), rows=5, help_text=_("Kept inside; for a civil servant the public never sees them."))
    facts_summary = forms.CharField(
        label=_("Summary of facts (published)"),
        required=False,
        max_length=500,
        help_text=_("What the public sees of the facts."),
    )
    occurred_on = _date_field(_("Occurred on"))
    source_kind = forms.ChoiceField(
        label=_("Source document kind"), choices=_choices(SourceKind.choices), required=False
    )
    source_document_number = forms.CharField(label=_("Source document number"), required=False, max_length=100)
    source_issuing_body = forms.CharField(label=_("Issued by"), required=False, max_length=100)
    source_document_date = _date_field(_("Source document date"))


class ProposalForm(ContentFields):
    subject_kind = forms.ChoiceField(
        label=pgettext_lazy("dishonesty record", "Subject kind"),
        choices=SubjectKind.choices,
        initial=SubjectKind.ORGANIZATION,
        required=False,
    )
    subject_organization = forms.ModelChoiceField(
        label=_("Government body"),
        queryset=None,
        required=False,
        help_text=_("For a civil servant, the body is the one they serve in."),
    )
    civil_servant = forms.ModelChoiceField(label=_("Civil servant"), queryset=None, required=False)
    files = _files()

    field_order = ["subject_kind", "subject_organization", "civil_servant"]

    def __init__(self, *args, organizations, civil_servants, with_files=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_organization"].queryset = organizations
        self.fields["subject_organization"].label_from_instance = lambda o: o.name
        self.fields["civil_servant"].queryset = civil_servants
        self.fields["civil_servant"].label_from_instance = lambda p: (
            f"{p.name} · {p.position} · {p.organization.name}" if p.position else f"{p.name} · {p.organization.name}"
        )
        if not with_files:
            del self.fields["files"]
        # The body or the person, whichever the subject kind asks for (static/js/site.js hides the other).
        self.fields["subject_organization"].widget.attrs["data-show-when"] = f"subject_kind={SubjectKind.ORGANIZATION}"
        self.fields["civil_servant"].widget.attrs["data-show-when"] = f"subject_kind={SubjectKind.CIVIL_SERVANT}"

    def service_data(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "files"}
        return data


class CorrectionForm(ContentFields):
    reason = _text(
        _("Reason for the correction"),
        help_text=_("Kept in the record's history and sent with it to the national platform."),
    )

    def changed_content(self, record) -> dict:
        """Only the fields whose value differs from the record's (empty strings for blank choices)."""
        changed = {}
        for name, value in self.cleaned_data.items():
            if name == "reason":
                continue
            current = getattr(record, name)
            if (value or None) != (current or None):
                changed[name] = value
        return changed


# --- actions --------------------------------------------------------------------------------------


class ObjectionForm(forms.Form):
    statement = _text(_("Your objection (申辩)"), rows=4)
    files = _files()


class ConfirmForm(forms.Form):
    reason = _text(_("Reasons for the confirmation"))
    determined_on = _date_field(_("Determined on"))
    severity = forms.ChoiceField(
        label=_("Severity"), choices=_choices(Severity.choices, blank=_("As proposed")), required=False
    )
    publication_allowed = forms.BooleanField(label=_("May be published"), required=False, initial=True)
    publication_restriction = forms.CharField(label=_("Why it may not be published"), required=False, max_length=300)
    explanation_required = forms.BooleanField(
        label=_("A written explanation (书面说明) is required"), required=False, initial=True
    )
    explanation_working_days = forms.IntegerField(
        label=_("Working days for the explanation"), required=False, min_value=1, max_value=250
    )
    rectification_requirement = _text(
        _("Rectification required (限期整改)"), help_text=_("Leave empty when no rectification is required.")
    )
    rectification_working_days = forms.IntegerField(
        label=_("Working days for the rectification"), required=False, min_value=1, max_value=250
    )


class ReasonForm(forms.Form):
    reason = _text(_("Reasons"))


class SubmissionForm(forms.Form):
    text = _text(_("What was done"), rows=4)
    files = _files()


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)


class ReturnForm(forms.Form):
    reason = _text(_("What is missing"))
    extra_working_days = forms.IntegerField(
        label=_("More working days (optional)"), required=False, min_value=1, max_value=250
    )


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of sanction"), choices=_choices(SanctionKind.choices), required=False)
    reason = _text(_("Reasons"))
    start_on = _date_field(_("In force from"))
    end_on = _date_field(_("In force until"))
    notice_text = _text(_("Text of the notice (published)"), help_text=_("For a notice of criticism."))
    referred_to = forms.CharField(
        label=_("Referred to"), required=False, max_length=100, help_text=_("For a referral for accountability.")
    )


class OutcomeForm(forms.Form):
    outcome = _text(_("Outcome"))
    outcome_on = _date_field(_("Outcome dated"))


class RepairForm(forms.Form):
    statement = _text(
        _("Statement"), rows=4, help_text=_("Describe the rectification and why credit should be restored.")
    )
    files = _files(help_text=_("Evidence of the rectification: at least one file."))


# --- filters --------------------------------------------------------------------------------------


class PublicFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Organization name or unified social credit code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=_choices(Category.choices, blank=_("All categories")), required=False
    )
    subject_kind = forms.ChoiceField(
        label=pgettext_lazy("dishonesty record", "Subject kind"),
        choices=_choices(SubjectKind.choices, blank=_("All subjects")),
        required=False,
    )

    def filter(self, records):
        """Narrow a queryset of records by the valid form's values."""
        data = self.cleaned_data
        term = (data.get("q") or "").strip()
        if term:
            records = records.filter(self.search_q(term))
        if data.get("category"):
            records = records.filter(category=data["category"])
        if data.get("subject_kind"):
            records = records.filter(subject_kind=data["subject_kind"])
        return records

    @staticmethod
    def search_q(term: str) -> Q:
        """A credit code matches the body's code exactly (a civil servant's record through the body they
        serve in); anything else is part of the subject's or the body's name, as published."""
        code = normalize_uscc(term)
        if _CODE_LIKE.match(code):
            return Q(subject_uscc=code) | Q(subject_organization__uscc=code)
        return Q(subject_name__contains=term) | Q(subject_organization_name__contains=term)


STATE_FILTERS = {
    DisplayState.PROPOSED: Q(stage=Stage.PROPOSED),
    DisplayState.OBJECTED: Q(stage=Stage.OBJECTED),
    DisplayState.DISMISSED: Q(stage=Stage.DISMISSED),
    DisplayState.CONFIRMED: Q(stage=Stage.CONFIRMED, status=PublicationStatus.DRAFT),
    DisplayState.PUBLISHED: Q(status=PublicationStatus.PUBLISHED, rectification_state=RectificationState.NONE),
    DisplayState.RECTIFYING: Q(status=PublicationStatus.PUBLISHED, rectification_state=RectificationState.IN_PROGRESS),
    DisplayState.OVERDUE: Q(status=PublicationStatus.PUBLISHED, rectification_state=RectificationState.OVERDUE),
    DisplayState.RECTIFIED: Q(status=PublicationStatus.PUBLISHED, rectification_state=RectificationState.RECTIFIED),
    DisplayState.WITHDRAWN: Q(status=PublicationStatus.WITHDRAWN),
    DisplayState.PUBLICITY_ENDED: Q(status=PublicationStatus.PUBLICITY_ENDED),
    DisplayState.REPAIRED: Q(status=PublicationStatus.REPAIRED),
}


class StaffFilterForm(PublicFilterForm):
    state = forms.ChoiceField(
        label=_("State"), choices=_choices(DisplayState.choices, blank=_("All states")), required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=_choices(Stage.choices, blank=_("All stages")), required=False)
    status = forms.ChoiceField(
        label=_("Publication"),
        choices=_choices(PublicationStatus.choices, blank=_("All")),
        required=False,
    )
    rectification = forms.ChoiceField(
        label=_("Rectification"),
        choices=_choices(RectificationState.choices, blank=_("All")),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Organization, credit code or reference")

    def filter(self, records):
        term = (self.cleaned_data.get("q") or "").strip()
        reference = _REFERENCE.match(term.upper())
        if reference:
            records = records.filter(pk=int(reference.group(1)))
            self.cleaned_data["q"] = ""
        records = super().filter(records)
        data = self.cleaned_data
        if data.get("state"):
            records = records.filter(STATE_FILTERS[data["state"]])
        if data.get("stage"):
            records = records.filter(stage=data["stage"])
        if data.get("status"):
            records = records.filter(status=data["status"])
        if data.get("rectification"):
            records = records.filter(rectification_state=data["rectification"])
        return records
