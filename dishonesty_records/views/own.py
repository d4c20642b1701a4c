"""A civil servant's own view of the records about them (self-service): they read each proposal and may
object (申辩) in person while the objection period is open — until now only their body's staff could."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import attach_errors

from .. import services
from ..forms import ObjectionForm
from ..models import DishonestyRecord


def records_about_me(user):
    if not getattr(user, "civil_servant_id", None):
        raise Http404
    return DishonestyRecord.objects.filter(civil_servant_id=user.civil_servant_id).select_related(
        "subject_organization", "authority"
    )


def _render(request, records, forms=None, status=200):
    forms = forms or {}
    rows = [(record, forms.get(record.pk) or ObjectionForm(auto_id=f"id_object_{record.pk}_%s")) for record in records]
    return render(request, "dishonesty_records/own/list.html", {"rows": rows}, status=status)


@login_required
def my_records(request):
    return _render(request, list(records_about_me(request.user).order_by("-id")))


@login_required
@require_POST
def object_in_person(request, pk: int):
    record = get_object_or_404(records_about_me(request.user), pk=pk)
    form = ObjectionForm(request.POST, request.FILES, auto_id=f"id_object_{record.pk}_%s")
    if form.is_valid():
        try:
            services.record_object(
                record=record,
                statement=form.cleaned_data["statement"],
                files=form.cleaned_data["files"],
                actor=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                attach_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("dishonesty_records:my_records")
        else:
            messages.success(request, _("Your objection was filed. A supervisor rules on the record next."))
            return redirect("dishonesty_records:my_records")
    records = list(records_about_me(request.user).order_by("-id"))
    return _render(request, records, {record.pk: form}, status=400)


urlpatterns = [
    path("me/dishonesty-records/", my_records, name="my_records"),
    path("me/dishonesty-records/<int:pk>/object/", object_in_person, name="object_in_person"),
]
