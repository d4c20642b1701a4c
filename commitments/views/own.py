"""A civil servant's own pledges (self-service): read the pledge before taking office, and sign it in person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..models import Pledge


def own_pledges(user):
    if not getattr(user, "civil_servant_id", None):
        raise Http404
    return Pledge.objects.filter(civil_servant_id=user.civil_servant_id).select_related("organization")


@login_required
def my_pledges(request):
    pledges = list(own_pledges(request.user).order_by("signed_at", "-starts_on", "-id"))
    return render(request, "commitments/own/list.html", {"pledges": pledges})


@login_required
@require_POST
def sign(request, pk: int):
    pledge = get_object_or_404(own_pledges(request.user), pk=pk)
    try:
        services.pledge_sign(pledge=pledge, text_sha256=request.POST.get("text_sha256", ""), actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Signed. Your pledge is now on public view with the date you signed it."))
    return redirect("commitments:my_pledges")


urlpatterns = [
    path("me/pledges/", my_pledges, name="my_pledges"),
    path("me/pledges/<int:pk>/sign/", sign, name="sign"),
]
