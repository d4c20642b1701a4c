"""The complaint work queues, by role, and the search by tracking code.

- intake officers: "to decide" — received, the soonest acceptance deadline first;
- the handling organization's staff: "to handle" — accepted there, the soonest reply deadline first;
- approvers (the handling organization's head) and supervisors: "review requested" (soonest first),
  "overdue" and "escalated" (newest first);
- everyone with a complaint role: every complaint in their view, newest first, and the search by code.

Pages are keysets, never OFFSET nor COUNT(*): the newest-first lists by id (core.pagination.keyset_page),
the deadline queues by (deadline, id) — `?after=<date>.<id>` — so a queue of thousands opens as fast as
one of ten.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.access import scope_for
from core.choices import Action
from core.pagination import KeysetPage, keyset_page
from organizations.models import Organization

from ... import selectors
from ...choices import Status
from ...models import Complaint
from ...services.common import normalize_code
from ...staff_forms import SearchForm

PAGE_SIZE = 25
LIST_FIELDS = (
    "id",
    "tracking_code",
    "title",
    "category",
    "channel",
    "status",
    "received_on",
    "accept_due",
    "handle_due",
    "review_due",
    "escalated_at",
    "anonymous",
    "organization__name",
    "handling_organization__name",
)
COMPLAINT_ACTIONS = (Action.INTAKE, Action.CHANGE, Action.REVIEW, Action.SUPERVISE)


def has_complaint_role(user) -> bool:
    return any(not scope_for(user, action).is_empty for action in COMPLAINT_ACTIONS)


def require_complaint_role(user) -> None:
    if not has_complaint_role(user):
        raise PermissionDenied(_("Your roles give you no complaints to see."))


@dataclass(frozen=True)
class Queue:
    name: str
    label: str
    due_field: str = ""  # ordered by this deadline, soonest first; empty: newest first


QUEUES = {
    "decide": Queue("decide", gettext_lazy("To decide"), "accept_due"),
    "handle": Queue("handle", gettext_lazy("To handle"), "handle_due"),
    "review": Queue("review", gettext_lazy("Review requested"), "review_due"),
    "overdue": Queue("overdue", gettext_lazy("Overdue")),
    "escalated": Queue("escalated", gettext_lazy("Escalated")),
    "all": Queue("all", gettext_lazy("All in my view")),
}


def queues_for(user) -> list[Queue]:
    shown = []
    intake = not scope_for(user, Action.INTAKE).is_empty
    approves = not (scope_for(user, Action.REVIEW).is_empty and scope_for(user, Action.SUPERVISE).is_empty)
    if intake:
        shown.append(QUEUES["decide"])
    if not scope_for(user, Action.CHANGE).is_empty:
        shown.append(QUEUES["handle"])
    if approves:
        shown.append(QUEUES["review"])
    if approves or intake:
        shown += [QUEUES["overdue"], QUEUES["escalated"]]
    shown.append(QUEUES["all"])
    return shown


def overdue_q(today: datetime.date) -> Q:
    return (
        Q(status=Status.RECEIVED, accept_due__lt=today)
        | Q(status=Status.ACCEPTED, handle_due__lt=today)
        | Q(status=Status.REVIEW_REQUESTED, review_due__lt=today)
    )


def queue_queryset(user, queue: Queue, today: datetime.date):
    visible = Complaint.objects.for_user(user)
    if queue.name == "decide":
        return selectors.intake_queue(user)
    if queue.name == "handle":
        scope = scope_for(user, Action.CHANGE)
        queryset = Complaint.objects.filter(status=Status.ACCEPTED)
        if scope.everything:
            return queryset
        # The handling organizations by id, not by a join on their path: then the (handler, due, id) index
        # gives the soonest deadlines first without reading and sorting every accepted complaint.
        handlers = list(Organization.objects.filter(scope.q("path")).values_list("id", flat=True))
        return queryset.filter(handling_organization_id__in=handlers)
    if queue.name == "review":
        return visible.filter(status=Status.REVIEW_REQUESTED)
    if queue.name == "overdue":
        return visible.filter(overdue_q(today))
    if queue.name == "escalated":
        return visible.open().filter(escalated_at__isnull=False)
    return visible


def due_page(queryset, request, *, due_field: str, size: int | None = None) -> KeysetPage:
    """Soonest `due_field` first, then by id; `?after=<date>.<id>` continues after that row."""
    size = size or PAGE_SIZE
    raw = request.GET.get("after", "")
    day_text, _dot, id_text = raw.partition(".")
    after = None
    if id_text.isdigit():
        try:
            after = (datetime.date.fromisoformat(day_text), int(id_text))
        except ValueError:
            after = None
    if after is not None:
        queryset = queryset.filter(Q(**{f"{due_field}__gt": after[0]}) | Q(**{due_field: after[0], "id__gt": after[1]}))
    rows = list(queryset.order_by(due_field, "id")[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    next_after = f"{getattr(rows[-1], due_field).isoformat()}.{rows[-1].pk}" if has_more else None
    return KeysetPage(items=rows, next_after=next_after, is_first=after is None)


def current_due(complaint: Complaint):
    return {
        Status.RECEIVED: complaint.accept_due,
        Status.ACCEPTED: complaint.handle_due,
        Status.REVIEW_REQUESTED: complaint.review_due,
    }.get(complaint.status)


@login_required
@require_GET
def complaint_list(request):
    user = request.user
    require_complaint_role(user)
    today = timezone.localdate()
    shown = queues_for(user)
    names = [queue.name for queue in shown]
    queue = QUEUES[request.GET["queue"]] if request.GET.get("queue") in names else shown[0]
    form = SearchForm(request.GET or None)
    searched = form.is_bound and form.is_valid() and bool(form.cleaned_data["code"])
    if searched:
        queue = QUEUES["all"]
    queryset = queue_queryset(user, queue, today).select_related("organization", "handling_organization")
    queryset = queryset.only(*LIST_FIELDS)
    if searched:
        code = normalize_code(form.cleaned_data["code"])
        queryset = queryset.filter(tracking_code=code) if code else queryset.none()
    if queue.due_field:
        page = due_page(queryset, request, due_field=queue.due_field)
    else:
        page = keyset_page(queryset, request, key="id", size=PAGE_SIZE)
    for complaint in page.items:
        complaint.due = current_due(complaint)
        complaint.overdue = complaint.due is not None and complaint.due < today
    context = {
        "queues": shown,
        "queue": queue,
        "page": page,
        "form": form,
        "searched": searched,
        "may_register": may_register(user),
        "today": today,
    }
    return render(request, "complaints/staff/list.html", context)


def may_register(user) -> bool:
    """Intake officers and supervisors register what came by telephone, letter or visit."""
    return not (scope_for(user, Action.INTAKE).is_empty and scope_for(user, Action.SUPERVISE).is_empty)
