"""A real Celery worker on the real broker: what `make run` and production rely on."""

import time

import pytest
from django.db import connections

from core import calendar
from core.audit import audit_log
from core.models import AuditEvent
from core.services import calendar_days_import, parse_calendar_days
from tests.conftest import uses_postgresql, uses_redis

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _record_recompute(years):
    audit_log(actor=None, action="test.recomputed", after={"years": sorted(years)})
    for connection in connections.all():
        connection.close()
    return 1


@pytest.mark.skipif(not uses_redis(), reason="needs Redis: set REDIS_URL (CI does)")
def test_loading_holidays_recounts_deadlines_through_a_real_worker(monkeypatch):
    from celery.contrib.testing.worker import start_worker

    from hangzhou_integrity.celery import app

    monkeypatch.setattr(calendar, "_recomputers", {"probe": _record_recompute})
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        calendar_days_import(days=parse_calendar_days("2027-10-01,休,国庆节"), source="通知", actor=None)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if AuditEvent.objects.filter(action="test.recomputed").exists():
                break
            time.sleep(0.2)
    event = AuditEvent.objects.get(action="test.recomputed")
    assert event.after == {"years": [2027]}


@pytest.mark.skipif(not uses_redis(), reason="needs Redis: set REDIS_URL (CI does)")
@pytest.mark.skipif(not uses_postgresql(), reason="parallel workers share a PostgreSQL snapshot")
def test_the_nightly_ledger_check_runs_in_parallel_inside_a_prefork_worker(monkeypatch):
    # A Celery prefork child is a daemonic process, which multiprocessing forbids children: the nightly
    # check used to fall back to one process there (68 s for a million entries against a 60 s target).
    from celery.contrib.testing.worker import start_worker

    from core.ledger import verify as verify_module
    from core.models import LedgerCheck
    from core.tasks import verify_ledger
    from hangzhou_integrity.celery import app
    from tests.disclosures.factories import make_license, make_penalty
    from tests.permissions import build_world

    world = build_world()
    records = [make_penalty(world.department) for _ in range(4)] + [make_license(world.department) for _ in range(2)]
    PenaltyDisclosure = type(records[0])
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 0)  # six entries are enough to take the parallel path
    # A worker started inside the test process forks from the test's threads (a real worker's child has
    # one thread); the check touches only the database, so forking past them is safe here.
    monkeypatch.setattr(verify_module.threading, "active_count", lambda: 1)
    PenaltyDisclosure.objects.filter(pk=records[1].pk).update(decision_number="篡改-1")
    connections.close_all()  # the pool's children must not share the test's socket
    with start_worker(app, pool="prefork", concurrency=1, perform_ping_check=False, shutdown_timeout=60):
        verify_ledger.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not LedgerCheck.objects.exists():
            time.sleep(0.2)
    check = LedgerCheck.objects.get()
    assert check.workers > 1, "the check ran in one process"
    assert (check.ok, check.entries_checked, check.records_checked) == (False, 6, 6)
    assert {(m["problem"], m["record_id"]) for m in check.mismatches} >= {("document", records[1].pk)}
