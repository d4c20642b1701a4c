"""The overdue sweep: each complaint past its current deadline escalates once — an internal step, an audit
row, the supervisors over the handling organization (or over the organization complained about, when none
is assigned) told once — set-based, and a second run writes nothing. Deadlines are calendar days ending on a
working day, so a period whose last day falls in the National Day holiday runs on past it."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from complaints import services
from complaints.choices import EventKind, Status
from complaints.models import Complaint, ComplaintEvent
from complaints.tasks import escalate_overdue, escalate_overdue_task
from core.models import AuditEvent, Notification
from tests.complaints.factories import cast_for, file_complaint
from tests.dishonesty_records.factories import Clock

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cast(world):
    return cast_for(world)


def notified(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="complaints.overdue"))


def test_a_deadline_in_the_national_day_holiday_runs_on_past_it(world, cast, monkeypatch):
    clock = Clock(monkeypatch, D(2026, 9, 20))
    complaint = file_complaint(world.department).complaint
    assert complaint.accept_due == D(2026, 10, 8)
    clock.set(D(2026, 10, 6))
    assert escalate_overdue() == 0
    clock.set(D(2026, 10, 8))  # the last day itself is still in time
    assert escalate_overdue() == 0
    clock.set(D(2026, 10, 9))
    assert escalate_overdue() == 1
    complaint.refresh_from_db()
    assert complaint.escalated_at is not None
    step = complaint.events.get(kind=EventKind.OVERDUE)
    assert not step.public and step.details["due"] == "2026-10-08" and step.details["deadline"] == "accept"


def test_each_complaint_escalates_once_and_the_right_supervisors_hear(world, cast, monkeypatch):
    clock = Clock(monkeypatch, D(2026, 7, 1))
    unassigned = file_complaint(world.department).complaint  # accept due 16 July
    elsewhere = file_complaint(world.other_department).complaint
    handled = services.complaint_accept(
        complaint=file_complaint(world.department).complaint,
        handling_organization=world.district,
        actor=cast["intake"],
    )  # reply due 31 August
    in_time = file_complaint(world.department).complaint
    clock.set(D(2026, 7, 15))
    in_time = services.complaint_accept(complaint=in_time, handling_organization=world.department, actor=cast["intake"])
    clock.set(D(2026, 9, 1))
    assert escalate_overdue() == 3
    assert set(Complaint.objects.filter(escalated_at__isnull=False).values_list("pk", flat=True)) == {
        unassigned.pk,
        elsewhere.pk,
        handled.pk,
    }
    assert ComplaintEvent.objects.filter(kind=EventKind.OVERDUE).count() == 3
    assert AuditEvent.objects.filter(action="complaints.complaint.overdue").count() == 3
    # supervisors over the organization complained about (not assigned) and over the handling organization
    district_notes = notified(cast["supervisor"])
    assert len(district_notes) == 2  # one for the department (unassigned), one for the district (handled)
    assert any(unassigned.tracking_code in n.subject for n in district_notes)
    assert any(handled.tracking_code in n.subject for n in district_notes)
    assert [elsewhere.tracking_code in n.subject for n in notified(cast["other_supervisor"])] == [True]
    assert len(notified(cast["city_supervisor"])) == 3
    assert not notified(cast["handler"]) and not notified(cast["intake"])
    # in time (reply due 14 September), not escalated
    assert Complaint.objects.get(pk=in_time.pk).escalated_at is None

    events, notes, audits = ComplaintEvent.objects.count(), Notification.objects.count(), AuditEvent.objects.count()
    clock.set(D(2026, 9, 2))
    assert escalate_overdue() == 0
    assert (ComplaintEvent.objects.count(), Notification.objects.count(), AuditEvent.objects.count()) == (
        events,
        notes,
        audits,
    )


def test_a_review_not_answered_in_time_escalates(world, cast, monkeypatch):
    clock = Clock(monkeypatch, D(2026, 7, 1))
    complaint = services.complaint_accept(
        complaint=file_complaint(world.department).complaint,
        handling_organization=world.department,
        actor=cast["intake"],
    )
    complaint = services.complaint_reply(complaint=complaint, text="经核查，窗口已整改。", actor=cast["handler"])
    complaint = services.complaint_review_request(complaint=complaint, reason="答复没有说明整改的具体措施和时间。")
    assert complaint.status == Status.REVIEW_REQUESTED
    clock.set(complaint.review_due)
    assert escalate_overdue() == 0
    clock.advance(1)
    assert escalate_overdue() == 1
    assert complaint.events.get(kind=EventKind.OVERDUE).details["deadline"] == "review_answer"


def test_escalated_by_hand_is_not_escalated_again_and_closed_ones_are_left_alone(world, cast, monkeypatch):
    clock = Clock(monkeypatch, D(2026, 7, 1))
    by_hand = file_complaint(world.department).complaint
    services.complaint_escalate(complaint=by_hand, reason="多次来电催办。", actor=cast["intake"])
    declined = file_complaint(world.department).complaint
    services.complaint_decline(
        complaint=declined,
        reason="litigation",
        explanation="该事项已进入诉讼程序，请等待法院裁判。",
        actor=cast["intake"],
    )
    clock.set(D(2026, 8, 1))
    assert escalate_overdue() == 0
    assert not ComplaintEvent.objects.filter(kind=EventKind.OVERDUE).exists()


def test_the_sweep_is_set_based(world, cast, monkeypatch):
    clock = Clock(monkeypatch, D(2026, 7, 1))
    for _n in range(2):
        file_complaint(world.department)
    clock.set(D(2026, 8, 1))
    with CaptureQueriesContext(connection) as few:
        assert escalate_overdue() == 2
    clock.set(D(2026, 7, 1))
    for _n in range(6):
        file_complaint(world.department)
    clock.set(D(2026, 8, 1))
    with CaptureQueriesContext(connection) as many:
        assert escalate_overdue() == 6
    step_inserts = [q for q in many.captured_queries if q["sql"].startswith('INSERT INTO "complaints_complaintevent"')]
    assert len(step_inserts) == 1
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_beat_runs_it_hourly(world, monkeypatch):
    Clock(monkeypatch, D(2026, 7, 1))
    file_complaint(world.department)
    entry = settings.CELERY_BEAT_SCHEDULE["complaints-escalate-overdue"]
    assert entry["task"] == "complaints.escalate_overdue" == escalate_overdue_task.name
    assert entry["schedule"] == 60 * 60
    assert escalate_overdue_task.apply().get() == 0
