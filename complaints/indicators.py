"""What complaint handling measures for evaluations (§8, core.indicators): whether the organizations that
handle complaints reply within the handling period.

A complaint counts for its handling organization in the month its reply falls due, once it is replied (or
reviewed) or its due date has passed; it meets the bar when the written reply came on or before the due
date (an approved extension moves the due date). Complaints are not public records: what is behind a
figure is named by its category and due date only.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.indicators import Behind, Indicator, month_of, register_indicator, tally

from .choices import Category, Status
from .models import Complaint

KEY = "complaints.replied_on_time"


def replied_on_time(organization, start: datetime.date, end: datetime.date, parameters: dict[str, int]):
    complaints = (
        Complaint.objects.filter(handling_organization=organization, handle_due__range=(start, end))
        .exclude(status=Status.MERGED)
        .order_by("handle_due", "id")
    )
    today = timezone.localdate()
    rows = complaints.values_list("handle_due", "replied_on")
    counted = [row for row in rows if row[1] is not None or row[0] < today]
    points = tally(counted, month=lambda row: month_of(row[0]), met=lambda row: row[1] is not None and row[1] <= row[0])
    return points, complaints


def describe(complaint) -> Behind:
    return Behind(label=str(Category(complaint.category).label), day=complaint.handle_due)


def register() -> None:
    register_indicator(
        Indicator(
            key=KEY,
            label=_("Complaints replied to within the handling period"),
            description=_(
                "Of the complaints the body handled whose reply fell due in the period (replied, or past the "
                "due date), the share replied to in writing on or before the due date, an approved extension "
                "included."
            ),
            measure=replied_on_time,
            describe=describe,
        )
    )
