"""What double publicity measures for pledges and evaluations (core.indicators): how soon a body publishes.

A record counts in the month of its decision once it is published, or once its window has closed while
it is still a draft; it meets the bar when it was published within the pledged number of working days
of the decision (the statutory seven by default). A draft withdrawn before it was ever published was
never a decision to publish and does not count.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.calendar import calendar_covering
from core.indicators import Behind, Indicator, Parameter, month_of, register_indicator, tally
from core.publication import PublicationStatus

from .models import LicenseDisclosure, PenaltyDisclosure

WORKING_DAYS = Parameter("working_days", _("within working days"), default=7, minimum=1, maximum=60)


def published_within(model):
    def measure(organization, start: datetime.date, end: datetime.date, parameters: dict[str, int]):
        working_days = parameters["working_days"]
        records = (
            model.objects.filter(authority=organization, decided_on__range=(start, end))
            .exclude(Q(status=PublicationStatus.WITHDRAWN) & Q(version=0))
            .order_by("decided_on", "id")
        )
        calendar = calendar_covering(start, end, working_days)
        due = {}  # decision day → the last day it could be published and meet the bar

        def due_of(day):
            if day not in due:
                due[day] = calendar.add_working_days(day, working_days).due
            return due[day]

        today = timezone.localdate()
        counted = [
            row
            for row in records.values_list("decided_on", "published_at")
            if row[1] is not None or due_of(row[0]) < today
        ]
        points = tally(
            counted,
            month=lambda row: month_of(row[0]),
            met=lambda row: row[1] is not None and timezone.localdate(row[1]) <= due_of(row[0]),
        )
        return points, records

    return measure


def describer(kind: str):
    def describe(record) -> Behind:
        if record.status == PublicationStatus.PUBLISHED:
            return Behind(
                label=f"{record.decision_number} · {record.subject_name}",
                day=record.decided_on,
                url=reverse(f"disclosures:public_{kind}_detail", args=[record.pk]),
            )
        # Not on public view (not yet published, or withdrawn): only that a decision of that day counts.
        return Behind(label=_("A decision not on public view"), day=record.decided_on)

    return describe


def register() -> None:
    register_indicator(
        Indicator(
            key="disclosures.penalty_published_within",
            label=_("Penalty decisions published within the pledged working days"),
            description=_(
                "Of the body's penalty decisions of the period that are published or past the pledged "
                "number of working days, the share published within that many working days of the decision."
            ),
            measure=published_within(PenaltyDisclosure),
            parameters=(WORKING_DAYS,),
            describe=describer("penalty"),
        )
    )
    register_indicator(
        Indicator(
            key="disclosures.license_published_within",
            label=_("Licensing decisions published within the pledged working days"),
            description=_(
                "Of the body's licensing decisions of the period that are published or past the pledged "
                "number of working days, the share published within that many working days of the decision."
            ),
            measure=published_within(LicenseDisclosure),
            parameters=(WORKING_DAYS,),
            describe=describer("license"),
        )
    )
