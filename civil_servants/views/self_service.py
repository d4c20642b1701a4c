"""The civil servant's own view: their credit file, read-only, and who looked at it — every opening (who,
when, for what) and every eligibility check made about them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from organizations.models import CivilServant

from ..choices import RestrictionCode
from ..selectors.education import courses_due
from ..selectors.files import who_looked
from ..services import assessment
from ..services import files as services


@login_required
@require_GET
def my_file(request):
    """Reading one's own file is logged too (purpose: own file), so the list shows every opening."""
    if not getattr(request.user, "civil_servant_id", None):
        raise Http404
    person = CivilServant.objects.select_related("organization").get(pk=request.user.civil_servant_id)
    credit_file = services.file_open(civil_servant=person, purpose="", actor=request.user)
    looked = who_looked(person)
    labels = dict(RestrictionCode.choices)
    for check in looked.checks:
        check.found = [{**finding, "label": labels.get(finding["code"], finding["code"])} for finding in check.findings]
    year = timezone.localdate().year
    return render(
        request,
        "civil_servants/self/file.html",
        {
            "person": person,
            "file": credit_file,
            "looked": looked,
            "score": assessment.latest_scores([person.pk]).get(person.pk),
            "year": year,
            "training": courses_due(person, year=year),
        },
    )


urlpatterns = [path("me/file/", my_file, name="my_file")]
