"""Registering a complaint received by telephone, letter or visit; the attachment download; the deadline rules.

Who registers: the intake officers (信访) and the supervisors — those who take complaints in — about an
organization within their intake or supervision scope, so that what they register is theirs to see next.
The tracking code and the secret are shown once, on the answer to the registration, to be read out to the
complainant or written in the reply letter; the secret is kept only as an HMAC.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import may_set_city_rules, scope_for
from core.choices import Action
from core.forms import attach_errors
from core.private_files import serve_private
from organizations.models import Organization

from ... import services
from ...choices import DEFAULT_DEADLINE_DAYS, DeadlineKind
from ...models import Complaint, ComplaintAttachment, DeadlineRule
from ...staff_forms import DeadlineRuleForm, RegisterForm
from .queues import has_complaint_role, may_register


def registrable_organizations(user):
    """Active organizations in the user's intake or supervision scope."""
    queryset = Organization.objects.filter(is_active=True).only("id", "name").order_by("path")
    condition = None
    for action in (Action.INTAKE, Action.SUPERVISE):
        scope = scope_for(user, action)
        if scope.everything:
            return queryset
        if not scope.is_empty:
            part = scope.q("path")
            condition = part if condition is None else condition | part
    return queryset.filter(condition) if condition is not None else queryset.none()


@login_required
def complaint_register(request):
    if not may_register(request.user):
        raise PermissionDenied(_("Intake officers and supervisors register complaints."))
    organizations = registrable_organizations(request.user)
    if request.method != "POST":
        return render(request, "complaints/staff/register.html", {"form": RegisterForm(organizations=organizations)})
    form = RegisterForm(request.POST, request.FILES, organizations=organizations)
    if form.is_valid():
        received_on = form.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            form.add_error("received_on", _("This date is in the future."))
        else:
            try:
                filed = services.complaint_file(
                    data=form.service_data(),
                    channel=form.cleaned_data["channel"],
                    actor=request.user,
                    files=form.cleaned_data.get("attachments") or (),
                    received_on=received_on,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                response = render(
                    request, "complaints/staff/registered.html", {"complaint": filed.complaint, "secret": filed.secret}
                )
                response["Cache-Control"] = "private, no-store"
                return response
    return render(request, "complaints/staff/register.html", {"form": form}, status=400)


@login_required
@require_GET
def attachment_download(request, pk: int):
    """Only to those who see the complaint; every download in the audit trail."""
    attachment = get_object_or_404(
        ComplaintAttachment.objects.filter(complaint__in=Complaint.objects.for_user(request.user)).select_related(
            "complaint__organization"
        ),
        pk=pk,
    )
    return serve_private(
        request,
        storage_name=attachment.file.name,
        download_name=attachment.original_name,
        content_type=attachment.content_type,
        audit_target=attachment.complaint,
        audit_action="complaints.attachment.download",
        actor=request.user,
    )


# --- the deadline rules -----------------------------------------------------------------------------


def _rules(bound: dict | None = None, *, editable: bool) -> list[dict]:
    table = {rule.kind: rule for rule in DeadlineRule.objects.all()}
    rows = []
    for kind, label in DeadlineKind.choices:
        rule = table.get(kind)
        days, basis = (rule.days, rule.legal_basis) if rule else DEFAULT_DEADLINE_DAYS[kind]
        form = None
        if editable:
            form = (bound or {}).get(kind) or DeadlineRuleForm(
                initial={"days": days, "legal_basis": basis}, auto_id=f"id_{kind}_%s"
            )
        rows.append(
            {
                "kind": kind,
                "label": label,
                "days": days,
                "legal_basis": basis,
                "changed_by": rule.changed_by_label if rule else "",
                "changed_at": rule.updated_at if rule else None,
                "form": form,
            }
        )
    return rows


def _render_rules(request, bound: dict | None = None):
    editable = may_set_city_rules(request.user)
    context = {"rules": _rules(bound, editable=editable), "editable": editable}
    return render(request, "complaints/staff/deadlines.html", context, status=400 if bound else 200)


@login_required
@require_GET
def deadline_rules(request):
    if not (has_complaint_role(request.user) or may_set_city_rules(request.user)):
        raise PermissionDenied(_("Your roles give you no complaints to see."))
    return _render_rules(request)


@login_required
@require_POST
def deadline_rule_edit(request, kind: str):
    if kind not in DeadlineKind.values:
        raise Http404
    if not may_set_city_rules(request.user):
        raise PermissionDenied(_("Only the city's supervisors change the complaint deadlines."))
    form = DeadlineRuleForm(request.POST, auto_id=f"id_{kind}_%s")
    if form.is_valid():
        try:
            services.deadline_rule_set(
                kind=kind,
                days=form.cleaned_data["days"],
                legal_basis=form.cleaned_data["legal_basis"],
                actor=request.user,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Saved: complaints received from now on are counted with it."))
            return redirect("complaints:staff_deadlines")
    return _render_rules(request, {kind: form})
