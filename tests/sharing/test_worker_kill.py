"""Chaos with real parts: a Celery worker on the real Redis broker is killed with SIGKILL in the middle
of a batch and started again; every published record reaches the stand-in exactly once."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from mock_national.models import ReceivedRecord
from sharing.choices import OutboxStatus
from sharing.models import OutboxEntry
from tests.conftest import uses_postgresql, uses_redis
from tests.disclosures.factories import make_penalty
from tests.factories import make_organization

from .conftest import faults

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = [sys.executable, "-m", "celery", "-A", "hangzhou_integrity"]
QUIET = ["--without-heartbeat", "--without-mingle", "--without-gossip"]
RECORDS = 120
BATCH = 20
LEASE_SECONDS = 3


def _start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [*CELERY, "worker", "--pool", "prefork", "--concurrency", "1", "--loglevel", "WARNING", *QUIET],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: SIGKILL takes the pool's children too
    )


def _kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.skipif(
    not (uses_redis() and uses_postgresql()),
    reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL; CI sets both)",
)
def test_a_worker_killed_mid_batch_loses_nothing_and_applies_nothing_twice(live_server, national, settings):
    from hangzhou_integrity.celery import app
    from sharing.tasks import push_pending

    department = make_organization(parent=make_organization(name="杀进程市人民政府"), name="杀进程市市场监管局")
    faults(settings, LATENCY_MS=800)  # each batch is in flight for most of a second
    app.control.purge()  # tasks queued by earlier tests in this broker database
    published = [make_penalty(department).pk for _ in range(RECORDS)]
    app.control.purge()  # the pushes those publications scheduled: this test starts them itself

    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hangzhou_integrity.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "NATIONAL_PLATFORM_URL": f"{live_server.url}/mock-national/",
        "SHARING_BATCH_SIZE": str(BATCH),
        "SHARING_LEASE_SECONDS": str(LEASE_SECONDS),
        "SHARING_BACKOFF_BASE_SECONDS": "0.1",
        "SHARING_BACKOFF_CAP_SECONDS": "0.5",
    }
    worker = _start_worker(env)
    try:
        push_pending.delay()

        def mid_batch():
            # A batch claimed less than 0.3 s ago is still waiting for its (0.8 s) answer: a kill now
            # lands in the middle of it, not between two batches.
            just_claimed = timezone.now() + datetime.timedelta(seconds=LEASE_SECONDS - 0.3)
            delivered = OutboxEntry.objects.filter(status=OutboxStatus.DELIVERED).count()
            in_flight = OutboxEntry.objects.filter(status=OutboxStatus.IN_FLIGHT, lease_expires_at__gt=just_claimed)
            return delivered >= BATCH and in_flight.exists()

        _wait_for(mid_batch, 60, "the worker to deliver a batch and start another")
        _kill(worker)
        stranded = set(OutboxEntry.objects.filter(status=OutboxStatus.IN_FLIGHT).values_list("record_id", flat=True))
        assert stranded, "the kill should have landed in the middle of a batch"
        assert OutboxEntry.objects.exclude(status=OutboxStatus.DELIVERED).exists()

        worker = _start_worker(env)
        push_pending.delay()  # what the beat does every 30 s
        time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's lease runs out
        push_pending.delay()
        _wait_for(
            lambda: not OutboxEntry.objects.exclude(status=OutboxStatus.DELIVERED).exists(),
            90,
            "every entry to be delivered after the restart",
        )
    finally:
        if worker.poll() is None:
            _kill(worker)
        app.control.purge()

    accepted = ReceivedRecord.objects.filter(accepted=True)
    assert accepted.count() == RECORDS  # none applied twice
    assert sorted(int(r) for r in accepted.values_list("record_id", flat=True)) == sorted(published)  # none lost
    receipts = dict(accepted.values_list("record_id", "receipt_id"))
    for entry in OutboxEntry.objects.all():
        assert entry.receipt_id == str(receipts[str(entry.record_id)])
    retried = set(OutboxEntry.objects.filter(attempts__gte=2).values_list("record_id", flat=True))
    assert stranded <= retried  # the stranded batch was sent again, and answered with its first receipts
