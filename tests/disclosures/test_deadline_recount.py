"""When a year's holidays arrive, published records' provisional deadlines (and so whether they were
published on time) are recounted as well as drafts', in bulk and audited.

Decided on Monday 28 December 2026, seven working days counted by weekends only (2027 unknown to the
library) end on Wednesday 6 January 2027; with New Year's Day 2027 a holiday they end on the 7th. A
record published on 7 January is late under the provisional deadline and on time under the real one.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from core.publication import PublicationStatus
from core.services import calendar_days_import, parse_calendar_days
from core.tasks import recompute_deadlines
from disclosures import services
from disclosures.models import PenaltyDisclosure
from tests.dishonesty_records.factories import Clock

from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, D(2026, 12, 31))


def published_on(day, clock, make, world, **fields):
    record = make(world.department, published=False, decided_on=D(2026, 12, 28), **fields)
    assert (record.publish_deadline, record.deadline_provisional) == (D(2027, 1, 6), True)
    clock.set(day)
    _clerk, reviewer = factories.clerk_and_reviewer(world.department)
    record = services.disclosure_publish(record=record, actor=reviewer)
    clock.set(D(2026, 12, 31))
    return record


def import_2027_notice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calendar_days_import(
            days=parse_calendar_days("2027-01-01,休,元旦"), source="国务院办公厅通知", actor=None, complete=True
        )
    assert len(callbacks) == 1
    return recompute_deadlines([2027])  # what the scheduled task runs


def test_a_published_records_provisional_deadline_and_on_time_flag_are_recounted(
    world, clock, django_capture_on_commit_callbacks
):
    penalty = published_on(D(2027, 1, 7), clock, factories.make_penalty, world)
    licence = published_on(D(2027, 1, 7), clock, factories.make_license, world)
    assert penalty.on_time is False and licence.on_time is False
    draft = factories.make_penalty(world.department, published=False, decided_on=D(2026, 12, 28))
    settled = factories.make_penalty(world.department, decided_on=D(2026, 9, 30))  # counted by the library

    moved = import_2027_notice(django_capture_on_commit_callbacks)

    assert moved["disclosures"] == 3
    for record in (penalty, licence, draft):
        record.refresh_from_db()
        assert (record.publish_deadline, record.deadline_provisional) == (D(2027, 1, 7), False)
    assert penalty.on_time is True and licence.on_time is True
    assert penalty.status == PublicationStatus.PUBLISHED and penalty.version == 1  # nothing else changed
    event = AuditEvent.objects.get(action="disclosures.penalty.deadline_recount", target_id=str(penalty.pk))
    assert event.before == {"publish_deadline": "2027-01-06", "deadline_provisional": True}
    assert event.after == {"publish_deadline": "2027-01-07", "deadline_provisional": False}
    assert event.scope_path == world.department.path
    assert AuditEvent.objects.filter(action="disclosures.license.deadline_recount", target_id=str(licence.pk)).exists()
    assert not AuditEvent.objects.filter(action__endswith="deadline_recount", target_id=str(settled.pk)).exists()
    assert recompute_deadlines([2027])["disclosures"] == 0  # idempotent


def test_a_withdrawn_record_is_recounted_too(world, clock, django_capture_on_commit_callbacks):
    record = published_on(D(2027, 1, 7), clock, factories.make_penalty, world)
    _clerk, reviewer = factories.clerk_and_reviewer(world.department)
    services.disclosure_withdraw(record=record, reason="决定已被依法撤销，撤回公示。", actor=reviewer)
    import_2027_notice(django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert record.status == PublicationStatus.WITHDRAWN
    assert (record.publish_deadline, record.deadline_provisional, record.on_time) == (D(2027, 1, 7), False, True)


def test_the_recount_is_set_based(world, clock):
    for _ in range(12):
        published_on(D(2027, 1, 7), clock, factories.make_penalty, world)
    calendar_days_import(days=parse_calendar_days("2027-01-01,休,元旦"), source="通知", actor=None, complete=True)
    with CaptureQueriesContext(connection) as queries:
        assert services.recompute_publish_deadlines([2027]) == 12
    penalty_table = PenaltyDisclosure._meta.db_table
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{penalty_table}"')]
    audits = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "core_auditevent"')]
    assert len(updates) == 1 and len(audits) == 1  # one UPDATE and one audit INSERT for the twelve
    assert all(record.on_time for record in PenaltyDisclosure.objects.all())
    assert AuditEvent.objects.filter(action="disclosures.penalty.deadline_recount").count() == 12
