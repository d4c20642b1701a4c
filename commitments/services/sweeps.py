"""The beat's part: pledges past their due date turn overdue (supervisors hear once), and staff are reminded
of milestones falling due within the next working days (once per milestone). The shared sweep pattern
(core.sweeps.claim_and_notify): batches, skip-locked, a marker so nothing is told twice."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import calendar_covering
from core.sweeps import Notice, claim_and_notify, listed
from organizations.choices import Role
from organizations.selectors import supervisors_over, users_with_role

from ..choices import Fulfilment
from ..models import Milestone, Pledge
from .pledges import announce

BATCH_SIZE = 500
REMINDER_WORKING_DAYS = 3


def escalate_overdue_pledges(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Open pledges past their due date become overdue — a change the public sees, so a published one is a
    new version in the ledger and to the national platform — and the body's supervisors hear once."""
    today = today or timezone.localdate()

    def turn_overdue(pledges: list[Pledge]) -> None:
        for pledge in pledges:
            pledge.fulfilment = Fulfilment.OVERDUE
            announce(pledge, reason=_("Past its due date without being settled."), actor=None, fields=["fulfilment"])

    def notice(organization, pledges: list[Pledge]) -> Notice:
        return Notice(
            recipients=list(supervisors_over(organization)),
            kind="commitments.overdue",
            subject=_("Overdue pledges of %(organization)s: %(pledges)s")
            % {"organization": organization.name, "pledges": listed(pledges, lambda p: p.reference)},
            dedupe_key=f"commitments-overdue-{organization.pk}-{today:%Y%m%d}-{pledges[0].pk}",
        )

    return claim_and_notify(
        Pledge.objects.filter(fulfilment=Fulfilment.IN_PROGRESS, due_on__lt=today).select_related(
            "organization", "parent"
        ),
        marker="overdue_escalated_at",
        audit_action="commitments.pledge.overdue",
        scope_path_of=lambda pledge: pledge.organization.path,
        claimed=turn_overdue,
        group_by=lambda pledge: pledge.organization,
        notices=notice,
        batch_size=batch_size,
    )


def remind_milestones_due(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Milestones of open pledges due within the next REMINDER_WORKING_DAYS working days (holidays and
    make-up days counted): the body's staff hear once per milestone."""
    today = today or timezone.localdate()
    horizon = calendar_covering(today, today, REMINDER_WORKING_DAYS).add_working_days(today, REMINDER_WORKING_DAYS)

    def notice(organization, milestones: list[Milestone]) -> Notice:
        return Notice(
            recipients=[*users_with_role(organization, Role.STAFF), *users_with_role(organization, Role.REVIEWER)],
            kind="commitments.milestone_due",
            subject=_("Milestones due by %(date)s: %(milestones)s")
            % {"date": horizon.due.isoformat(), "milestones": listed(milestones, lambda m: m.title)},
            dedupe_key=f"commitments-milestones-{organization.pk}-{today:%Y%m%d}-{milestones[0].pk}",
        )

    return claim_and_notify(
        Milestone.objects.filter(
            done_on__isnull=True,
            due_on__gte=today,
            due_on__lte=horizon.due,
            pledge__fulfilment__in=[Fulfilment.IN_PROGRESS, Fulfilment.OVERDUE],
        ).select_related("pledge__organization"),
        marker="reminded_at",
        group_by=lambda milestone: milestone.pledge.organization,
        notices=notice,
        batch_size=batch_size,
    )


def escalate_overdue_milestones(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Milestones of open pledges past their due date (counted in working days where the pledge said so,
    so a deadline across National Day falls after the holiday): the body's supervisors hear once."""
    today = today or timezone.localdate()

    def notice(organization, milestones: list[Milestone]) -> Notice:
        return Notice(
            recipients=list(supervisors_over(organization)),
            kind="commitments.milestone_overdue",
            subject=_("Milestones past their due date at %(organization)s: %(milestones)s")
            % {
                "organization": organization.name,
                "milestones": listed(milestones, lambda m: f"{m.pledge.reference} {m.title}"),
            },
            dedupe_key=f"commitments-milestones-overdue-{organization.pk}-{today:%Y%m%d}-{milestones[0].pk}",
        )

    return claim_and_notify(
        Milestone.objects.filter(
            done_on__isnull=True,
            due_on__lt=today,
            pledge__fulfilment__in=[Fulfilment.IN_PROGRESS, Fulfilment.OVERDUE],
        ).select_related("pledge__organization"),
        marker="escalated_at",
        group_by=lambda milestone: milestone.pledge.organization,
        notices=notice,
        batch_size=batch_size,
    )


def measure_pledges(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """The latest value of every open measured pledge, stored so lists can show it (the pledge page measures
    live). One measurement per pledge — its indicator's queries over the body's records of the period."""
    from ..selectors import measured

    today = today or timezone.localdate()
    done = 0
    pending = Pledge.objects.filter(fulfilment__in=[Fulfilment.IN_PROGRESS, Fulfilment.OVERDUE]).exclude(indicator="")
    last_id = 0
    while True:
        batch = list(pending.filter(pk__gt=last_id).select_related("organization").order_by("pk")[:batch_size])
        if not batch:
            return done
        for pledge in batch:
            try:
                measurement = measured(pledge, today=today)
            except (LookupError, ValidationError):
                continue  # an indicator no longer registered, or parameters it no longer takes
            pledge.measured_value = measurement.value
            pledge.measured_through = measurement.end
        Pledge.objects.bulk_update(batch, ["measured_value", "measured_through"])
        done += len(batch)
        last_id = batch[-1].pk
