"""How long one Celery worker takes to drain 100,000 queued records to the stand-in (target ≤ 120 s).

Both sides run on this machine, as separate processes: the stand-in under gunicorn (2 workers), one
Celery worker (concurrency 1) on Redis, PostgreSQL. Run against a scratch database:

    createdb -h 127.0.0.1 -U postgres hi_bench_push
    export DJANGO_SETTINGS_MODULE=hangzhou_integrity.settings.local DEBUG=false
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hi_bench_push REDIS_URL=redis://127.0.0.1:6379/13
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py generate_disclosures --count 110000 --licenses 0
    .venv/bin/python bench/push_drain.py --records 100000 [--batch-size 200]

The script queues the records as publishing would (a publication version and an outbox entry each,
loaded with COPY), starts the stand-in and the worker, sends one `push_pending` task and times
until nothing is waiting, then checks that the stand-in holds each record exactly once.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hangzhou_integrity.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.bulk import insert_records  # noqa: E402
from core.models import PublicationVersion  # noqa: E402
from core.publication import PublicationAction, PublicationStatus  # noqa: E402
from disclosures import national  # noqa: E402
from disclosures.models import PenaltyDisclosure  # noqa: E402
from mock_national.models import ReceivedRecord  # noqa: E402
from sharing.choices import OutboxStatus  # noqa: E402
from sharing.models import OutboxEntry  # noqa: E402
from sharing.services import idempotency_key  # noqa: E402

PORT = 8765


def queue_records(count: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE sharing_deliveryattempt, sharing_outboxentry, mock_national_receivedrecord, "
            "mock_national_batch CASCADE"
        )
    started = time.perf_counter()
    records = (
        PenaltyDisclosure.objects.filter(status=PublicationStatus.PUBLISHED)
        .select_related("authority", "data_source")
        .order_by("id")[:count]
    )
    now = timezone.now()
    with transaction.atomic():
        batch: list = []
        for record in records.iterator(chunk_size=5000):
            batch.append(record)
            if len(batch) == 5000:
                _queue(batch, now)
                batch = []
        if batch:
            _queue(batch, now)
    queued = OutboxEntry.objects.filter(status=OutboxStatus.PENDING).count()
    print(f"queued {queued:,} records in {time.perf_counter() - started:.1f} s")
    if queued < count:
        sys.exit(f"only {queued} published penalties: generate more (generate_disclosures --count …)")


def _queue(records, now) -> None:
    versions = [
        PublicationVersion(
            record_type=r.record_type,
            record_id=r.pk,
            version=max(r.version, 1),
            action=PublicationAction.PUBLISH,
            actor_repr="bench",
            payload=national.to_national(r, "penalty"),
        )
        for r in records
    ]
    insert_records(PublicationVersion, versions)
    entries = [
        OutboxEntry(
            record_type=v.record_type,
            record_id=v.record_id,
            version=v.version,
            action=v.action,
            publication=v,
            owner=r.authority,
            scope_path=r.authority.path,
            idempotency_key=idempotency_key(v.record_type, v.record_id, v.version, v.action),
            next_attempt_at=now,
        )
        for v, r in zip(versions, records, strict=True)
    ]
    insert_records(OutboxEntry, entries)


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for_stand_in() -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("the stand-in did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=200)
    options = parser.parse_args()
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        sys.exit("run on PostgreSQL with Redis (see the docstring)")

    queue_records(options.records)
    env = {
        **os.environ,
        "DEBUG": "false",
        "NATIONAL_PLATFORM_URL": f"http://127.0.0.1:{PORT}/mock-national/",
        "SHARING_BATCH_SIZE": str(options.batch_size),
    }
    python = sys.executable
    gunicorn = [python, "-m", "gunicorn", "hangzhou_integrity.wsgi:application"]
    stand_in = start([*gunicorn, "-w", "2", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"], env)
    celery = [python, "-m", "celery", "-A", "hangzhou_integrity"]
    worker = start([*celery, "worker", "--concurrency", "1", "--loglevel", "WARNING"], env)
    try:
        wait_for_stand_in()
        from hangzhou_integrity.celery import app
        from sharing.tasks import push_pending

        app.control.purge()
        started = time.perf_counter()
        push_pending.delay()
        waiting = OutboxEntry.objects.exclude(status=OutboxStatus.DELIVERED)
        while waiting.exists():
            time.sleep(0.5)
            if time.perf_counter() - started > 600:
                sys.exit(f"not drained after 600 s: {waiting.count():,} left")
        elapsed = time.perf_counter() - started
    finally:
        stop(worker)
        stop(stand_in)
    accepted = ReceivedRecord.objects.filter(accepted=True)
    distinct = accepted.values("record_id").distinct().count()
    print(
        f"drained {options.records:,} records in {elapsed:.1f} s = {options.records / elapsed:,.0f} records/s "
        f"(batch {options.batch_size}); stand-in holds {accepted.count():,} accepted entries for {distinct:,} records"
    )


if __name__ == "__main__":
    main()
