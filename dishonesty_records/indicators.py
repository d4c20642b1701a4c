"""What failure-of-integrity records measure for pledges and evaluations (core.indicators): whether a body
hands in the explanations and rectifications it owes on time.

An obligation of the body's confirmed records counts in the month it falls due, once it is handed in or
its due date has passed; it meets the bar when its first submission came on or before the due date.
"""

from __future__ import annotations

import datetime

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.indicators import Behind, Indicator, month_of, register_indicator, tally
from core.publication import PublicationStatus

from .choices import Stage, SubjectKind
from .models import Obligation


def obligations_on_time(organization, start: datetime.date, end: datetime.date, parameters: dict[str, int]):
    obligations = (
        Obligation.objects.filter(
            record__subject_kind=SubjectKind.ORGANIZATION,
            record__subject_organization=organization,
            record__stage=Stage.CONFIRMED,
            due_on__range=(start, end),
        )
        .exclude(record__status=PublicationStatus.WITHDRAWN)
        .select_related("record")
        .order_by("due_on", "id")
    )
    today = timezone.localdate()
    rows = obligations.annotate(first_submitted_at=Min("submissions__submitted_at")).values_list(
        "due_on", "first_submitted_at"
    )
    counted = [row for row in rows if row[1] is not None or row[0] < today]
    points = tally(
        counted,
        month=lambda row: month_of(row[0]),
        met=lambda row: row[1] is not None and timezone.localdate(row[1]) <= row[0],
    )
    return points, obligations


def describe(obligation) -> Behind:
    # An obligation is named by its record's public reference where the record is on public view.
    record = obligation.record
    if record.status == PublicationStatus.PUBLISHED:
        return Behind(
            label=f"{obligation.get_kind_display()} · {record.subject_name}",
            day=obligation.due_on,
            url=reverse("dishonesty_records:public_detail", args=[record.pk]),
        )
    return Behind(label=obligation.get_kind_display(), day=obligation.due_on)


def register() -> None:
    register_indicator(
        Indicator(
            key="dishonesty_records.obligations_on_time",
            label=_("Explanations and rectifications handed in on time"),
            description=_(
                "Of the explanations and rectifications the body owed under its confirmed records that fell "
                "due in the period (handed in, or past their due date), the share first handed in on or "
                "before the due date."
            ),
            measure=obligations_on_time,
            describe=describe,
        )
    )
