"""The supervisor's view of the national push: open states, lag, dead letters, per-record timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import scope_for
from core.choices import Action
from core.pagination import keyset_page

from . import selectors, services
from .choices import OutboxStatus
from .forms import OutboxFilterForm
from .models import OutboundMessage, OutboxEntry


def _require_scope(user, action):
    if scope_for(user, action).is_empty:
        raise PermissionDenied


@login_required
@require_GET
def dashboard(request):
    _require_scope(request.user, Action.VIEW)
    form = OutboxFilterForm(request.GET or None)
    entries = OutboxEntry.objects.in_scope(request.user, Action.VIEW)
    if form.is_valid():
        entries = form.filter(entries)
    page = keyset_page(entries, request, key="id", size=50)
    return render(
        request,
        "sharing/dashboard.html",
        {
            "summary": selectors.push_summary(request.user),
            "form": form,
            "page": page,
            "labels": selectors.record_type_labels(),
            "reconciliations": selectors.latest_reconciliations(),
            "may_replay": not scope_for(request.user, Action.SUPERVISE).is_empty,
            "statuses": OutboxStatus,
            "outbound": selectors.outbound_summary(request.user),
            "dead_letters": selectors.outbound_dead_letters(request.user),
        },
    )


@login_required
@require_GET
def record_timeline(request, record_type: str, record_id: int):
    entries = selectors.record_timeline(request.user, record_type, record_id)
    if not entries:
        raise Http404
    return render(
        request,
        "sharing/timeline.html",
        {
            "entries": entries,
            "record_type": record_type,
            "record_id": record_id,
            "label": selectors.record_type_labels().get(record_type, record_type),
            "may_replay": not scope_for(request.user, Action.SUPERVISE).is_empty,
        },
    )


@login_required
@require_POST
def replay(request):
    _require_scope(request.user, Action.SUPERVISE)
    failed = OutboxEntry.objects.in_scope(request.user, Action.SUPERVISE).filter(status=OutboxStatus.FAILED)
    if request.POST.get("all_failed"):
        chosen = list(failed.only("id")[:10_000])
    else:
        ids = [int(value) for value in request.POST.getlist("entry") if value.isdigit()]
        chosen = list(failed.filter(pk__in=ids).only("id"))
    try:
        count = services.outbox_replay(entries=chosen, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(count)d entries are queued to be sent again.") % {"count": count})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "sharing:dashboard"
    return redirect(target or "sharing:dashboard")


@login_required
@require_POST
def outbound_replay(request, pk: int):
    """One dead letter of another destination back to the queue (the same right as the national replay)."""
    _require_scope(request.user, Action.SUPERVISE)
    message = get_object_or_404(OutboundMessage.objects.in_scope(request.user, Action.SUPERVISE).only("id"), pk=pk)
    try:
        services.outbound_replay(messages=[message], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect("sharing:dashboard")
