"""Celery tasks of complaints: thin and idempotent — the statistics refresh, and the overdue sweep."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.sweeps import Notice, claim_and_notify, listed
from organizations.selectors import supervisors_over

from .choices import DeadlineKind, EventKind, Status
from .models import Complaint, ComplaintEvent


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_statistics() -> dict:
    """The public statistics' monthly table: every month once a night, else the months touched since."""
    from .statistics import refresh_due

    return refresh_due()


# --- the overdue sweep (hourly) --------------------------------------------------------------------
#
# A complaint not decided on past its acceptance deadline, not replied to past its handling deadline, or
# whose review is not answered past its deadline, escalates once: `escalated_at` is set (the marker of
# core.sweeps.claim_and_notify, so a second run, or two at once, write nothing more), an internal OVERDUE
# step is written on each timeline (one bulk insert a batch), an audit row each, and the supervisors over
# the handling organization — over the organization complained about while none is assigned — hear once.
# A complaint escalated by hand before (complaint_escalate) is not escalated again; reopening clears it.

OVERDUE_BATCH_SIZE = 500


def overdue(today: datetime.date):
    return Complaint.objects.filter(
        Q(status=Status.RECEIVED, accept_due__lt=today)
        | Q(status=Status.ACCEPTED, handle_due__lt=today)
        | Q(status=Status.REVIEW_REQUESTED, review_due__lt=today)
    )


def _passed(complaint: Complaint) -> tuple[str, datetime.date]:
    return {
        Status.RECEIVED: (DeadlineKind.ACCEPT, complaint.accept_due),
        Status.ACCEPTED: (DeadlineKind.HANDLE, complaint.handle_due),
        Status.REVIEW_REQUESTED: (DeadlineKind.REVIEW_ANSWER, complaint.review_due),
    }[complaint.status]


def escalate_overdue(*, today: datetime.date | None = None, batch_size: int = OVERDUE_BATCH_SIZE) -> int:
    """Escalate every complaint past its current deadline, once. Returns how many were escalated."""
    today = today or timezone.localdate()
    labels = dict(DeadlineKind.choices)

    def write_steps(complaints: list[Complaint]) -> None:
        steps = []
        for complaint in complaints:
            kind, due = _passed(complaint)
            steps.append(
                ComplaintEvent(
                    complaint=complaint,
                    kind=EventKind.OVERDUE,
                    public=False,
                    text=_("Deadline passed: %(what)s, due %(date)s. Escalated to the supervisors.")
                    % {"what": labels[kind], "date": due.isoformat()},
                    details={"deadline": kind, "due": due.isoformat(), "escalated": True},
                )
            )
        ComplaintEvent.objects.bulk_create(steps)

    def notice(organization, complaints: list[Complaint]) -> Notice:
        return Notice(
            recipients=list(supervisors_over(organization)),
            kind="complaints.overdue",
            subject=_("Complaints past their deadline at %(organization)s: %(codes)s")
            % {"organization": organization.name, "codes": listed(complaints, lambda c: c.tracking_code)},
            link=reverse("complaints:staff_list") + "?queue=escalated",
            dedupe_key=f"complaints-overdue-{organization.pk}-{today:%Y%m%d}-{complaints[0].pk}",
        )

    return claim_and_notify(
        overdue(today).select_related("organization", "handling_organization"),
        marker="escalated_at",
        audit_action="complaints.complaint.overdue",
        scope_path_of=lambda complaint: complaint.organization.path,
        claimed=write_steps,
        group_by=lambda complaint: complaint.handling_organization or complaint.organization,
        notices=notice,
        batch_size=batch_size,
    )


@shared_task(name="complaints.escalate_overdue", acks_late=True, reject_on_worker_lost=True)
def escalate_overdue_task() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE "complaints-escalate-overdue")."""
    return escalate_overdue()
