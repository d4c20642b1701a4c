"""What complaint handling measures for evaluations: replies within the handling period, per handler."""

import datetime

import pytest
from django.utils import translation

from complaints import services
from complaints.indicators import KEY
from core import indicators
from tests.complaints.factories import cast_for, file_complaint
from tests.dishonesty_records.factories import Clock

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_replies_count_once_given_or_due_and_meet_the_bar_on_time(world, monkeypatch):
    clock = Clock(monkeypatch, D(2026, 7, 1))
    cast = cast_for(world)

    def accepted():
        complaint = file_complaint(world.department).complaint
        return services.complaint_accept(
            complaint=complaint, handling_organization=world.department, actor=cast["intake"]
        )

    on_time, late, open_, extended = accepted(), accepted(), accepted(), accepted()  # all due 2026-08-31
    services.complaint_extend(complaint=extended, days=10, reason="需调取档案", actor=cast["head"])  # due 09-10
    period = {"start": D(2026, 8, 1), "end": D(2026, 9, 30)}
    assert indicators.measure(KEY, world.department, **period).counted == 0  # nothing replied, nothing past due
    clock.day = D(2026, 8, 31)
    services.complaint_reply(complaint=on_time, text="经核查，已按承诺整改。", actor=cast["handler"])
    clock.day = D(2026, 9, 5)
    services.complaint_reply(complaint=late, text="经核查，已按承诺整改。", actor=cast["handler"])
    services.complaint_reply(complaint=extended, text="经核查，已按承诺整改。", actor=cast["handler"])
    measured = indicators.measure(KEY, world.department, **period)
    # August: on_time (met), late (replied after its due date), open_ (past due, no reply); September: extended.
    assert [(p.month, p.met, p.counted) for p in measured.points] == [(D(2026, 8, 1), 1, 3), (D(2026, 9, 1), 1, 1)]
    assert (measured.met, measured.counted) == (2, 4)
    assert indicators.measure(KEY, world.other_department, **period).counted == 0
    behind = indicators.indicator(KEY).describe(open_)
    assert behind.url is None and behind.day == D(2026, 8, 31)  # a complaint is never linked publicly
