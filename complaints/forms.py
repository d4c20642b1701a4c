"""The public forms of complaints: filing one, following it with its code and secret, and the complainant's
acts on the tracking page. The forms only shape what was typed; every rule is the services' (their field
errors are put back on these forms with core.forms.attach_errors)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.captcha import CaptchaField
from core.forms import MultipleFileField, MultipleFileInput
from core.widgets import FastSelect, ReadyChoices
from organizations.models import Organization

from .choices import Category
from .services import attachments

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
INDENT = "\u3000"  # an ideographic space per level of the tree: the select reads like the tree
ATTACHMENT_HELP = _(
    "Optional. Up to 5 files, PDF, JPG or PNG, 10 MB each. Each file is checked by its content (a file "
    "renamed to .pdf is refused), and the location and camera data are removed from pictures."
)


# One line under each category: what kind of matter it is, in the words a complainant would use.
CATEGORY_HELP = {
    Category.BROKEN_PLEDGE: _("A public promise or service pledge of a government body was not kept."),
    Category.CONTRACT_DEFAULT: _("A government body did not honour a procurement, investment or PPP contract."),
    Category.ARREARS: _("A government body owes your business money for goods, works or services."),
    Category.COURT_JUDGMENT: _("A government body does not carry out a final court judgment against it."),
    Category.NEW_OFFICIALS: _("New leaders refuse commitments made by those before them."),
    Category.DISCLOSURE: _("A licence, penalty or other decision was not published on time."),
    Category.SERVICE_CONDUCT: _("Being sent back and forth, unreasonable delay, or demands for favours."),
    Category.OTHER: _("Any other breach of trust by a government body."),
}


def organization_choices() -> list[tuple[str, str]]:
    """The active organizations in tree order, indented by depth: one query, a few hundred rows."""
    rows = Organization.objects.filter(is_active=True).order_by("path").values_list("pk", "name", "depth")
    top = min((depth for _pk, _name, depth in rows), default=1)
    return [
        ("", _("— choose the organization —")),
        *((str(pk), INDENT * (depth - top) + name) for pk, name, depth in rows),
    ]


class OrganizationSelect(FastSelect):
    """The plain select of the organization tree (works without JS); static/js/complaints-file.js adds a
    filter box above it."""


class ComplaintFileForm(forms.Form):
    anonymous = forms.TypedChoiceField(
        label=_("Real name or anonymous"),
        choices=(
            ("0", _("With my name: the handler can contact me and I get the reply")),
            ("1", _("Anonymously: my name and contact details are not asked for nor kept")),
        ),
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,
        initial="0",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_(
            "Anonymous complaints are handled too, but nobody can ask you for details: follow yours with the "
            "tracking code and secret."
        ),
    )
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Category.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("Choose the closest: the intake officer may correct it."),
    )
    organization = forms.ChoiceField(
        label=_("Organization complained about"),
        widget=OrganizationSelect(attrs={"class": "form-select", "data-org-select": ""}),
        help_text=_("The government body whose conduct you complain about (not the one you want to handle it)."),
        error_messages={"invalid_choice": _("Choose an organization from the list: this one is not on it.")},
    )
    person_named = forms.CharField(
        label=_("Person complained about (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": "60"}),
        help_text=_("The name or position of the official, if you know it."),
    )
    title = forms.CharField(label=_("Summary"), required=False, widget=forms.TextInput(attrs={"maxlength": "120"}))
    facts = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": "5000"}),
        help_text=_("What was promised or due, what was done instead, and what you did about it (10–5000 characters)."),
    )
    happened_on = forms.DateField(
        label=_("When it happened (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(
        label=_("Where it happened (optional)"), required=False, widget=forms.TextInput(attrs={"maxlength": "200"})
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=ATTACHMENT_HELP,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )
    consent_to_share = forms.BooleanField(
        label=_("The handling organization may see my name and contact details"),
        required=False,
        help_text=_(
            "Without your consent only the intake officers see who you are; the organization that handles the "
            "complaint reads it without your name. Every look at your details is logged."
        ),
    )
    name = forms.CharField(label=_("Name"), required=False, widget=forms.TextInput(attrs={"maxlength": "60"}))
    email = forms.CharField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"maxlength": "254"}),
        help_text=_("If given, the tracking code and secret are also sent to this address."),
    )
    phone = forms.CharField(label=_("Telephone"), required=False, widget=forms.TextInput(attrs={"maxlength": "30"}))
    address = forms.CharField(
        label=_("Postal address"), required=False, widget=forms.TextInput(attrs={"maxlength": "200"})
    )
    captcha = CaptchaField()

    identity_fields = ("consent_to_share", "name", "email", "phone", "address")

    # Checked by the service (so that all its messages come at once), marked required on the page.
    shown_required = ("title", "facts", "name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.shown_required:
            self.fields[name].shown_required = True
        self.fields["organization"].choices = ReadyChoices(organization_choices())

    def service_data(self) -> dict:
        """What complaint_file reads: the identity left out of an anonymous complaint."""
        data = {key: value for key, value in self.cleaned_data.items() if key not in ("captcha", "attachments")}
        if data.get("anonymous"):
            for name in self.identity_fields:
                data.pop(name, None)
        return data

    def category_options(self):
        """(radio, help) for each category, for the template to show the help under each choice."""
        return [(radio, CATEGORY_HELP.get(radio.data["value"], "")) for radio in self["category"]]


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("As shown when you filed it, e.g. HZ-AB3DE-7FGH9."),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=40,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("The 10 characters shown once with the code."),
    )


class AddInformationForm(forms.Form):
    text = forms.CharField(label=_("What you want to add"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=ATTACHMENT_HELP, widget=MultipleFileInput(attrs={"accept": ACCEPT})
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=[
            (str(n), label)
            for n, label in (
                (5, _("5 — very satisfied")),
                (4, "4"),
                (3, "3"),
                (2, "2"),
                (1, _("1 — not at all satisfied")),
            )
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": "500"})
    )


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the reply does not settle the matter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


MAX_FILES, MAX_BYTES = attachments.MAX_FILES, attachments.MAX_BYTES
