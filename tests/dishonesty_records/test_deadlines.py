"""Deadlines in working days across real holidays, and provisional ones recounted when a year's holidays arrive.

The holidays are chinese_calendar's (it knows 2004–2026): National Day 2026 is 1–7 October with Sunday
20 September and Saturday 10 October worked in exchange; Mid-Autumn 25–27 September; Spring Festival
15–23 February with Saturdays 14 and 28 February worked. 2027 is unknown to it, so a deadline that reaches
into 2027 counts weekends only, is marked provisional, and is recounted when the holiday table gets 2027.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.calendar import add_working_days
from core.services import CalendarDayInput, calendar_days_import
from dishonesty_records import services
from dishonesty_records.choices import ObligationKind, RectificationState
from dishonesty_records.models import DishonestyRecord, Obligation, RepairApplication
from hangzhou_integrity.celery import app as celery_app

from .factories import Clock, evidence, make_record, make_repairable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
D = datetime.date


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, D(2026, 9, 30))


def test_a_proposal_just_before_national_day_may_be_objected_to_after_it(world, people, clock):
    record = make_record(world.department, proposer=people["staff"])  # Wednesday 30 September
    # 8 and 9 October, the make-up Saturday 10 October, then 12 and 13 October.
    assert record.objection_deadline == D(2026, 10, 13) and not record.objection_deadline_provisional
    counted = add_working_days(D(2026, 9, 30), 5)
    assert [day.date for day in counted.skipped if day.reason == "holiday"] == [D(2026, 10, day) for day in range(1, 8)]
    assert counted.make_up_days == (D(2026, 10, 10),)
    clock.set(D(2026, 10, 14))
    with pytest.raises(ValidationError, match=r"The objection period ended on 2026-10-13\."):
        services.record_object(record=record, statement="我们不同意该认定，理由如下……", actor=people["staff"])
    clock.set(D(2026, 10, 13))
    services.record_object(record=record, statement="我们不同意该认定，理由如下……", actor=people["staff"])


def test_a_make_up_sunday_counts_as_a_working_day(world, people, clock):
    clock.set(D(2026, 9, 18))  # Friday; Sunday 20 September is worked for National Day
    record = make_record(world.department, proposer=people["staff"])
    # 20, 21, 22, 23, 24 September. Counting weekends only would have reached Friday 25 September,
    # which is the Mid-Autumn holiday.
    assert record.objection_deadline == D(2026, 9, 24)


def test_a_rectification_is_counted_across_the_spring_festival(world, people, clock):
    clock.set(D(2026, 2, 2))
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    clock.set(D(2026, 2, 12))  # Thursday before the holiday
    record = services.record_confirm(
        record=record,
        reason="事实清楚",
        actor=people["supervisor"],
        explanation_working_days=10,
        rectification_requirement="完成整改并提交整改报告。",
        rectification_working_days=30,
    )
    dues = dict(record.obligations.values_list("kind", "due_on"))
    # 13 and the make-up Saturday 14 February, 24–28 February (Saturday 28 worked), 2, 3, 4 March.
    assert dues[ObligationKind.EXPLANATION] == D(2026, 3, 4)
    assert dues[ObligationKind.RECTIFICATION] == D(2026, 4, 1)
    services.record_publish(record=record, actor=people["supervisor"])
    clock.set(D(2026, 3, 4))
    assert services.escalate_overdue_obligations() == 0
    clock.set(D(2026, 3, 5))
    assert services.escalate_overdue_obligations() == 1
    assert DishonestyRecord.objects.get(pk=record.pk).rectification_state == RectificationState.OVERDUE


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process, so the holiday import's task really recounts the deadlines."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def import_2027_new_year(django_capture_on_commit_callbacks):
    """The State Council notice for 2027 (its New Year's Day is all the tests need), imported whole."""
    with django_capture_on_commit_callbacks(execute=True):
        calendar_days_import(
            days=[CalendarDayInput(D(2027, 1, 1), "holiday", "元旦")],
            source="国务院办公厅关于2027年部分节假日安排的通知",
            actor=None,
            complete=True,
        )


def test_deadlines_in_an_unknown_year_are_provisional_and_recounted_when_its_holidays_arrive(
    world, people, clock, eager_tasks, django_capture_on_commit_callbacks
):
    clock.set(D(2026, 12, 28))  # Monday
    proposal = make_record(world.department, proposer=people["staff"])
    confirmed = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="confirmed",
    )
    repairable = make_repairable(world.department, people=people, determined_on=D(2026, 8, 3))
    application = services.repair_apply(
        record=repairable, statement="已全额履行判决并完成整改。", actor=people["staff"], files=[evidence()]
    )
    explanation = Obligation.objects.get(record=confirmed, kind=ObligationKind.EXPLANATION)
    # Weekends only: 29, 30, 31 December, then Friday 1 January 2027 counted as a working day.
    assert (proposal.objection_deadline, proposal.objection_deadline_provisional) == (D(2027, 1, 4), True)
    assert (explanation.due_on, explanation.due_provisional) == (D(2027, 1, 11), True)
    assert (application.review_due_on, application.review_due_provisional) == (D(2027, 1, 11), True)

    import_2027_new_year(django_capture_on_commit_callbacks)

    proposal.refresh_from_db()
    explanation.refresh_from_db()
    application.refresh_from_db()
    assert (proposal.objection_deadline, proposal.objection_deadline_provisional) == (D(2027, 1, 5), False)
    assert (explanation.due_on, explanation.due_provisional) == (D(2027, 1, 12), False)
    assert (application.review_due_on, application.review_due_provisional) == (D(2027, 1, 12), False)
    rectification = Obligation.objects.get(record=confirmed, kind=ObligationKind.RECTIFICATION)
    assert not rectification.due_provisional  # thirty working days: 9 February 2027, now counted with 1 January
    assert rectification.due_on == D(2027, 2, 9)
    assert not RepairApplication.objects.filter(review_due_provisional=True).exists()


def test_an_extended_deadline_is_recounted_from_the_return_not_from_the_confirmation(
    world, people, clock, eager_tasks, django_capture_on_commit_callbacks
):
    clock.set(D(2026, 11, 2))
    record = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
    )
    explanation = Obligation.objects.get(record=record, kind=ObligationKind.EXPLANATION)
    assert explanation.due_on == D(2026, 11, 16)
    clock.set(D(2026, 11, 13))
    services.obligation_submit(obligation=explanation, text="提交书面说明及相关材料。", actor=people["staff"])
    clock.set(D(2026, 12, 28))
    services.obligation_return(
        obligation=explanation, reason="说明不完整，请补充", actor=people["supervisor"], extra_working_days=5
    )
    explanation.refresh_from_db()
    assert (explanation.due_on, explanation.due_provisional) == (D(2027, 1, 4), True)

    import_2027_new_year(django_capture_on_commit_callbacks)

    explanation.refresh_from_db()
    # Five working days from the return on 28 December, 1 January now a holiday.
    assert (explanation.due_on, explanation.due_provisional) == (D(2027, 1, 5), False)
    assert explanation.working_days == 5 and explanation.counted_from == D(2026, 12, 28)
    assert not explanation.is_overdue


def test_closed_deadlines_that_were_provisional_are_recounted_and_audited(
    world, people, clock, eager_tasks, django_capture_on_commit_callbacks
):
    """An objection already filed, an explanation already handed in and a repair already decided keep
    the deadline they were measured against: it is recounted too, so "in time" is told right."""
    from core.models import AuditEvent

    clock.set(D(2026, 12, 28))  # Monday
    objected = make_record(world.department, proposer=people["staff"])
    services.record_object(record=objected, statement="我们不同意该认定，理由如下……", actor=people["staff"])
    confirmed = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="confirmed",
    )
    explanation = Obligation.objects.get(record=confirmed, kind=ObligationKind.EXPLANATION)
    services.obligation_submit(obligation=explanation, text="提交书面说明及相关材料。", actor=people["staff"])
    repairable = make_repairable(world.department, people=people, determined_on=D(2026, 8, 3))
    application = services.repair_apply(
        record=repairable, statement="已全额履行判决并完成整改。", actor=people["staff"], files=[evidence()]
    )
    services.repair_reject(
        application=application, reason="整改材料不足以证明已纠正失信行为。", actor=people["supervisor"]
    )

    import_2027_new_year(django_capture_on_commit_callbacks)

    objected.refresh_from_db()
    explanation.refresh_from_db()
    application.refresh_from_db()
    assert (objected.objection_deadline, objected.objection_deadline_provisional) == (D(2027, 1, 5), False)
    assert (explanation.status, explanation.due_on, explanation.due_provisional) == ("submitted", D(2027, 1, 12), False)
    assert (application.status, application.review_due_on, application.review_due_provisional) == (
        "rejected",
        D(2027, 1, 12),
        False,
    )
    recounts = {
        (event.action, event.target_id): (event.before, event.after)
        for event in AuditEvent.objects.filter(action__endswith="deadline_recount")
    }
    assert recounts[("dishonesty_record.objection_deadline_recount", str(objected.pk))] == (
        {"objection_deadline": "2027-01-04", "objection_deadline_provisional": True},
        {"objection_deadline": "2027-01-05", "objection_deadline_provisional": False},
    )
    assert recounts[("obligation.deadline_recount", str(explanation.pk))] == (
        {"due_on": "2027-01-11", "due_provisional": True},
        {"due_on": "2027-01-12", "due_provisional": False},
    )
    assert recounts[("repair.deadline_recount", str(application.pk))] == (
        {"review_due_on": "2027-01-11", "review_due_provisional": True},
        {"review_due_on": "2027-01-12", "review_due_provisional": False},
    )
    assert services.recompute_deadlines([2027]) == 0  # nothing left to move


def test_a_local_holiday_moves_open_deadlines_of_a_year_the_library_knows(
    world, people, clock, eager_tasks, django_capture_on_commit_callbacks
):
    clock.set(D(2026, 11, 20))  # Friday
    proposal = make_record(world.department, proposer=people["staff"])
    # 23, 24, 25, 26, 27 November.
    assert (proposal.objection_deadline, proposal.objection_deadline_provisional) == (D(2026, 11, 27), False)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_days_import(
            days=[CalendarDayInput(D(2026, 11, 23), "holiday", "地方假日")], source="市政府通知", actor=None
        )
    proposal.refresh_from_db()
    assert proposal.objection_deadline == D(2026, 11, 30)
    # National Day is still skipped for a proposal of 30 September.
    assert add_working_days(D(2026, 9, 30), 5).due == D(2026, 10, 13)
