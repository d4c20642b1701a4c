"""The beat's sweeps over pledges: overdue once, reminders in working days (National Day 2026)."""

import datetime

import pytest

from commitments import services
from commitments.choices import Fulfilment
from commitments.models import Pledge
from commitments.services.sweeps import escalate_overdue_milestones, escalate_overdue_pledges, remind_milestones_due
from core.models import LedgerEntry, Notification
from tests.permissions import OWN_ORG, SUPERVISOR

from .factories import make_pledge

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_pledge_past_its_due_date_turns_overdue_once_and_supervisors_hear_once(world):
    published = make_pledge(world.department, published=True, starts_on=D(2026, 9, 1), due_on=D(2026, 9, 30))
    not_yet = make_pledge(world.department, starts_on=D(2026, 9, 1), due_on=D(2026, 10, 8))
    assert escalate_overdue_pledges(today=D(2026, 10, 1)) == 1
    published.refresh_from_db()
    not_yet.refresh_from_db()
    assert published.fulfilment == Fulfilment.OVERDUE and not_yet.fulfilment == Fulfilment.IN_PROGRESS
    # What the public sees changed: a new version in the ledger.
    actions = LedgerEntry.objects.filter(record_type=Pledge.record_type, record_id=published.pk).values_list(
        "action", flat=True
    )
    assert list(actions.order_by("seq")) == ["publish", "correct"]
    supervisor = world.user(SUPERVISOR)
    told = Notification.objects.filter(recipient=supervisor, kind="commitments.overdue")
    assert told.count() == 1 and published.reference in told.get().subject
    assert escalate_overdue_pledges(today=D(2026, 10, 2)) == 0  # never twice
    assert told.count() == 1
    # An overdue pledge can still be settled.
    services.pledge_report_progress(pledge=published, progress="100", note="逾期后完成", actor=world.user(OWN_ORG))
    settled, _record = services.pledge_settle(
        pledge=published, outcome=Fulfilment.PARTLY_FULFILLED, note="逾期完成，部分兑现", actor=supervisor
    )
    assert settled.fulfilment == Fulfilment.PARTLY_FULFILLED


def test_milestones_are_reminded_within_three_working_days_across_national_day(world):
    pledge = make_pledge(world.department, starts_on=D(2026, 9, 1), due_on=D(2026, 12, 31))
    staff = world.user(OWN_ORG)
    soon = services.milestone_add(pledge=pledge, title="方案定稿", due_on=D(2026, 10, 9), actor=staff)
    make_up_day = services.milestone_add(pledge=pledge, title="窗口改造", due_on=D(2026, 10, 10), actor=staff)
    later = services.milestone_add(pledge=pledge, title="验收", due_on=D(2026, 10, 12), actor=staff)
    # From Wed 30 Sep: the next three working days are 8, 9 and Sat 10 Oct (a make-up working day).
    assert remind_milestones_due(today=D(2026, 9, 30)) == 2
    reminded = set(type(soon).objects.filter(reminded_at__isnull=False).values_list("pk", flat=True))
    assert reminded == {soon.pk, make_up_day.pk} and later.pk not in reminded
    notice = Notification.objects.get(recipient=staff, kind="commitments.milestone_due")
    assert "方案定稿" in notice.subject and "验收" not in notice.subject
    assert remind_milestones_due(today=D(2026, 9, 30)) == 0


def test_a_milestone_in_working_days_is_overdue_only_after_national_day_and_the_make_up_day(world):
    pledge = make_pledge(world.department, published=True, starts_on=D(2026, 9, 30), due_on=D(2026, 12, 31))
    milestone = services.milestone_add(pledge=pledge, title="窗口改造", working_days=3, actor=world.user(OWN_ORG))
    # Three working days from Wed 30 Sep: 8 and 9 Oct, then Saturday 10 Oct, a make-up working day.
    assert milestone.due_on == D(2026, 10, 10)
    assert escalate_overdue_milestones(today=D(2026, 10, 4)) == 0  # a calendar count would already be late
    assert escalate_overdue_milestones(today=D(2026, 10, 10)) == 0
    assert escalate_overdue_milestones(today=D(2026, 10, 11)) == 1
    told = Notification.objects.filter(recipient=world.user(SUPERVISOR), kind="commitments.milestone_overdue")
    assert told.count() == 1 and "窗口改造" in told.get().subject and pledge.reference in told.get().subject
    assert escalate_overdue_milestones(today=D(2026, 10, 12)) == 0  # once
    # A milestone reached is never late.
    done = services.milestone_add(pledge=pledge, title="方案定稿", due_on=D(2026, 10, 9), actor=world.user(OWN_ORG))
    services.pledge_report_progress(
        pledge=pledge, progress=20, note="方案已定稿", milestone=done, actor=world.user(OWN_ORG)
    )
    assert escalate_overdue_milestones(today=D(2026, 10, 13)) == 0
