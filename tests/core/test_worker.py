"""A real Celery worker on the real broker: what `make run` and production rely on."""

import time

import pytest
from django.db import connections

from core import calendar
from core.audit import audit_log
from core.models import AuditEvent
from core.services import calendar_days_import, parse_calendar_days
from tests.conftest import uses_redis

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
