from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import scope_for
from core.choices import Action
from core.forms import attach_errors
from core.pagination import keyset_page

from . import services
from .forms import ApiClientForm, CivilServantForm, RevealResidentIdForm
from .models import ApiClient, CivilServant, Organization


@require_GET
def organization_directory(request):
    """Public: the tree of government bodies."""
    organizations = Organization.objects.public().only(
        "id", "name", "short_name", "kind", "level", "depth", "path", "uscc"
    )
    return render(request, "organizations/directory.html", {"organizations": organizations})


def _personnel_scope(request, *, listing: bool = False):
    """Civil servants this user may manage. A list page tells a user without the role 403; a
    detail page answers 404 for anything out of scope, exactly like a missing file."""
    if listing and scope_for(request.user, Action.PERSONNEL).is_empty:
        raise PermissionDenied
    return CivilServant.objects.for_user(request.user, Action.PERSONNEL)


@login_required
@require_GET
def civil_servant_list(request):
    people = _personnel_scope(request, listing=True).select_related("organization")
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(Q(name__startswith=query) | Q(staff_number=query))
    page = keyset_page(people, request, key="id")
    return render(request, "organizations/civil_servant_list.html", {"page": page, "q": query})


@login_required
def civil_servant_detail(request, pk: int):
    person = get_object_or_404(_personnel_scope(request).select_related("organization"), pk=pk)
    revealed = None
    form = RevealResidentIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.civil_servant_reveal_resident_id(
                civil_servant=person, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
    return render(
        request, "organizations/civil_servant_detail.html", {"person": person, "form": form, "revealed": revealed}
    )


@login_required
def civil_servant_edit(request, pk: int | None = None):
    people = _personnel_scope(request, listing=pk is None)
    person = get_object_or_404(people, pk=pk) if pk else None
    organizations = Organization.objects.for_user(request.user, Action.PERSONNEL).filter(is_active=True)
    form = CivilServantForm(request.POST or None, instance=person, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        resident_id = form.cleaned_data["resident_id"]
        try:
            if person is None:
                person = services.civil_servant_create(actor=request.user, resident_id=resident_id, **data)
                messages.success(request, _("Civil servant added."))
            else:
                services.civil_servant_update(civil_servant=person, actor=request.user, resident_id=resident_id, **data)
                messages.success(request, _("Changes saved."))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("organizations:civil_servant_detail", pk=person.pk)
    return render(request, "organizations/civil_servant_form.html", {"form": form, "person": person})


def _administrator(request):
    if not scope_for(request.user, Action.ADMINISTER).everything:
        raise PermissionDenied


@login_required
def api_client_list(request):
    _administrator(request)
    form = ApiClientForm(request.POST or None, organizations=Organization.objects.filter(is_active=True))
    token = None
    if request.method == "POST" and form.is_valid():
        client, token = services.api_client_create(
            organization=form.cleaned_data["organization"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            actor=request.user,
        )
        messages.success(
            request,
            _("API client “%(name)s” created. Copy the token now: it is not shown again.") % {"name": client.name},
        )
        form = ApiClientForm(organizations=Organization.objects.filter(is_active=True))
    clients = ApiClient.objects.select_related("organization").order_by("-id")[:200]
    return render(request, "organizations/api_client_list.html", {"form": form, "clients": clients, "token": token})


@login_required
@require_POST
def api_client_revoke(request, pk: int):
    _administrator(request)
    client = get_object_or_404(ApiClient, pk=pk)
    services.api_client_revoke(client=client, actor=request.user)
    messages.success(request, _("API client revoked."))
    return redirect("organizations:api_clients")
