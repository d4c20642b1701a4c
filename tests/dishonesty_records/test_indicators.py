"""What dishonesty records measure for pledges and evaluations: obligations handed in on time."""

import datetime

import pytest
from django.utils import timezone

from core import indicators
from dishonesty_records import services

from .test_api import record_in, staff

pytestmark = pytest.mark.django_db


def test_obligations_count_once_handed_in_or_due_and_meet_the_bar_when_on_time(world):
    record = record_in(world, until="confirmed")
    obligations = list(record.obligations.order_by("due_on"))
    today = timezone.localdate()
    period = {"start": today - datetime.timedelta(days=30), "end": max(o.due_on for o in obligations)}
    nothing = indicators.measure("dishonesty_records.obligations_on_time", world.department, **period)
    assert (nothing.met, nothing.counted, nothing.value) == (0, 0, None)  # none due yet, none handed in
    services.obligation_submit(
        obligation=obligations[0], text="已提交书面说明，说明了延误的原因和整改安排。", actor=staff(world)
    )
    handed_in = indicators.measure("dishonesty_records.obligations_on_time", world.department, **period)
    assert (handed_in.met, handed_in.counted) == (1, 1)
    later = indicators.measure("dishonesty_records.obligations_on_time", world.other_department, **period)
    assert later.counted == 0  # another body's figure
