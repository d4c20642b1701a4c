"""Forms of the integrity-education pages: fields and widgets; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from core import imports
from organizations.models import Organization

from . import importing
from .choices import CourseAudience
from .models import Course


class CourseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    hours = forms.DecimalField(label=gettext_lazy("Hours"), max_digits=5, decimal_places=1)
    provider = forms.CharField(
        label=gettext_lazy("Provider"), max_length=100, help_text=gettext_lazy("For example 干部学习新干线, 市委党校.")
    )
    year = forms.IntegerField(label=gettext_lazy("Year"))
    audience = forms.ChoiceField(label=gettext_lazy("Audience"), choices=CourseAudience.choices)
    mandatory = forms.BooleanField(label=gettext_lazy("Mandatory"), required=False)
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Offered by"), queryset=Organization.objects.none(), empty_label=None
    )
    is_active = forms.BooleanField(label=gettext_lazy("Offered"), required=False, initial=True)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class CompletionForm(forms.Form):
    staff_number = forms.CharField(label=gettext_lazy("Staff number (工号)"), max_length=30)
    course = forms.ModelChoiceField(label=gettext_lazy("Course"), queryset=Course.objects.none())
    completed_on = forms.DateField(label=gettext_lazy("Completed on"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label=gettext_lazy("Hours credited"),
        max_digits=5,
        decimal_places=1,
        required=False,
        help_text=gettext_lazy("Leave empty for the course's hours."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True).order_by("-year", "title")


class CompletionUploadForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"),
        queryset=Organization.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Only civil servants of this organization (and the bodies under it) are recorded."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=gettext_lazy(
            "CSV (UTF-8 or GB18030) or Excel .xlsx, at most 10 MB: 工号 (staff number), 课程 (course title), "
            "年度 (the course's year, when titles repeat), 完成日期 (date), 学时 (hours, optional)."
        ),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_file(self):
        return imports.check_import_upload(self.cleaned_data["file"], max_bytes=importing.MAX_UPLOAD_BYTES)


class HandbookPageForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=80,
        required=False,
        help_text=gettext_lazy(
            "Lower-case letters, digits and hyphens; the page is then found at /handbook/ followed by this address."
        ),
    )
    position = forms.IntegerField(label=gettext_lazy("Position"), required=False, min_value=0, initial=0)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 16}))
    note = forms.CharField(label=gettext_lazy("What changed"), max_length=200, required=False)


class HandbookEditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 16}))
    note = forms.CharField(label=gettext_lazy("What changed"), max_length=200)
