"""Staff pages of credit files: the servants one may open, opening a file with its purpose (logged), the
grants personnel officers give supervisors, and the commendations and disciplinary outcomes they enter."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.access import scope_for
from core.choices import Action
from core.forms import attach_errors
from core.pagination import keyset_page
from organizations.models import CivilServant, Organization

from .. import access
from ..choices import CareerEntryKind, DisciplineSeverity, FilePurpose
from ..models import CareerEntry, FileAccessGrant
from ..services import files as services

STAFF_PURPOSE_CHOICES = [(value, label) for value, label in FilePurpose.choices if value != FilePurpose.OWN_FILE]


class OpenFileForm(forms.Form):
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=STAFF_PURPOSE_CHOICES)
    detail = forms.CharField(
        label=gettext_lazy("Purpose in your words"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example the post or the case number. The civil servant sees it."),
    )


class GrantForm(forms.Form):
    grantee = forms.CharField(label=gettext_lazy("Supervisor (user name)"), max_length=150)
    organization = forms.ModelChoiceField(label=gettext_lazy("Files of"), queryset=Organization.objects.none())
    staff_number = forms.CharField(
        label=gettext_lazy("Only the file of (staff number)"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Leave empty to grant the files of the whole organization and its subtree."),
    )
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=STAFF_PURPOSE_CHOICES)
    expires_at = forms.DateField(
        label=gettext_lazy("Ends on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("At most 90 days from today."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class CareerEntryForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CareerEntryKind.choices)
    severity = forms.ChoiceField(
        label=gettext_lazy("Sanction"),
        choices=[("", "—"), *DisciplineSeverity.choices],
        required=False,
        help_text=gettext_lazy("Disciplinary outcomes only."),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    decided_on = forms.DateField(label=gettext_lazy("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))
    until_on = forms.DateField(
        label=gettext_lazy("In effect until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty: the period the law sets for the sanction (公务员法 第六十四条)."),
    )
    decided_by = forms.CharField(label=gettext_lazy("Deciding authority"), max_length=200)
    document_number = forms.CharField(label=gettext_lazy("Decision document"), max_length=100)
    facts = forms.CharField(label=gettext_lazy("Facts"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _openable(request, pk: int) -> CivilServant:
    """A servant whose file this user may open as staff, or 404 like a missing one."""
    person = get_object_or_404(CivilServant.objects.select_related("organization"), pk=pk)
    found = access.file_access(request.user, person)
    if found is None or found.kind == access.OWN:
        raise Http404
    return person


def personnel_file_or_404(request, pk: int) -> CivilServant:
    """A servant the user is a personnel officer of, or 404 like a missing one."""
    person = get_object_or_404(CivilServant.objects.select_related("organization"), pk=pk)
    if not access.is_personnel_officer_of(request.user, person):
        raise Http404
    return person


@login_required
@require_GET
def file_list(request):
    people = access.openable_civil_servants(request.user).select_related("organization")
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(Q(name__startswith=query) | Q(staff_number=query))
    page = keyset_page(people, request, key="id")
    return render(
        request,
        "civil_servants/files/list.html",
        {"page": page, "q": query, "personnel": not scope_for(request.user, Action.PERSONNEL).is_empty},
    )


@login_required
def file_open(request, pk: int):
    """GET asks the purpose; POST logs the opening and shows the file (never shown without a logged opening)."""
    person = _openable(request, pk)
    form = OpenFileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credit_file = services.file_open(
                civil_servant=person,
                purpose=form.cleaned_data["purpose"],
                detail=form.cleaned_data["detail"],
                actor=request.user,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return render(
                request,
                "civil_servants/files/file.html",
                {
                    "person": person,
                    "file": credit_file,
                    "purpose": FilePurpose(form.cleaned_data["purpose"]).label,
                    "personnel": access.is_personnel_officer_of(request.user, person),
                },
            )
    return render(request, "civil_servants/files/open.html", {"person": person, "form": form})


def _grant_scope(request):
    if scope_for(request.user, Action.PERSONNEL).is_empty:
        raise Http404
    return Organization.objects.for_user(request.user, Action.PERSONNEL).filter(is_active=True)


@login_required
def grant_list(request):
    organizations = _grant_scope(request)
    form = GrantForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grantee = get_user_model().objects.filter(username=data["grantee"].strip()).first()
        person = None
        if data["staff_number"].strip():
            person = (
                CivilServant.objects.for_user(request.user, Action.PERSONNEL)
                .select_related("organization")
                .filter(staff_number=data["staff_number"].strip())
                .first()
            )
        if grantee is None:
            form.add_error("grantee", _("No user with this name."))
        elif data["staff_number"].strip() and person is None:
            form.add_error("staff_number", _("No civil servant with this staff number in your scope."))
        else:
            try:
                services.file_grant_create(
                    grantee=grantee,
                    organization=data["organization"],
                    civil_servant=person,
                    purpose=data["purpose"],
                    reason=data["reason"],
                    expires_at=data["expires_at"],
                    actor=request.user,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Access granted until the end of the day given."))
                return redirect("civil_servants:grant_list")
    grants = (
        FileAccessGrant.objects.filter(organization__in=organizations)
        .select_related("grantee", "organization", "civil_servant")
        .order_by("-id")
    )
    page = keyset_page(grants, request, key="id")
    return render(
        request,
        "civil_servants/files/grants.html",
        {"form": form, "page": page, "now": timezone.now(), "revoke_form": RevokeForm()},
    )


@login_required
@require_POST
def grant_revoke(request, pk: int):
    grant = get_object_or_404(FileAccessGrant.objects.filter(organization__in=_grant_scope(request)), pk=pk)
    try:
        services.file_grant_revoke(grant=grant, reason=request.POST.get("reason", ""), actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Grant revoked."))
    return redirect("civil_servants:grant_list")


@login_required
def career_entry_new(request, pk: int):
    person = personnel_file_or_404(request, pk)
    form = CareerEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.career_entry_record(civil_servant=person, data=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Entered in the credit file."))
            return redirect("civil_servants:career_entries", pk=person.pk)
    return render(request, "civil_servants/files/career_form.html", {"person": person, "form": form})


@login_required
@require_GET
def career_entries(request, pk: int):
    person = personnel_file_or_404(request, pk)
    entries = CareerEntry.objects.filter(civil_servant=person).order_by("-decided_on", "-id")
    return render(
        request,
        "civil_servants/files/career_list.html",
        {"person": person, "entries": entries, "revoke_form": RevokeForm()},
    )


@login_required
@require_POST
def career_entry_withdraw(request, pk: int):
    entry = get_object_or_404(CareerEntry.objects.select_related("civil_servant__organization"), pk=pk)
    if not access.is_personnel_officer_of(request.user, entry.civil_servant):
        raise Http404
    try:
        services.career_entry_withdraw(entry=entry, reason=request.POST.get("reason", ""), actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Entry withdrawn; it stays on file with the reason."))
    return redirect("civil_servants:career_entries", pk=entry.civil_servant_id)


urlpatterns = [
    path("staff/credit-files/", file_list, name="file_list"),
    path("staff/credit-files/grants/", grant_list, name="grant_list"),
    path("staff/credit-files/grants/<int:pk>/revoke/", grant_revoke, name="grant_revoke"),
    path("staff/credit-files/<int:pk>/", file_open, name="file_open"),
    path("staff/credit-files/<int:pk>/career/", career_entries, name="career_entries"),
    path("staff/credit-files/<int:pk>/career/new/", career_entry_new, name="career_entry_new"),
    path("staff/credit-files/career/<int:pk>/withdraw/", career_entry_withdraw, name="career_entry_withdraw"),
]
