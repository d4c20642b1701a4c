"""Reads shared by the pledge pages, the API and the tasks."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core import indicators

from .models import Pledge


def measured(pledge: Pledge, *, today: datetime.date | None = None) -> indicators.Measurement | None:
    """A measured pledge's value over its period so far, month by month, with the records behind it."""
    if not pledge.indicator:
        return None
    today = today or timezone.localdate()
    end = min(pledge.due_on, today)
    if end < pledge.starts_on:
        end = pledge.starts_on
    return indicators.measure(
        pledge.indicator,
        pledge.organization,
        start=pledge.starts_on,
        end=end,
        parameters=pledge.indicator_parameters,
    )


def meets_target(pledge: Pledge, measurement: indicators.Measurement | None) -> bool | None:
    if measurement is None or measurement.value is None or pledge.indicator_target is None:
        return None
    return measurement.value >= pledge.indicator_target
