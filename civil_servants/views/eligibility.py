"""Staff pages of eligibility (§4): a personnel officer checks a servant for appointment, promotion, award or
honours and reads each restriction with its source and until-date; the "consider removal" flags serious
cases raise wait here for their decision — a decision a person takes, never an automatic act."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.access import scope_for
from core.choices import Action
from core.forms import attach_errors
from core.pagination import keyset_page

from ..choices import EligibilityPurpose
from ..models import RemovalFlag
from ..services import eligibility as services
from .files import personnel_file_or_404


class EligibilityForm(forms.Form):
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=EligibilityPurpose.choices)
    on = forms.DateField(
        label=gettext_lazy("Eligible on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty for today."),
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("What was decided and why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


@login_required
def eligibility_check(request, pk: int):
    """GET asks the purpose; POST checks (logged, and shown to the servant) and shows every reason."""
    person = personnel_file_or_404(request, pk)
    form = EligibilityForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.eligibility_check(
                civil_servant=person,
                purpose=form.cleaned_data["purpose"],
                on=form.cleaned_data["on"],
                actor=request.user,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            attach_errors(form, exc)
    context = {"person": person, "form": form, "result": result}
    if result is not None:
        context["purpose_label"] = EligibilityPurpose(result.purpose).label
    return render(request, "civil_servants/eligibility/check.html", context)


def _flags_in_scope(request):
    scope = scope_for(request.user, Action.PERSONNEL)
    if scope.is_empty:
        raise PermissionDenied
    flags = RemovalFlag.objects.select_related("civil_servant__organization")
    return flags if scope.everything else flags.filter(scope.q("civil_servant__organization__path"))


@login_required
@require_GET
def removal_flag_list(request):
    decided = request.GET.get("state") == "decided"
    flags = _flags_in_scope(request).filter(resolved_at__isnull=not decided)
    return render(
        request,
        "civil_servants/eligibility/flags.html",
        {"page": keyset_page(flags, request, key="id"), "decided": decided, "resolve_form": ResolveForm()},
    )


@login_required
@require_POST
def removal_flag_resolve(request, pk: int):
    flag = get_object_or_404(_flags_in_scope(request), pk=pk)
    try:
        services.removal_flag_resolve(flag=flag, resolution=request.POST.get("resolution", ""), actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decision recorded; the flag stays on file with it."))
    return redirect("civil_servants:removal_flags")


urlpatterns = [
    path("staff/credit-files/<int:pk>/eligibility/", eligibility_check, name="eligibility_check"),
    path("staff/consider-removal/", removal_flag_list, name="removal_flags"),
    path("staff/consider-removal/<int:pk>/decide/", removal_flag_resolve, name="removal_flag_resolve"),
]
