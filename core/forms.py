from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=80)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    target_id = forms.CharField(label=_("Target id"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filter(self, events):
        data = self.cleaned_data
        if data.get("action"):
            events = events.filter(action__startswith=data["action"])
        if data.get("actor"):
            events = events.filter(actor_repr__startswith=data["actor"])
        if data.get("target_id"):
            events = events.filter(target_id=data["target_id"])
        if data.get("since"):
            events = events.filter(occurred_at__date__gte=data["since"])
        if data.get("until"):
            events = events.filter(occurred_at__date__lte=data["until"])
        return events


class CalendarImportForm(forms.Form):
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("For example: 国务院办公厅关于2027年部分节假日安排的通知"),
    )
    lines = forms.CharField(
        label=_("Days"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text=_(
            "One day per line: date,kind,name — kind is holiday (休) or workday (班). Example: 2027-01-01,holiday,元旦"
        ),
    )
    complete = forms.BooleanField(
        label=_("This is the whole notice for these years: mark them complete"),
        required=False,
        help_text=_(
            "Leave unticked for a single local holiday. Until a year is complete, deadlines through its "
            "other days stay provisional."
        ),
    )


def attach_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input; the services check their kind, size and content (an empty file
    too, so that the message names it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, (list, tuple)) else [data]
        return [single(item, initial) for item in items if item]
