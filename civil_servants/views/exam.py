"""Staff pages of the exam disqualifications (公务员录用考试): the grounds barring a person from the civil service
exam that the personnel departments in one's scope recorded, recording and withdrawing one, and checking an
applicant by ID number (logged by the service, the number taken from the request body only and shown back
masked, never whole)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.access import scope_for
from core.choices import Action
from core.forms import attach_errors
from core.identifiers import mask_resident_id, normalize_resident_id
from core.pagination import keyset_page
from organizations.models import Organization

from ..choices import ExamGround
from ..models import ExamDisqualification
from ..services import exam as services

PAGE_SIZE = 50

IN_FORCE, EXPIRED, WITHDRAWN = "in_force", "expired", "withdrawn"
STATUS_CHOICES = [
    (IN_FORCE, gettext_lazy("In force")),
    (EXPIRED, gettext_lazy("Expired")),
    (WITHDRAWN, gettext_lazy("Withdrawn")),
]
STATUS_LABELS = dict(STATUS_CHOICES)


class NoEchoTextInput(forms.TextInput):
    """A text input that never renders the value back: an ID number is not echoed in the page."""

    def format_value(self, value):
        return None


class DisqualificationFilterForm(forms.Form):
    ground = forms.ChoiceField(
        label=gettext_lazy("Ground"), choices=[("", gettext_lazy("All grounds")), *ExamGround.choices], required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", gettext_lazy("Any status")), *STATUS_CHOICES], required=False
    )


class DisqualificationForm(forms.Form):
    person_name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    resident_id = forms.CharField(
        label=gettext_lazy("Resident ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    ground = forms.ChoiceField(label=gettext_lazy("Ground"), choices=ExamGround.choices)
    decided_on = forms.DateField(label=gettext_lazy("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))
    until_on = forms.DateField(
        label=gettext_lazy("Bars until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "The last day it bars. Give it for a listing for joint punishment (the day the listing ends) and, if the "
            "decision sets one, for organised cheating or another statutory ground; leave it empty for grounds whose "
            "term the law sets (five years for serious exam misconduct, no end for a criminal punishment, an "
            "expulsion or a dismissal)."
        ),
    )
    decided_by = forms.CharField(label=gettext_lazy("Deciding authority"), max_length=200)
    document_number = forms.CharField(label=gettext_lazy("Decision document"), max_length=100)
    facts = forms.CharField(label=gettext_lazy("Facts"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Recorded by (personnel department)"), queryset=Organization.objects.none()
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class CheckForm(forms.Form):
    resident_id = forms.CharField(
        label=gettext_lazy("Resident ID number"),
        max_length=30,
        widget=NoEchoTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy("Sent in the form only; the check is logged without the number."),
    )
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"),
        max_length=200,
        help_text=gettext_lazy("For example the exam and the post applied for."),
    )
    on = forms.DateField(
        label=gettext_lazy("Eligible on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty for today."),
    )


def _until_label(ground: str, until_on) -> str:
    """What the "bars until" column says when the ground has no end date."""
    if until_on is not None:
        return until_on.strftime("%Y-%m-%d")
    if ground == ExamGround.EXAM_ORGANISED:
        return _("For life (终身不得报考)")
    return _("No end")


def _status_q(today) -> dict[str, Q]:
    return {
        IN_FORCE: Q(withdrawn_at__isnull=True) & (Q(until_on__isnull=True) | Q(until_on__gte=today)),
        EXPIRED: Q(withdrawn_at__isnull=True, until_on__lt=today),
        WITHDRAWN: Q(withdrawn_at__isnull=False),
    }


def _status(row: ExamDisqualification, today) -> str:
    if row.withdrawn_at is not None:
        return WITHDRAWN
    if row.until_on is not None and row.until_on < today:
        return EXPIRED
    return IN_FORCE


def _require_personnel(request) -> None:
    if scope_for(request.user, Action.PERSONNEL).is_empty:
        raise PermissionDenied


def _in_scope(request):
    """The grounds recorded by the personnel departments in the user's scope (403 without any)."""
    _require_personnel(request)
    return ExamDisqualification.objects.in_scope(request.user, Action.PERSONNEL)


def _recording_organizations(request):
    return Organization.objects.for_user(request.user, Action.PERSONNEL).filter(is_active=True)


@login_required
@require_GET
def disqualification_list(request):
    rows = _in_scope(request).select_related("organization")
    today = timezone.localdate()
    filters = DisqualificationFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    if chosen.get("ground"):
        rows = rows.filter(ground=chosen["ground"])
    if chosen.get("status"):
        rows = rows.filter(_status_q(today)[chosen["status"]])
    page = keyset_page(rows, request, key="id", size=PAGE_SIZE)
    for row in page:
        row.status = _status(row, today)
        row.status_label = STATUS_LABELS[row.status]
        row.until_label = _until_label(row.ground, row.until_on)
    return render(request, "civil_servants/exam/list.html", {"page": page, "filters": filters})


@login_required
def disqualification_new(request):
    _require_personnel(request)
    form = DisqualificationForm(
        request.POST or None,
        organizations=_recording_organizations(request),
        initial={"organization": request.user.organization_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.exam_disqualification_record(data=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Ground recorded: it bars the person from the exam for its term."))
            return redirect("civil_servants:exam_disqualifications")
    return render(request, "civil_servants/exam/form.html", {"form": form})


@login_required
@require_POST
def disqualification_withdraw(request, pk: int):
    disqualification = get_object_or_404(_in_scope(request), pk=pk)
    try:
        services.exam_disqualification_withdraw(
            disqualification=disqualification, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Ground withdrawn; it stays on file with the reason and no longer bars."))
    return redirect("civil_servants:exam_disqualifications")


@login_required
def eligibility_check(request):
    """GET asks for the number and the purpose; POST checks (logged by the service) and shows each ground."""
    if not services.may_check_applicants(request.user):
        raise PermissionDenied
    form = CheckForm(request.POST or None)
    result = masked = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.exam_eligibility_check(
                resident_id=data["resident_id"], purpose=data["purpose"], on=data["on"], actor=request.user
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            masked = mask_resident_id(normalize_resident_id(data["resident_id"]))
    grounds = []
    if result is not None:
        grounds = [
            {"ground": ground, "until_label": _until_label(ground.ground, ground.until_on)} for ground in result.grounds
        ]
    return render(
        request,
        "civil_servants/exam/check.html",
        {"form": form, "result": result, "grounds": grounds, "masked_resident_id": masked},
    )


urlpatterns = [
    path("staff/exam-disqualifications/", disqualification_list, name="exam_disqualifications"),
    path("staff/exam-disqualifications/new/", disqualification_new, name="exam_disqualification_new"),
    path("staff/exam-disqualifications/check/", eligibility_check, name="exam_eligibility_check"),
    path(
        "staff/exam-disqualifications/<int:pk>/withdraw/",
        disqualification_withdraw,
        name="exam_disqualification_withdraw",
    ),
]
