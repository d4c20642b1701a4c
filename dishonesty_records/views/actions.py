"""What staff do to a record, each a POST to its own URL that calls one service.

A form with errors (the form's own or the service's field errors) re-renders the record page with that
form open and its messages by field; a move the record's state does not allow comes back as a message on
the record page; an action this user may not take answers 403, a record outside their view scope 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import staff_acts
from core.forms import attach_errors
from core.publication import PublicationStatus

from .. import services
from ..forms import (
    AcceptForm,
    ConfirmForm,
    CorrectionForm,
    ObjectionForm,
    OutcomeForm,
    ReasonForm,
    RepairForm,
    ReturnForm,
    SanctionForm,
    SubmissionForm,
)
from ..models import Obligation, RepairApplication, Sanction
from ..services import common
from ..services.records import CONTENT_FIELDS
from .staff import records_for, render_detail

SUBJECT, SUPERVISOR = "subject", "supervisor"


def _obligations(user):
    return Obligation.objects.in_scope(user)


def _sanctions(user):
    return Sanction.objects.in_scope(user)


def _repairs(user):
    return RepairApplication.objects.in_scope(user)


def Act(name, target, side, perform, success, form_class=None):
    """One act of the table below, on core.staff_acts: `side` says who may (the subject's or a supervisor)."""
    return staff_acts.Act(
        name=name,
        perform=perform,
        success=success,
        form_class=form_class,
        target=target,
        allowed=lambda user, record: _require_side(side, user, record),
    )


def _files(data):
    return data.get("files") or ()


ACTS = [
    Act(
        "object",
        "record",
        SUBJECT,
        lambda record, data, actor: services.record_object(
            record=record, statement=data["statement"], actor=actor, files=_files(data)
        ),
        gettext_lazy("Your objection was filed. A supervisor rules on the record next."),
        ObjectionForm,
    ),
    Act(
        "waive-objection",
        "record",
        SUBJECT,
        lambda record, data, actor: services.record_waive_objection(record=record, actor=actor),
        gettext_lazy("You declared that you have no objection. A supervisor may rule on the record now."),
    ),
    Act(
        "confirm",
        "record",
        SUPERVISOR,
        lambda record, data, actor: services.record_confirm(record=record, actor=actor, **_confirm_arguments(data)),
        gettext_lazy("Confirmed. The subject has been told what it owes and by when."),
        ConfirmForm,
    ),
    Act(
        "dismiss",
        "record",
        SUPERVISOR,
        lambda record, data, actor: services.record_dismiss(record=record, reason=data["reason"], actor=actor),
        gettext_lazy("Dismissed. The subject has been told the reasons."),
        ReasonForm,
    ),
    Act(
        "publish",
        "record",
        SUPERVISOR,
        lambda record, data, actor: services.record_publish(record=record, actor=actor),
        gettext_lazy("Published: the record is on public view and goes to the national platform."),
    ),
    Act(
        "withdraw",
        "record",
        SUPERVISOR,
        lambda record, data, actor: services.record_withdraw(record=record, reason=data["reason"], actor=actor),
        gettext_lazy("Withdrawn. The record left public view and stays on file with its history."),
        ReasonForm,
    ),
    Act(
        "sanction",
        "record",
        SUPERVISOR,
        lambda record, data, actor: services.sanction_impose(
            record=record,
            actor=actor,
            kind=data["kind"],
            reason=data["reason"],
            start_on=data["start_on"],
            end_on=data["end_on"],
            notice_text=data["notice_text"],
            referred_to=data["referred_to"],
        ),
        gettext_lazy("Sanction imposed."),
        SanctionForm,
    ),
    Act(
        "repair",
        "record",
        SUBJECT,
        lambda record, data, actor: services.repair_apply(
            record=record, statement=data["statement"], actor=actor, files=_files(data)
        ),
        gettext_lazy("Your application for credit repair was received. Follow its progress on this page."),
        RepairForm,
    ),
    Act(
        "submit",
        "obligation",
        SUBJECT,
        lambda obligation, data, actor: services.obligation_submit(
            obligation=obligation, text=data["text"], actor=actor, files=_files(data)
        ),
        gettext_lazy("Handed in. A supervisor reviews it next."),
        SubmissionForm,
    ),
    Act(
        "accept",
        "obligation",
        SUPERVISOR,
        lambda obligation, data, actor: services.obligation_accept(
            obligation=obligation, actor=actor, note=data["note"]
        ),
        gettext_lazy("Accepted."),
        AcceptForm,
    ),
    Act(
        "return",
        "obligation",
        SUPERVISOR,
        lambda obligation, data, actor: services.obligation_return(
            obligation=obligation,
            reason=data["reason"],
            actor=actor,
            extra_working_days=data["extra_working_days"],
        ),
        gettext_lazy("Returned to the subject with your reasons."),
        ReturnForm,
    ),
    Act(
        "lift",
        "sanction",
        SUPERVISOR,
        lambda sanction, data, actor: services.sanction_lift(sanction=sanction, reason=data["reason"], actor=actor),
        gettext_lazy("Sanction lifted."),
        ReasonForm,
    ),
    Act(
        "outcome",
        "sanction",
        SUPERVISOR,
        lambda sanction, data, actor: services.sanction_record_outcome(
            sanction=sanction, outcome=data["outcome"], outcome_on=data["outcome_on"], actor=actor
        ),
        gettext_lazy("Outcome recorded."),
        OutcomeForm,
    ),
    Act(
        "approve",
        "repair",
        SUPERVISOR,
        lambda application, data, actor: services.repair_approve(
            application=application, reason=data["reason"], actor=actor
        ),
        gettext_lazy(
            "Credit repair approved: the record left public view, and the repair goes to the national platform."
        ),
        ReasonForm,
    ),
    Act(
        "reject",
        "repair",
        SUPERVISOR,
        lambda application, data, actor: services.repair_reject(
            application=application, reason=data["reason"], actor=actor
        ),
        gettext_lazy("Credit repair refused. The applicant has been told the reasons."),
        ReasonForm,
    ),
]


def _confirm_arguments(data: dict) -> dict:
    return {
        "reason": data["reason"],
        "determined_on": data["determined_on"],
        "severity": data["severity"] or None,
        "publication_allowed": data["publication_allowed"],
        "publication_restriction": data["publication_restriction"],
        "explanation_required": data["explanation_required"],
        "explanation_working_days": data["explanation_working_days"],
        "rectification_requirement": data["rectification_requirement"],
        "rectification_working_days": data["rectification_working_days"],
    }


def _require_side(side: str, user, record) -> None:
    if side == SUBJECT:
        common.require_subject_side(user, record)
    else:
        common.require_supervisor(user, record)


def _record_of(user, target):
    return get_object_or_404(records_for(user), pk=target.record_id)


@login_required
def record_correct(request, pk):
    """A published record changes as a new version; the page lists the content fields and a reason."""
    record = get_object_or_404(records_for(request.user), pk=pk)
    common.require_supervisor(request.user, record)
    if record.status != PublicationStatus.PUBLISHED:
        messages.error(request, _("Only a published record can be corrected."))
        return redirect("dishonesty_records:staff_detail", pk=record.pk)
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.record_correct(
                    record=record,
                    data=form.changed_content(record),
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "illegal_transition":
                    messages.error(request, " ".join(exc.messages))
                    return redirect("dishonesty_records:staff_detail", pk=record.pk)
                attach_errors(form, exc)
            else:
                messages.success(request, _("Corrected: a new version is published, the earlier one is kept."))
                return redirect("dishonesty_records:staff_detail", pk=record.pk)
    else:
        form = CorrectionForm(initial={name: getattr(record, name) for name in CONTENT_FIELDS})
    return render(request, "dishonesty_records/staff/correct.html", {"form": form, "record": record})


def _target(prefix: str, name: str, queryset, record_of=_record_of) -> staff_acts.Target:
    return staff_acts.Target(url_prefix=prefix, name_prefix=f"{name}_", queryset=queryset, record_of=record_of)


TARGETS = {
    "record": _target("staff/dishonesty-records/<int:pk>/", "record", records_for, record_of=None),
    "obligation": _target("staff/dishonesty-records/obligations/<int:pk>/", "obligation", _obligations),
    "sanction": _target("staff/dishonesty-records/sanctions/<int:pk>/", "sanction", _sanctions),
    "repair": _target("staff/dishonesty-records/repairs/<int:pk>/", "repair", _repairs),
}

urlpatterns = [
    path("staff/dishonesty-records/<int:pk>/correct/", record_correct, name="staff_correct"),
    *staff_acts.act_views(ACTS, targets=TARGETS, render_page=render_detail, page_url="dishonesty_records:staff_detail"),
]
