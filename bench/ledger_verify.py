"""How long `manage.py verify_ledger` takes over a ledger of 1,000,000 entries (target ≤ 60 s), and
proof that a one-byte edit is found.

Run against a scratch PostgreSQL database:

    createdb -h 127.0.0.1 -U postgres hi_bench_ledger
    export DJANGO_SETTINGS_MODULE=hangzhou_integrity.settings.local
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hi_bench_ledger
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/ledger_verify.py [--entries 1000000] [--penalties 800000] [--runs 2]

Building (once; skipped when the ledger already holds the entries):

1. `generate_disclosures --count N` makes the records (N penalties + N/4 licences, ~99 % of them
   published, some withdrawn or past their publicity) when the database has fewer than half the
   entries' worth (the demo's few hundred do not count);
2. enough published records are corrected set-based (version 2, corrected_at) for the ledger to
   reach `--entries`;
3. the public document of every published record is hashed, and its national document committed to
   (HMAC under LEDGER_COMMITMENT_KEY), through the registry by forked workers; one event per
   publication (publish at published_at, correct at corrected_at, withdraw at withdrawn_at) is
   sorted by time, chained with the ledger's own hash function and written by COPY; the head row is
   moved to the last entry.

Then `manage.py verify_ledger` runs `--runs` times as a subprocess (the operators' command, Django
start-up included) and once more after a one-byte edit of a record's decision number, of the hidden
digits of a natural person's ID number and of an entry's document hash, which must all be named; the
edits are undone afterwards.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hangzhou_integrity.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import translation  # noqa: E402

from core.ledger.chain import current_head, document_hash, fast_entry_hash, national_commitment  # noqa: E402
from core.ledger.findings import PROBLEMS  # noqa: E402
from core.ledger.verify import RecordLoader  # noqa: E402
from core.models import LEDGER_GENESIS_HASH, LedgerEntry  # noqa: E402
from core.publication import PublicationStatus  # noqa: E402
from core.publishing import publishables  # noqa: E402

SCRATCH_PREFIX = "hi_bench"
HASH_UNIT = 25_000  # records per hashing task
ACTION_ORDER = {"publish": 0, "correct": 1, "withdraw": 2, "repair": 3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--penalties", type=int, default=800_000, help="generated when the database has no records")
    parser.add_argument("--runs", type=int, default=2, help="timed clean runs of the command")
    parser.add_argument("--workers", type=int, default=None, help="passed to verify_ledger (default: one per core)")
    parser.add_argument("--rebuild", action="store_true", help="empty the ledger and build it again")
    parser.add_argument(
        "--task", action="store_true", help="also time the nightly task (core.tasks.verify_ledger) in a prefork worker"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11", help="the broker of --task's worker")
    args = parser.parse_args()

    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not name.startswith(SCRATCH_PREFIX):
        sys.exit(
            f"Refusing to run on {connection.vendor} database {name!r}: use a scratch {SCRATCH_PREFIX}_… database."
        )
    print(f"database {name}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")

    head_seq = current_head().seq
    if head_seq >= args.entries and not args.rebuild:
        print(f"ledger already built: {head_seq:,} entries")
    else:
        empty_ledger()  # the demo's own entries too: every published record is ledgered again below
        build(args.entries, args.penalties)

    for run in range(1, args.runs + 1):
        seconds, code, output = verify_command(args.workers)
        print(f"run {run}: exit {code} in {seconds:.1f} s wall — {output.strip().splitlines()[-1]}")

    if args.task:
        nightly_task_in_a_worker(args.redis_url)
    prove_one_byte_edits_are_found(args.workers)


def nightly_task_in_a_worker(redis_url: str) -> None:
    """The nightly check as beat sends it: `celery worker` (prefork, one child) on Redis runs the task;
    the LedgerCheck row it writes says how long it took and with how many processes."""
    from core.models import LedgerCheck

    env = {**os.environ, "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url}
    before = LedgerCheck.objects.order_by("-id").values_list("id", flat=True).first() or 0
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "hangzhou_integrity",
            "worker",
            "--pool",
            "prefork",
            "-c",
            "1",
            "--loglevel",
            "WARNING",
            "-n",
            "ledger-bench@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        sent = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from core.tasks import verify_ledger; verify_ledger.delay()",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        assert sent.returncode == 0
        deadline = time.monotonic() + 30 * 60
        while time.monotonic() < deadline:
            check = LedgerCheck.objects.filter(id__gt=before).first()
            if check is not None:
                seconds = (check.finished_at - check.started_at).total_seconds()
                print(
                    f"nightly task in a prefork worker: {check.entries_checked:,} entries, {check.records_checked:,} "
                    f"records in {seconds:.1f} s by {check.workers} process(es), ok={check.ok}"
                )
                return
            time.sleep(1)
        sys.exit("the nightly task wrote no LedgerCheck within 30 minutes")
    finally:
        worker.terminate()
        worker.wait(timeout=60)


# --- building the ledger --------------------------------------------------------------------------


def empty_ledger() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL integrity.ledger_flush = 'on'")  # the trigger lets flush-like emptying through
        cursor.execute("TRUNCATE core_ledgerentry, core_ledgerhead")
        cursor.execute("INSERT INTO core_ledgerhead (id, seq, hash) VALUES (1, 0, %s)", [LEDGER_GENESIS_HASH])


def build(target_entries: int, penalties: int) -> None:
    started = time.perf_counter()
    described = publishables()
    # The demo (seed_demo) has a few hundred records of its own: too few to reach the entries by corrections.
    if sum(d.model.objects.exclude(status=PublicationStatus.DRAFT).count() for d in described) < target_entries // 2:
        t0 = time.perf_counter()
        call_command("generate_disclosures", count=penalties, seed=2026, verbosity=0)
        print(f"generated {penalties:,} penalties + {penalties // 4:,} licences in {time.perf_counter() - t0:.1f} s")

    published = [d.model.objects.exclude(status=PublicationStatus.DRAFT) for d in described]
    entries = sum(q.count() for q in published) + sum(
        q.filter(status=PublicationStatus.WITHDRAWN).count() for q in published
    )
    corrections = max(0, target_entries - entries)
    correct(described[0].model, corrections)
    print(f"{entries:,} publish/withdraw entries + {corrections:,} corrections")

    t0 = time.perf_counter()
    events = hash_documents(described)
    print(f"hashed {len(events):,} publication events' documents in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    events.sort(key=lambda e: (e[0], e[1], e[2], ACTION_ORDER[e[4]]))
    head_seq, head_hash = write_chain(events)
    print(f"chained and copied {head_seq:,} entries in {time.perf_counter() - t0:.1f} s; head {head_hash}")
    print(f"built in {time.perf_counter() - started:.1f} s")


def correct(model, count: int) -> None:
    """Set-based corrections of `count` published records spread over the table: version 2, corrected
    a few days after publication (the public document is what it is now: the corrected one)."""
    if not count:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} SET version = 2,
                    corrected_at = LEAST(published_at + interval '3 days' + (id %% 97) * interval '1 hour', now())
                WHERE id IN (SELECT id FROM {table} WHERE status = 'published' AND version = 1
                             ORDER BY md5(id::text) LIMIT %s)""",
            [count],
        )


def hash_documents(described) -> list[tuple]:
    """(occurred_at, record_type, record_id, version, action, document_hash, national_commitment) per
    publication event."""
    units = []
    for d in described:
        ids = d.model.objects.exclude(status=PublicationStatus.DRAFT).order_by("pk").values_list("pk", flat=True)
        ids = list(ids)
        units += [(d.record_type, ids[i : i + HASH_UNIT]) for i in range(0, len(ids), HASH_UNIT)]
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        events = [event for part in pool.imap_unordered(_hash_unit, units) for event in part]
        pool.close()
        pool.join()
    return events


def _hash_unit(unit) -> list[tuple]:
    from core.publishing import publishable

    record_type, ids = unit
    loader = RecordLoader(publishable(record_type), "default")
    events = []
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        loaded = loader.load(chunk)  # a range of ids: drafts in between come too, and are left out
        for record in (loaded[pk] for pk in chunk):
            public, national = loader.described.documents_of(record)
            now = (document_hash(public), national_commitment(national))
            if record.version > 1:
                # What the record said before its correction: only its hashes matter to the chain.
                before = (document_hash({**public, "BZ": "更正前"}), national_commitment({**national, "BZ": "更正前"}))
                events.append((record.published_at, record_type, record.pk, 1, "publish", *before))
                events.append((record.corrected_at, record_type, record.pk, record.version, "correct", *now))
            else:
                events.append((record.published_at, record_type, record.pk, 1, "publish", *now))
            if record.status == PublicationStatus.WITHDRAWN:
                events.append((record.withdrawn_at, record_type, record.pk, record.version, "withdraw", *now))
            elif record.status == PublicationStatus.REPAIRED:
                events.append((record.publicity_ended_at, record_type, record.pk, record.version, "repair", *now))
    return events


def write_chain(events: list[tuple]) -> tuple[int, str]:
    previous = LEDGER_GENESIS_HASH
    seq = 0
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(
            "COPY core_ledgerentry (seq, occurred_at, record_type, record_id, version, action, document_hash, "
            "national_commitment, prev_hash, hash) FROM STDIN"
        ) as copy:
            lines = []
            for occurred_at, record_type, record_id, version, action, doc_hash, commitment in events:
                seq += 1
                entry_hash = fast_entry_hash(
                    previous, seq, occurred_at, record_type, record_id, version, action, doc_hash, commitment
                )
                lines.append(
                    f"{seq}\t{occurred_at.isoformat()}\t{record_type}\t{record_id}\t{version}\t{action}\t"
                    f"{doc_hash}\t{commitment}\t{previous}\t{entry_hash}\n"
                )
                previous = entry_hash
                if len(lines) >= 50_000:
                    copy.write("".join(lines))
                    lines = []
            copy.write("".join(lines))
        head_time = events[-1][0] if events else None
        cursor.execute(
            "UPDATE core_ledgerhead SET seq = %s, hash = %s, updated_at = %s WHERE id = 1", [seq, previous, head_time]
        )
        cursor.execute("ANALYZE core_ledgerentry")
    return seq, previous


# --- measuring ------------------------------------------------------------------------------------


def verify_command(workers: int | None, *extra: str) -> tuple[float, int, str]:
    command = [sys.executable, str(ROOT / "manage.py"), "verify_ledger", "--max-report", "20", *extra]
    if workers:
        command += ["--workers", str(workers)]
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    return time.perf_counter() - t0, done.returncode, done.stdout + done.stderr


def prove_one_byte_edits_are_found(workers: int | None) -> None:
    penalty = next(d for d in publishables() if d.record_type == "disclosures.penalty")
    table = penalty.model._meta.db_table
    published = penalty.model.objects.filter(status=PublicationStatus.PUBLISHED).order_by("pk")
    record_id, number = _pick(published.filter(decision_number__regex=r"[0-9]号$").values_list("pk", "decision_number"))
    edited = number[:-2] + "X" + number[-1]  # one ASCII digit becomes a letter: one byte
    # A natural person's ID number with another birth date: the public (masked) document does not change.
    person_id, id_number = _pick(
        published.filter(subject_id_number__regex=r"^[0-9]{17}[0-9X]$").values_list("pk", "subject_id_number")
    )
    other_id = id_number[:6] + ("19790101" if id_number[6:14] != "19790101" else "19800101") + id_number[14:]
    seq, entry_document_hash = LedgerEntry.objects.filter(seq=current_head().seq // 2).values_list(
        "seq", "document_hash"
    )[0]
    tampered_hash = entry_document_hash[:-1] + ("0" if entry_document_hash[-1] != "0" else "1")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET decision_number = %s WHERE id = %s", [edited, record_id])
        cursor.execute(f"UPDATE {table} SET subject_id_number = %s WHERE id = %s", [other_id, person_id])
        cursor.execute("SET session_replication_role = replica")  # past the trigger, as an intruder would
        cursor.execute("UPDATE core_ledgerentry SET document_hash = %s WHERE seq = %s", [tampered_hash, seq])
        cursor.execute("SET session_replication_role = origin")
    try:
        seconds, code, output = verify_command(workers)
        print(
            f"after a one-byte edit of {penalty.record_type}#{record_id} ({number} → {edited}), of the hidden digits "
            f"of {penalty.record_type}#{person_id}'s ID number and of entry #{seq}:"
        )
        print(f"  exit {code} in {seconds:.1f} s")
        for line in output.strip().splitlines():
            print(f"  {line[:160]}")
        assert code == 1, "the edits were not found"
        with translation.override(settings.LANGUAGE_CODE):  # the command speaks the site's language
            public, national, entry = (str(PROBLEMS[key]) for key in ("document", "national_document", "entry_hash"))
        assert f"{penalty.record_type}#{record_id}: {public}" in output
        assert f"{penalty.record_type}#{person_id}: {national}" in output
        assert f"{penalty.record_type}#{person_id}: {public}" not in output
        assert f"#{seq} " in output and entry in output
        print("  all three edits named")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET decision_number = %s WHERE id = %s", [number, record_id])
            cursor.execute(f"UPDATE {table} SET subject_id_number = %s WHERE id = %s", [id_number, person_id])
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("UPDATE core_ledgerentry SET document_hash = %s WHERE seq = %s", [entry_document_hash, seq])
            cursor.execute("SET session_replication_role = origin")


def _pick(rows, around: int = 1000):
    """A row some way into the table (the 1000th), or the last one of a small table."""
    first = list(rows[: around + 1])
    return first[-1]


if __name__ == "__main__":
    main()
