"""A complaint's staff page: the facts, the deadlines and how they were counted, the whole timeline (internal
steps too), the attachments, the complainant masked — shown whole only by a logged act with a purpose —
the near-duplicates for the intake officer, and one form per act (core.staff_acts) for whom may take it.

A complaint outside the user's view is a 404 (Complaint.objects.for_user); an act the user may not take is
a 403 (its `allowed` check here, and its service again).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import attach_errors
from core.staff_acts import Act, Target, act_views

from ... import access, selectors, services
from ...choices import Status
from ...models import Complainant, Complaint
from ...services.deadlines import explain
from ...staff_forms import (
    AcceptForm,
    DeclineForm,
    ExtendForm,
    IdentityForm,
    MergeForm,
    ReasonForm,
    SubstantiateForm,
    TextForm,
    TransferForm,
)
from .queues import current_due

RELATED = ("organization", "handling_organization", "merged_into", "civil_servant")


def complaints_for(user):
    return Complaint.objects.for_user(user).select_related(*RELATED)


# --- who may take which act -------------------------------------------------------------------------


def _any(*checks):
    def allowed(user, complaint) -> bool:
        return any(check(user, complaint) for check in checks)

    return allowed


MAY = {
    "accept": access.may_intake,
    "decline": access.may_intake,
    "merge": access.may_intake,
    "transfer": _any(access.may_intake, access.may_supervise),
    "extend": access.may_approve,
    "reply": access.may_handle,
    "review": _any(access.may_approve, access.may_supervise),
    "reopen": access.may_supervise,
    "escalate": _any(access.may_supervise, access.may_intake),
    "note": _any(access.may_handle, access.may_approve, access.may_intake, access.may_supervise),
    "substantiate": _any(access.may_intake, access.may_supervise),
}

# The statuses each act applies in (the services say so again; here it only decides what the page offers).
WHEN = {
    "accept": (Status.RECEIVED,),
    "decline": (Status.RECEIVED,),
    "merge": (Status.RECEIVED,),
    "transfer": (Status.ACCEPTED,),
    "extend": (Status.ACCEPTED,),
    "reply": (Status.ACCEPTED,),
    "review": (Status.REVIEW_REQUESTED,),
    "reopen": (Status.REPLIED, Status.REVIEWED, Status.DECLINED),
    "escalate": (Status.RECEIVED, Status.ACCEPTED, Status.REVIEW_REQUESTED),
    "note": tuple(Status.values),
    "substantiate": (Status.ACCEPTED, Status.REPLIED, Status.REVIEWED),
}


def _guard(name: str):
    def allowed(user, complaint) -> None:
        if not MAY[name](user, complaint):
            raise PermissionDenied(_("You may not do this with this complaint."))

    return allowed


def offered(user, complaint: Complaint) -> dict[str, bool]:
    shown = {name: complaint.status in WHEN[name] and MAY[name](user, complaint) for name in MAY}
    shown["extend"] = shown["extend"] and not complaint.extension_days
    shown["escalate"] = shown["escalate"] and complaint.escalated_at is None
    shown["substantiate"] = shown["substantiate"] and not complaint.dishonesty_record_id
    return shown


# --- the page ---------------------------------------------------------------------------------------

FORMS = {
    "accept": AcceptForm,
    "decline": DeclineForm,
    "transfer": TransferForm,
    "extend": ExtendForm,
    "reply": TextForm,
    "review": TextForm,
    "reopen": ReasonForm,
    "escalate": ReasonForm,
    "note": TextForm,
    "substantiate": SubstantiateForm,
}


def _complainant_label(complaint: Complaint) -> str:
    if complaint.anonymous:
        return _("anonymous")
    name = Complainant.objects.filter(complaint=complaint).values_list("name", flat=True).first()
    return access.masked_name(name or "")


def render_detail(request, complaint: Complaint, bound: dict | None = None, *, identity=None, status=None):
    user = request.user
    bound = bound or {}
    shown = offered(user, complaint)
    forms = {
        name: bound.get(name) or form_class(auto_id=f"id_{name}_%s")
        for name, form_class in FORMS.items()
        if shown[name]
    }
    duplicates = []
    if shown["merge"]:
        duplicates = selectors.near_duplicates(complaint)
        for duplicate in duplicates:
            duplicate.merge_into_this = duplicate.complaint.status == Status.RECEIVED
    merge_form = bound.get("merge")
    today = timezone.localdate()
    due = current_due(complaint)
    context = {
        "complaint": complaint,
        "events": list(complaint.events.order_by("id")),
        "attachments": list(complaint.attachments.order_by("id")),
        "deadlines": explain(complaint),
        "due": due,
        "overdue": due is not None and due < today,
        "complainant": _complainant_label(complaint),
        "may_see_identity": access.may_see_identity(user, complaint),
        "identity": identity,
        "identity_form": bound.get("identity") or IdentityForm(auto_id="id_identity_%s"),
        "forms": forms,
        "offered": shown,
        "duplicates": duplicates,
        "merge_errors": merge_form.errors if merge_form is not None else None,
        "merged_followers": list(complaint.merged.only("id", "tracking_code").order_by("id")),
    }
    if status is None:
        status = 400 if bound else 200
    return render(request, "complaints/staff/detail.html", context, status=status)


@login_required
def complaint_detail(request, pk: int):
    complaint = get_object_or_404(complaints_for(request.user), pk=pk)
    return render_detail(request, complaint)


@login_required
@require_POST
def identity_reveal(request, pk: int):
    """The complainant's identity, for someone allowed who says why: logged, shown on this answer only."""
    complaint = get_object_or_404(complaints_for(request.user), pk=pk)
    if not access.may_see_identity(request.user, complaint):
        raise PermissionDenied(_("Identity withheld: no consent."))
    form = IdentityForm(request.POST, auto_id="id_identity_%s")
    if not form.is_valid():
        return render_detail(request, complaint, {"identity": form})
    try:
        identity = access.identity_of(request.user, complaint, reason=form.cleaned_data["purpose"])
    except ValidationError as exc:
        attach_errors(form, exc)
        return render_detail(request, complaint, {"identity": form})
    if identity is None:
        raise PermissionDenied(_("Identity withheld: no consent."))
    response = render_detail(request, complaint, identity=identity, status=200)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the acts ---------------------------------------------------------------------------------------


def _merge(complaint, data, actor):
    other = Complaint.objects.for_user(actor).filter(pk=data["other"]).first()
    if other is None:
        raise ValidationError({"other": [_("Choose a complaint from the list of near-duplicates.")]})
    if data["direction"] == MergeForm.INTO_OTHER:
        services.complaint_merge(complaint=complaint, into=other, actor=actor)
    else:
        services.complaint_merge(complaint=other, into=complaint, actor=actor)


def _substantiate(complaint, data, actor):
    services.complaint_substantiate(complaint=complaint, data={k: v for k, v in data.items() if v}, actor=actor)


ACTS = [
    Act(
        "accept",
        lambda c, d, actor: services.complaint_accept(
            complaint=c, handling_organization=d["handling_organization"], note=d["note"], actor=actor
        ),
        gettext_lazy("Accepted and assigned: the handling period runs from today."),
        AcceptForm,
        allowed=_guard("accept"),
    ),
    Act(
        "decline",
        lambda c, d, actor: services.complaint_decline(
            complaint=c, reason=d["reason"], explanation=d["explanation"], actor=actor
        ),
        gettext_lazy("Not accepted: the complainant reads the reason and the explanation."),
        DeclineForm,
        allowed=_guard("decline"),
    ),
    Act(
        "transfer",
        lambda c, d, actor: services.complaint_transfer(
            complaint=c, handling_organization=d["handling_organization"], reason=d["reason"], actor=actor
        ),
        gettext_lazy("Transferred: the handling period runs on."),
        TransferForm,
        allowed=_guard("transfer"),
    ),
    Act(
        "extend",
        lambda c, d, actor: services.complaint_extend(complaint=c, days=d["days"], reason=d["reason"], actor=actor),
        gettext_lazy("Handling period extended."),
        ExtendForm,
        allowed=_guard("extend"),
    ),
    Act(
        "reply",
        lambda c, d, actor: services.complaint_reply(complaint=c, text=d["text"], actor=actor),
        gettext_lazy("Replied: the complainant may ask for a review within its period."),
        TextForm,
        allowed=_guard("reply"),
    ),
    Act(
        "review",
        lambda c, d, actor: services.complaint_review_answer(complaint=c, text=d["text"], actor=actor),
        gettext_lazy("The review is answered."),
        TextForm,
        allowed=_guard("review"),
    ),
    Act(
        "reopen",
        lambda c, d, actor: services.complaint_reopen(complaint=c, reason=d["reason"], actor=actor),
        gettext_lazy("Reopened: a new handling period runs from today."),
        ReasonForm,
        allowed=_guard("reopen"),
    ),
    Act(
        "escalate",
        lambda c, d, actor: services.complaint_escalate(complaint=c, reason=d["reason"], actor=actor),
        gettext_lazy("Escalated to the supervisors."),
        ReasonForm,
        allowed=_guard("escalate"),
    ),
    Act(
        "note",
        lambda c, d, actor: services.complaint_note(complaint=c, text=d["text"], actor=actor),
        gettext_lazy("Note added to the internal timeline."),
        TextForm,
        allowed=_guard("note"),
    ),
    Act("merge", _merge, gettext_lazy("Merged: the matter is handled once."), MergeForm, allowed=_guard("merge")),
    Act(
        "substantiate",
        _substantiate,
        gettext_lazy("Found substantiated: a dishonesty record was proposed."),
        SubstantiateForm,
        allowed=_guard("substantiate"),
    ),
]

act_patterns = act_views(
    ACTS,
    targets={
        "record": Target(
            url_prefix="staff/complaints/<int:pk>/",
            name_prefix="staff_",
            queryset=complaints_for,
        )
    },
    render_page=render_detail,
    page_url="complaints:staff_detail",
)
