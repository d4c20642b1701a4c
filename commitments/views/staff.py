"""The staff pages of credit pledges: the workspace (my pledges, due soon, overdue, the evaluation queue),
entering and editing a pledge, and a pledge's page with one form per act (core.staff_acts).

Every queryset goes through the one access rule: a pledge outside the user's view is a 404; an act the
user may not take is refused by its service (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import scope_for
from core.choices import Action
from core.forms import attach_errors
from core.publication import PublicationStatus
from core.staff_acts import Act, Target, act_views

from .. import selectors, services
from ..choices import PledgeKind
from ..forms import (
    EvaluateForm,
    LawfulChangeForm,
    MilestoneDoneForm,
    MilestoneForm,
    PledgeForm,
    PPPResponsibilityForm,
    ProgressForm,
    ReasonForm,
    SettleForm,
)
from ..models import Pledge
from .public import measured_context


def pledges_for(user):
    return Pledge.objects.in_scope(user, Action.VIEW)


def _require_staff_view(user) -> None:
    if scope_for(user, Action.VIEW).is_empty:
        raise PermissionDenied(_("Your roles give you no pledges to see."))


@login_required
def workspace(request):
    _require_staff_view(request.user)
    lists = selectors.workspace(request.user)
    context = {
        **lists,
        "supervises": not scope_for(request.user, Action.SUPERVISE).is_empty,
        "writes": not scope_for(request.user, Action.CHANGE).is_empty,
    }
    return render(request, "commitments/staff/workspace.html", context)


def _pledge_form(request, *, instance: Pledge | None = None):
    if request.method == "POST":
        return PledgeForm(request.POST, actor=request.user)
    initial = {"is_public": True, "weight": 1}
    if instance is not None:
        initial = {name: getattr(instance, name) for name in services.pledges.EDITABLE}
        initial["working_days"] = (instance.indicator_parameters or {}).get("working_days")
    elif request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    return PledgeForm(initial=initial, actor=request.user)


@login_required
def pledge_new(request):
    form = _pledge_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            pledge = services.pledge_create(data=form.service_data(), actor=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Pledge entered as a draft. A reviewer publishes it."))
            return redirect("commitments:staff_detail", pk=pledge.pk)
    return render(request, "commitments/staff/form.html", {"form": form, "pledge": None})


@login_required
def pledge_edit(request, pk: int):
    pledge = get_object_or_404(pledges_for(request.user).select_related("organization"), pk=pk)
    form = _pledge_form(request, instance=pledge)
    if request.method == "POST" and form.is_valid():
        try:
            if pledge.status == PublicationStatus.DRAFT:
                services.pledge_update(pledge=pledge, data=form.service_data(), actor=request.user)
            else:
                services.pledge_correct(
                    pledge=pledge, data=form.service_data(), reason=request.POST.get("reason", ""), actor=request.user
                )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "illegal_transition":
                messages.error(request, " ".join(exc.messages))
                return redirect("commitments:staff_detail", pk=pledge.pk)
            attach_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("commitments:staff_detail", pk=pledge.pk)
    return render(request, "commitments/staff/form.html", {"form": form, "pledge": pledge})


def _forms(pledge: Pledge, bound: dict) -> dict:
    def form(key, form_class, **kwargs):
        return bound.get(key) or form_class(auto_id=f"id_{key}_%s", **kwargs)

    return {
        "progress": form("progress", ProgressForm, pledge=pledge),
        "milestone": form("milestone", MilestoneForm),
        "milestone_done": form("milestone-done", MilestoneDoneForm, pledge=pledge),
        "settle": form("settle", SettleForm),
        "change": form("change", LawfulChangeForm),
        "evaluate": form("evaluate", EvaluateForm),
        "withdraw": form("withdraw", ReasonForm),
        "ppp": form("ppp", PPPResponsibilityForm),
    }


def render_detail(request, pledge: Pledge, bound: dict | None = None):
    user = request.user
    path_ = pledge.organization.path
    writes = scope_for(user, Action.CHANGE).covers(path_) or scope_for(user, Action.SUPERVISE).covers(path_)
    parts = selectors.parts_of(pledge, public=False)
    context = {
        "pledge": pledge,
        "forms": _forms(pledge, bound or {}),
        "writes": writes,
        "publishes": scope_for(user, Action.REVIEW).covers(path_) or scope_for(user, Action.SUPERVISE).covers(path_),
        "supervises": scope_for(user, Action.SUPERVISE).covers(path_),
        "parts": parts,
        "rolled_up": services.rolled_up_share([(part.weight, part.progress) for part in parts]) if parts else None,
        "milestones": list(pledge.milestones.order_by("due_on", "id")),
        "reports": selectors.timeline(pledge),
        "responsibilities": list(pledge.ppp_responsibilities.order_by("stage", "from_on", "id")),
        "is_ppp": pledge.kind == PledgeKind.PPP_DUTY,
        **measured_context(pledge),
    }
    return render(request, "commitments/staff/detail.html", context, status=400 if bound else 200)


@login_required
def pledge_detail(request, pk: int):
    pledge = get_object_or_404(pledges_for(request.user).select_related("organization", "parent"), pk=pk)
    return render_detail(request, pledge)


def _report(pledge, data, actor):
    services.pledge_report_progress(
        pledge=pledge,
        progress=data["progress"],
        note=data["note"],
        reason=data["reason"],
        milestone=data["milestone"],
        files=data.get("files") or (),
        actor=actor,
    )


def _milestone_done(pledge, data, actor):
    if data["milestone"] is None:
        raise ValidationError({"milestone": [_("Choose the milestone reached.")]})
    services.milestone_complete(milestone=data["milestone"], on=data["done_on"], actor=actor)


ACTS = [
    Act(
        "publish",
        lambda pledge, data, actor: services.pledge_publish(pledge=pledge, actor=actor),
        gettext_lazy("Published: the pledge is on public view, in the ledger and on its way to the national platform."),
    ),
    Act(
        "progress",
        _report,
        gettext_lazy("Progress reported. It shows on the pledge's public page."),
        ProgressForm,
        form_kwargs=lambda pledge: {"pledge": pledge},
    ),
    Act(
        "milestone",
        lambda pledge, data, actor: services.milestone_add(
            pledge=pledge, title=data["title"], due_on=data["due_on"], working_days=data["working_days"], actor=actor
        ),
        gettext_lazy("Milestone added. Its owners are reminded before it falls due."),
        MilestoneDoneForm,
        MilestoneForm,
    ),
    Act(
        "milestone-done",
        lambda pledge, data, actor: _milestone_done(pledge, data, actor),
        gettext_lazy("Milestone marked as reached."),
        MilestoneDoneForm,
        form_kwargs=lambda pledge: {"pledge": pledge},
    ),
    Act(
        "settle",
        lambda pledge, data, actor: services.pledge_settle(
            pledge=pledge,
            outcome=data["outcome"],
            note=data["note"],
            breach_stage=data["breach_stage"],
            breach_occurred_on=data["breach_occurred_on"],
            actor=actor,
        ),
        gettext_lazy("Settled. A broken pledge is proposed as a dishonesty record of the body."),
        SettleForm,
    ),
    Act(
        "change",
        lambda pledge, data, actor: services.pledge_change_lawfully(
            pledge=pledge,
            ground=data["ground"],
            approved_by=data["approved_by"],
            document=data["document"],
            compensation=data["compensation"],
            reason=data["reason"],
            actor=actor,
        ),
        gettext_lazy("Recorded as changed by lawful procedure."),
        LawfulChangeForm,
    ),
    Act(
        "evaluate",
        lambda pledge, data, actor: services.pledge_evaluate(
            pledge=pledge, score=data["score"], comment=data["comment"], actor=actor
        ),
        gettext_lazy("Evaluation saved."),
        EvaluateForm,
    ),
    Act(
        "withdraw",
        lambda pledge, data, actor: services.pledge_withdraw(pledge=pledge, reason=data["reason"], actor=actor),
        gettext_lazy("Withdrawn from public view; the pledge stays on file with its history."),
        ReasonForm,
    ),
    Act(
        "ppp",
        lambda pledge, data, actor: services.ppp_responsibility_assign(
            pledge=pledge, stage=data["stage"], person_name=data["person_name"], from_on=data["from_on"], actor=actor
        ),
        gettext_lazy("Responsibility recorded; whoever answered before hands over that day."),
        PPPResponsibilityForm,
    ),
]

urlpatterns = [
    path("staff/pledges/", workspace, name="staff_workspace"),
    path("staff/pledges/new/", pledge_new, name="staff_new"),
    path("staff/pledges/<int:pk>/", pledge_detail, name="staff_detail"),
    path("staff/pledges/<int:pk>/edit/", pledge_edit, name="staff_edit"),
    *act_views(
        ACTS,
        targets={
            "record": Target(
                url_prefix="staff/pledges/<int:pk>/",
                name_prefix="staff_",
                queryset=lambda user: pledges_for(user).select_related("organization", "parent"),
            )
        },
        render_page=render_detail,
        page_url="commitments:staff_detail",
    ),
]
