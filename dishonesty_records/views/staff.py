"""The staff workspace for dishonesty records: queues per role, the list, proposing and editing a
proposal, a record's page with everything about it, the supervisors' overview, evidence downloads.

Every queryset goes through the access rule: a record outside the user's view scope answers 404. The
record page offers only the actions the user may take and the record's state allows; the actions
themselves (views/actions.py) are POSTs to their own URLs that call a service.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.access import scope_for
from core.calendar import add_working_days
from core.choices import Action
from core.forms import attach_errors
from core.models import AuditEvent
from core.pagination import keyset_page
from core.principals import entered_by
from core.publication import PublicationStatus
from core.publishing import history as publication_history
from organizations.models import CivilServant, Organization

from .. import selectors, services
from ..choices import ObligationStatus, RepairStatus, SanctionKind, SanctionStatus, Stage
from ..forms import (
    AcceptForm,
    ConfirmForm,
    ObjectionForm,
    OutcomeForm,
    ProposalForm,
    ReasonForm,
    RepairForm,
    ReturnForm,
    SanctionForm,
    StaffFilterForm,
    SubmissionForm,
)
from ..models import DishonestyRecord, Evidence, Obligation, RepairApplication, Sanction
from ..services import common
from ..services.records import PROPOSAL_FIELDS

PAGE_SIZE = 25
LIST_FIELDS = (
    "id",
    "subject_kind",
    "subject_name",
    "subject_position",
    "subject_organization_name",
    "category",
    "severity",
    "stage",
    "status",
    "rectification_state",
    "objection_deadline",
    "objection_deadline_provisional",
    "publicity_ends_on",
    "version",
    "created_at",
)
# How the timeline names what the services wrote in the audit trail.
TIMELINE_LABELS = {
    "dishonesty_record.propose": gettext_lazy("Proposed"),
    "dishonesty_record.update": gettext_lazy("Changed"),
    "dishonesty_record.object": gettext_lazy("Objection filed"),
    "dishonesty_record.waive_objection": gettext_lazy("Objection waived"),
    "dishonesty_record.confirm": gettext_lazy("Confirmed"),
    "dishonesty_record.dismiss": gettext_lazy("Dismissed"),
    f"{DishonestyRecord.record_type}.publish": gettext_lazy("Published"),
    f"{DishonestyRecord.record_type}.correct": gettext_lazy("Corrected"),
    f"{DishonestyRecord.record_type}.withdraw": gettext_lazy("Withdrawn"),
    f"{DishonestyRecord.record_type}.end_publicity": gettext_lazy("Publicity ended"),
    f"{DishonestyRecord.record_type}.repair": gettext_lazy("Credit repaired"),
    "obligation.submit": gettext_lazy("Explanation or rectification handed in"),
    "obligation.accept": gettext_lazy("Explanation or rectification accepted"),
    "obligation.return": gettext_lazy("Explanation or rectification returned"),
    "obligation.overdue": gettext_lazy("Explanation or rectification overdue, supervisors told"),
    "sanction.impose": gettext_lazy("Sanction imposed"),
    "sanction.lift": gettext_lazy("Sanction lifted"),
    "sanction.outcome": gettext_lazy("Outcome of the referral recorded"),
    "repair.apply": gettext_lazy("Credit repair applied for"),
    "repair.approve": gettext_lazy("Credit repair approved"),
    "repair.reject": gettext_lazy("Credit repair refused"),
    "evidence.download": gettext_lazy("Evidence file downloaded"),
}


def records_for(user, action=Action.VIEW):
    return DishonestyRecord.objects.in_scope(user, action).select_related(
        "subject_organization", "civil_servant", "authority", "ruled_by"
    )


def require_any_view(user) -> None:
    if scope_for(user, Action.VIEW).is_empty:
        raise PermissionDenied


def may_propose_for(user, organization: Organization) -> bool:
    return scope_for(user, Action.CHANGE).covers(organization.path) or scope_for(user, Action.SUPERVISE).covers(
        organization.path
    )


def proposable_organizations(user):
    scoped = Organization.objects.in_scope(user, Action.CHANGE) | Organization.objects.in_scope(user, Action.SUPERVISE)
    return scoped.filter(is_active=True).order_by("path")


def proposable_civil_servants(user):
    scoped = CivilServant.objects.in_scope(user, Action.CHANGE) | CivilServant.objects.in_scope(user, Action.SUPERVISE)
    return scoped.filter(is_active=True).select_related("organization").order_by("organization__path", "name")


# --- queues, list, supervision ----------------------------------------------------------------------


@login_required
@require_GET
def queues(request):
    require_any_view(request.user)
    user = request.user
    lists = {name: list(queryset) for name, queryset in selectors.queues_for(user).items()}
    context = {
        "queues": lists,
        "subject_side": not (scope_for(user, Action.CHANGE).is_empty and scope_for(user, Action.REVIEW).is_empty),
        "supervisor": not scope_for(user, Action.SUPERVISE).is_empty,
        "can_propose": proposable_organizations(user).exists(),
    }
    return render(request, "dishonesty_records/staff/queues.html", context)


@login_required
@require_GET
def record_list(request):
    require_any_view(request.user)
    form = StaffFilterForm(request.GET or None)
    records = DishonestyRecord.objects.in_scope(request.user).only(*LIST_FIELDS)
    if form.is_bound and form.is_valid():
        records = form.filter(records)
    elif form.is_bound:
        records = records.none()
    context = {
        "form": form,
        "page": keyset_page(records, request, key="id", size=PAGE_SIZE),
        "can_propose": proposable_organizations(request.user).exists(),
    }
    return render(request, "dishonesty_records/staff/list.html", context)


@login_required
@require_GET
def supervision(request):
    if scope_for(request.user, Action.SUPERVISE).is_empty:
        raise PermissionDenied
    overview = selectors.supervision_overview(request.user)
    context = {name: list(value) if hasattr(value, "model") else value for name, value in overview.items()}
    context["rectification_counts"] = [
        (label, overview["rectification_counts"].get(state, 0))
        for state, label in (
            ("in_progress", _("Rectification in progress")),
            ("overdue", _("Rectification overdue")),
            ("rectified", _("Rectified")),
        )
    ]
    context["today"] = timezone.localdate()
    return render(request, "dishonesty_records/staff/supervision.html", context)


# --- proposing and editing a proposal -----------------------------------------------------------------


@login_required
def record_propose(request):
    organizations = proposable_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    civil_servants = proposable_civil_servants(request.user)
    if request.method == "POST":
        form = ProposalForm(request.POST, request.FILES, organizations=organizations, civil_servants=civil_servants)
        if form.is_valid():
            try:
                record = services.record_propose(
                    data=form.service_data(), actor=request.user, files=form.cleaned_data["files"]
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Record %(reference)s proposed. The subject may object until %(date)s.")
                    % {"reference": record.reference, "date": record.objection_deadline.isoformat()},
                )
                return redirect("dishonesty_records:staff_detail", pk=record.pk)
    else:
        initial = {"subject_organization": request.user.organization_id} if request.user.organization_id else {}
        form = ProposalForm(initial=initial, organizations=organizations, civil_servants=civil_servants)
    return render(request, "dishonesty_records/staff/form.html", {"form": form, "record": None})


@login_required
def record_edit(request, pk):
    record = get_object_or_404(records_for(request.user), pk=pk)
    if not may_propose_for(request.user, record.subject_organization):
        raise PermissionDenied
    if record.stage not in (Stage.PROPOSED, Stage.OBJECTED):
        messages.info(request, _("Only a proposal can be edited; a published record is corrected instead."))
        return redirect("dishonesty_records:staff_detail", pk=record.pk)
    kwargs = {
        "organizations": proposable_organizations(request.user),
        "civil_servants": proposable_civil_servants(request.user),
        "with_files": False,
    }
    if request.method == "POST":
        form = ProposalForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.record_update(record=record, data=form.service_data(), actor=request.user)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("dishonesty_records:staff_detail", pk=record.pk)
    else:
        form = ProposalForm(initial={name: getattr(record, name) for name in PROPOSAL_FIELDS}, **kwargs)
    return render(request, "dishonesty_records/staff/form.html", {"form": form, "record": record})


# --- the record page ----------------------------------------------------------------------------------


@dataclass
class Row:
    """An obligation, sanction or repair application with the forms this user may use on it."""

    item: object
    forms: dict = field(default_factory=dict)


def _form(bound: dict, key: str, form_class, allowed: bool, **kwargs):
    # A form just submitted comes back with its errors even if the state no longer offers it: the user
    # sees what was wrong, and the service refuses the move with its own message if they try again.
    if key in bound:
        return bound[key]
    if not allowed:
        return None
    return form_class(auto_id=f"id_{key}_%s", **kwargs)


def timeline(record, obligations, sanctions, repairs, evidence) -> list[AuditEvent]:
    """The audit rows about the record and everything hanging from it, oldest first."""
    models = (DishonestyRecord, Obligation, Sanction, RepairApplication, Evidence)
    types = ContentType.objects.get_for_models(*models)
    condition = Q(target_type=types[DishonestyRecord], target_id=str(record.pk))
    related = ((Obligation, obligations), (Sanction, sanctions), (RepairApplication, repairs), (Evidence, evidence))
    for model, items in related:
        if items:
            condition |= Q(target_type=types[model], target_id__in=[str(item.pk) for item in items])
    events = list(AuditEvent.objects.filter(condition).order_by("id")[:300])
    for event in events:
        event.label = TIMELINE_LABELS.get(event.action, event.action)
    return events


def detail_context(request, record: DishonestyRecord, bound: dict | None = None) -> dict:
    """Everything the record page shows; `bound` holds a submitted form with its errors, by key."""
    bound = bound or {}
    user = request.user
    subject_side = common.acts_for_subject(user, record)
    supervisor = common.supervises(user, record)
    proposal = record.stage in (Stage.PROPOSED, Stage.OBJECTED)
    own_proposal = entered_by(record, user)
    obligations = list(record.obligations.prefetch_related("submissions__evidence").order_by("id"))
    sanctions = list(record.sanctions.select_related("authority").order_by("id"))
    repairs = list(record.repair_applications.prefetch_related("evidence").order_by("-id"))
    evidence = list(record.evidence.order_by("id"))
    standing = record.stage == Stage.CONFIRMED and record.status in (
        PublicationStatus.DRAFT,
        PublicationStatus.PUBLISHED,
    )
    obligation_rows = [
        Row(
            obligation,
            {
                "submit": _form(
                    bound,
                    f"submit-{obligation.pk}",
                    SubmissionForm,
                    subject_side and obligation.status in (ObligationStatus.OPEN, ObligationStatus.RETURNED),
                ),
                "accept": _form(
                    bound, f"accept-{obligation.pk}", AcceptForm, supervisor and obligation.status == "submitted"
                ),
                "return": _form(
                    bound, f"return-{obligation.pk}", ReturnForm, supervisor and obligation.status == "submitted"
                ),
            },
        )
        for obligation in obligations
    ]
    sanction_rows = [
        Row(
            sanction,
            {
                "lift": _form(
                    bound, f"lift-{sanction.pk}", ReasonForm, supervisor and sanction.status == SanctionStatus.ACTIVE
                ),
                "outcome": _form(
                    bound,
                    f"outcome-{sanction.pk}",
                    OutcomeForm,
                    supervisor and sanction.kind == SanctionKind.ACCOUNTABILITY_REFERRAL,
                ),
            },
        )
        for sanction in sanctions
    ]
    repair_rows = [
        Row(
            application,
            {
                "approve": _form(
                    bound,
                    f"approve-{application.pk}",
                    ReasonForm,
                    supervisor and application.status == RepairStatus.SUBMITTED,
                ),
                "reject": _form(
                    bound,
                    f"reject-{application.pk}",
                    ReasonForm,
                    supervisor and application.status == RepairStatus.SUBMITTED,
                ),
            },
        )
        for application in repairs
    ]
    repair_refusal = None
    if subject_side and record.status == PublicationStatus.PUBLISHED:
        repair_refusal = services.repair_refusal(record)
    # Published records are withdrawn publicly; a confirmed one never published is withdrawn inside.
    withdrawable = record.status == PublicationStatus.PUBLISHED or (
        record.stage == Stage.CONFIRMED and record.status == PublicationStatus.DRAFT
    )
    forms = {
        "object": _form(bound, "object", ObjectionForm, subject_side and record.objection_open),
        "confirm": _form(
            bound, "confirm", ConfirmForm, supervisor and proposal and not record.objection_open and not own_proposal
        ),
        "dismiss": _form(bound, "dismiss", ReasonForm, supervisor and proposal),
        "withdraw": _form(bound, "withdraw", ReasonForm, supervisor and withdrawable),
        "sanction": _form(bound, "sanction", SanctionForm, supervisor and standing),
        "repair": _form(
            bound,
            "repair",
            RepairForm,
            subject_side and record.status == PublicationStatus.PUBLISHED and repair_refusal is None,
        ),
    }
    objection_explanation = None
    if record.objection_deadline_provisional and proposal:
        objection_explanation = add_working_days(
            timezone.localdate(record.created_at), common.rules()["OBJECTION_WORKING_DAYS"]
        ).explanation()
    return {
        "record": record,
        "forms": forms,
        "obligations": obligation_rows,
        "sanctions": sanction_rows,
        "repairs": repair_rows,
        "evidence": [e for e in evidence if e.submission_id is None and e.repair_application_id is None],
        "events": timeline(record, obligations, sanctions, repairs, evidence),
        "versions": publication_history(record),
        "subject_side": subject_side,
        "supervisor": supervisor,
        "can_edit": proposal and may_propose_for(user, record.subject_organization),
        "can_waive": subject_side and record.objection_open,
        "can_publish": supervisor
        and record.stage == Stage.CONFIRMED
        and record.status == PublicationStatus.DRAFT
        and record.publication_allowed,
        "can_correct": supervisor and record.status == PublicationStatus.PUBLISHED,
        "own_proposal": supervisor and proposal and own_proposal,
        "repair_refusal": repair_refusal,
        "objection_explanation": objection_explanation,
        "today": timezone.localdate(),
    }


def render_detail(request, record, bound: dict | None = None):
    return render(request, "dishonesty_records/staff/detail.html", detail_context(request, record, bound))


@login_required
@require_GET
def record_detail(request, pk):
    record = get_object_or_404(records_for(request.user), pk=pk)
    return render_detail(request, record)


# --- evidence -----------------------------------------------------------------------------------------


@login_required
@require_GET
def evidence_download(request, pk):
    """Evidence is never public: only those whose view scope covers the record, and every download is
    in the audit trail."""
    evidence = get_object_or_404(
        Evidence.objects.in_scope(request.user).select_related("record__subject_organization"), pk=pk
    )
    opened = services.evidence_open(evidence=evidence, actor=request.user)
    return FileResponse(opened, as_attachment=True, filename=evidence.original_name)


urlpatterns = [
    path("staff/dishonesty-records/", queues, name="staff_queues"),
    path("staff/dishonesty-records/list/", record_list, name="staff_list"),
    path("staff/dishonesty-records/new/", record_propose, name="staff_propose"),
    path("staff/dishonesty-records/supervision/", supervision, name="staff_supervision"),
    path("staff/dishonesty-records/evidence/<int:pk>/", evidence_download, name="staff_evidence"),
    path("staff/dishonesty-records/<int:pk>/", record_detail, name="staff_detail"),
    path("staff/dishonesty-records/<int:pk>/edit/", record_edit, name="staff_edit"),
]
