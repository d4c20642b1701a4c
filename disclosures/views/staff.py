"""The staff workspace for disclosures: lists, entry forms, detail with history, life-cycle actions.

Every queryset goes through the access rule; a record outside the user's scope answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, register_converter
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import scope_for
from core.calendar import add_working_days
from core.choices import Action
from core.forms import attach_errors
from core.models import AuditEvent
from core.pagination import keyset_page
from core.publishing import history as publication_history
from organizations.models import Organization

from .. import services
from ..forms import FORMS, ReasonForm, RevealIdForm, StaffFilterForm
from ..models import LicenseDisclosure, PenaltyDisclosure

MODELS = {"penalty": PenaltyDisclosure, "license": LicenseDisclosure}


def _model(kind: str):
    if kind not in MODELS:
        raise Http404
    return MODELS[kind]


def _records(request, kind, action=Action.VIEW):
    return _model(kind).objects.in_scope(request.user, action).select_related("authority")


@login_required
def disclosure_list(request, kind):
    if scope_for(request.user, Action.VIEW).is_empty:
        raise PermissionDenied
    records = _records(request, kind)
    form = StaffFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            records = records.filter(
                Q(subject_name__contains=term) | Q(subject_uscc=term.upper()) | Q(decision_number__startswith=term)
            )
        if data["status"]:
            records = records.filter(status=data["status"])
        if data["overdue"]:
            records = records.overdue()
        if data["decided_after"]:
            records = records.filter(decided_on__gte=data["decided_after"])
        if data["decided_before"]:
            records = records.filter(decided_on__lte=data["decided_before"])
    page = keyset_page(records, request, key="id")
    context = {
        "kind": kind,
        "model_meta": _model(kind)._meta,
        "page": page,
        "form": form,
        "can_enter": not scope_for(request.user, Action.CHANGE).is_empty,
        "can_review": not scope_for(request.user, Action.REVIEW).is_empty,
    }
    return render(request, "disclosures/staff/list.html", context)


def _change_organizations(request):
    return Organization.objects.in_scope(request.user, Action.CHANGE).filter(is_active=True)


@login_required
def disclosure_edit(request, kind, pk=None):
    record = get_object_or_404(_records(request, kind, Action.CHANGE), pk=pk) if pk else None
    organizations = _change_organizations(request)
    if not organizations.exists():
        raise PermissionDenied
    if record is not None and record.status != "draft":
        messages.info(request, _("Published records are changed through a correction."))
        return redirect("disclosures:staff_detail", kind=kind, pk=record.pk)
    form_class = FORMS[kind]
    if request.method == "POST":
        form = form_class(request.POST, organizations=organizations)
        if form.is_valid():
            try:
                if record is None:
                    record = services.disclosure_create(kind=kind, data=form.cleaned_data, actor=request.user)
                    messages.success(request, _("Draft saved. A reviewer of your organization publishes it."))
                else:
                    services.disclosure_update(record=record, data=form.cleaned_data, actor=request.user)
                    messages.success(request, _("Changes saved."))
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return redirect("disclosures:staff_detail", kind=kind, pk=record.pk)
    else:
        initial = (
            services.before_values(record, kind, masked=True)
            if record
            else {
                "authority": request.user.organization_id,
                "data_source": request.user.organization_id,
            }
        )
        form = form_class(initial=initial, organizations=organizations)
    return render(
        request,
        "disclosures/staff/form.html",
        {"form": form, "record": record, "kind": kind, "model_meta": _model(kind)._meta},
    )


@login_required
def disclosure_detail(request, kind, pk):
    record = get_object_or_404(_records(request, kind).select_related("data_source", "published_by"), pk=pk)
    reveal_form = RevealIdForm(request.POST or None)
    revealed = False
    if (
        request.method == "POST"
        and reveal_form.is_valid()
        and (record.subject_id_number or record.legal_representative_id_number)
    ):
        try:
            services.disclosure_reveal_id_number(
                record=record, reason=reveal_form.cleaned_data["reveal_reason"], actor=request.user
            )
        except ValidationError as exc:
            reveal_form.add_error("reveal_reason", exc.messages)
        else:
            revealed = True
    context = {
        "kind": kind,
        "record": record,
        "model_meta": _model(kind)._meta,
        "versions": publication_history(record),
        "events": AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(record), target_id=str(record.pk)
        ).order_by("id")[:100],
        "deadline": add_working_days(record.decided_on, services.PUBLISH_WITHIN_WORKING_DAYS),
        "can_edit": record.status == "draft" and scope_for(request.user, Action.CHANGE).covers(record.authority.path),
        "can_review": scope_for(request.user, Action.REVIEW).covers(record.authority.path),
        "reveal_form": reveal_form,
        "revealed": revealed,
    }
    return render(request, "disclosures/staff/detail.html", context)


@login_required
@require_POST
def disclosure_publish(request, kind, pk):
    record = get_object_or_404(_records(request, kind, Action.REVIEW), pk=pk)
    try:
        services.disclosure_publish(record=record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Published."))
    return redirect("disclosures:staff_detail", kind=kind, pk=pk)


@login_required
@require_POST
def disclosure_bulk_publish(request, kind):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:500]
    records = list(_records(request, kind, Action.REVIEW).filter(pk__in=ids))
    published, refused = services.disclosure_bulk_publish(records=records, actor=request.user)
    if published:
        messages.success(request, _("%(count)d records published.") % {"count": len(published)})
    for pk, reason in refused.items():
        messages.warning(request, _("#%(id)s not published: %(reason)s") % {"id": pk, "reason": reason})
    if not records:
        messages.warning(request, _("Select the drafts to publish."))
    return redirect("disclosures:staff_list", kind=kind)


@login_required
def disclosure_withdraw(request, kind, pk):
    record = get_object_or_404(_records(request, kind, Action.REVIEW), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_withdraw(record=record, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Withdrawn. The record stays on file with its history."))
            return redirect("disclosures:staff_detail", kind=kind, pk=pk)
    return render(request, "disclosures/staff/withdraw.html", {"form": form, "record": record, "kind": kind})


@login_required
def disclosure_correct(request, kind, pk):
    record = get_object_or_404(_records(request, kind, Action.REVIEW), pk=pk)
    organizations = Organization.objects.filter(
        pk__in=[record.authority_id, record.data_source_id]
    ) | _change_organizations(request)
    form_class = FORMS[kind]
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST":
        form = form_class(request.POST, organizations=organizations.distinct())
        if form.is_valid() and reason_form.is_valid():
            try:
                services.disclosure_correct(
                    record=record,
                    data=form.changed_data_only(record),
                    reason=reason_form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "reason" in exc.message_dict:
                    reason_form.add_error("reason", exc.message_dict.pop("reason"))
                attach_errors(form, exc)
            else:
                messages.success(request, _("Corrected: a new version is published, the earlier one is kept."))
                return redirect("disclosures:staff_detail", kind=kind, pk=pk)
    else:
        form = form_class(
            initial=services.before_values(record, kind, masked=True), organizations=organizations.distinct()
        )
    return render(
        request,
        "disclosures/staff/correct.html",
        {"form": form, "reason_form": reason_form, "record": record, "kind": kind},
    )


class KindConverter:
    """Only the two kinds match, so /staff/disclosures/imports/ and friends stay free."""

    regex = "penalty|license"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(KindConverter, "disclosure_kind")

urlpatterns = [
    path("staff/disclosures/<disclosure_kind:kind>/", disclosure_list, name="staff_list"),
    path("staff/disclosures/<disclosure_kind:kind>/new/", disclosure_edit, name="staff_create"),
    path("staff/disclosures/<disclosure_kind:kind>/bulk-publish/", disclosure_bulk_publish, name="staff_bulk_publish"),
    path("staff/disclosures/<disclosure_kind:kind>/<int:pk>/", disclosure_detail, name="staff_detail"),
    path("staff/disclosures/<disclosure_kind:kind>/<int:pk>/edit/", disclosure_edit, name="staff_edit"),
    path("staff/disclosures/<disclosure_kind:kind>/<int:pk>/publish/", disclosure_publish, name="staff_publish"),
    path("staff/disclosures/<disclosure_kind:kind>/<int:pk>/withdraw/", disclosure_withdraw, name="staff_withdraw"),
    path("staff/disclosures/<disclosure_kind:kind>/<int:pk>/correct/", disclosure_correct, name="staff_correct"),
]
