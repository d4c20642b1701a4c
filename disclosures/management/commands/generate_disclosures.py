"""`manage.py generate_disclosures --count N`: realistic synthetic 双公示 data for benchmarks.

Rows are made one at a time from seeded random choices and streamed to the database (COPY on
PostgreSQL, bulk_create batches elsewhere): memory stays flat whatever the count. Derived fields
come from the same functions the services use (deadline, publicity, search grams), so generated
rows look exactly like entered ones. What is deliberately missing: audit events, publication
versions, ledger entries and outbox rows — this is benchmark data, not history.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import defaultdict, deque

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.bulk import CopyEncoder
from disclosures.models import LicenseDisclosure, PenaltyDisclosure
from disclosures.synthetic.copying import _copy_chunk, _worker_state
from disclosures.synthetic.generator import Generator, existing_number_counters, load_authorities

# --- the command ----------------------------------------------------------------------------------

MODELS = {"penalty": (PenaltyDisclosure, "罚"), "license": (LicenseDisclosure, "许")}
PARALLEL_FROM = 50_000  # rows: below this, forking workers costs more than it saves
DEFER_INDEXES_FROM = 100_000  # rows: below this, maintaining the indexes is cheaper than rebuilding them


class Command(BaseCommand):
    help = (
        "Generate SYNTHETIC BENCHMARK DATA: realistic licence and penalty disclosures (Chinese names, valid "
        "USCCs and resident IDs, per-department violations and legal bases, amounts in 万元) whose derived "
        "fields (deadline, publicity dates, search grams) are computed like the services do. No audit events, "
        "publication versions, ledger entries or national-platform outbox rows are written: never run this on "
        "a production database. Needs the organizations of `manage.py seed_demo`. On PostgreSQL it loads with "
        "COPY in one transaction per table (a big load drops the non-unique indexes and rebuilds them at the "
        "end, locking the table meanwhile), then ANALYZEs; elsewhere it uses bulk_create."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="how many penalty disclosures")
        parser.add_argument(
            "--licenses", type=int, default=None, help="how many licence disclosures (default count//4)"
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="random seed: the same seed and batch size give the same rows"
        )
        parser.add_argument(
            "--batch-size", type=int, default=20000, help="rows per generated chunk / bulk_create batch"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="PostgreSQL: processes generating rows while this one streams them into COPY (0: none)",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="PostgreSQL: maintain every index during the load instead of rebuilding the non-unique ones "
            "afterwards (which is done when adding more rows than the table holds)",
        )

    def handle(self, *args, count, licenses, seed, batch_size, workers, keep_indexes, **options):
        if count < 0 or (licenses is not None and licenses < 0) or batch_size < 1 or workers < 0:
            raise CommandError("--count, --licenses, --batch-size and --workers cannot be negative.")
        licenses = count // 4 if licenses is None else licenses
        self.verbosity = options.get("verbosity", 1)
        authorities = load_authorities()
        seed = random.SystemRandom().randrange(2**32) if seed is None else seed
        generator = Generator(authorities=authorities, seed=seed, today=timezone.localdate(), now=timezone.now())
        self.stdout.write(
            f"Generating {count} penalties and {licenses} licences for {len(authorities)} authorities, decisions "
            f"{generator.start} – {generator.today}, seed {seed}. Synthetic benchmark data: no audit trail."
        )
        postgres = connection.vendor == "postgresql"
        total_rows, started = 0, time.perf_counter()
        for kind, n in (("penalty", count), ("license", licenses)):
            if not n:
                continue
            model, letter = MODELS[kind]
            t0 = time.perf_counter()
            chunks = self._chunks(generator, kind, n, batch_size, existing_number_counters(model, letter), letter)
            if postgres:
                self._copy(generator, kind, n, chunks, workers, keep_indexes)
            else:
                self._bulk_create(generator, kind, n, chunks)
            elapsed = time.perf_counter() - t0
            total_rows += n
            self.stdout.write(f"  {model._meta.model_name}: {n} rows in {elapsed:.1f} s ({n / elapsed:,.0f} rows/s)")
        if postgres:
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                for model, _letter in MODELS.values():
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
            self.stdout.write(f"  ANALYZE in {time.perf_counter() - t0:.1f} s")
        elapsed = time.perf_counter() - started
        rate = total_rows / elapsed if elapsed else 0
        self.stdout.write(
            self.style.SUCCESS(f"Done: {total_rows} rows in {elapsed:.1f} s ({rate:,.0f} rows/s overall).")
        )

    @staticmethod
    def _chunks(generator: Generator, kind: str, n: int, size: int, counters: dict, letter: str):
        """(chunk, start, end, counters it starts from), walking the plans in order to number decisions."""
        counters = defaultdict(int, counters)
        authorities = generator.authorities
        for chunk, start in enumerate(range(0, n, size)):
            end = min(n, start + size)
            keys = [(authorities[a].pk, letter, day.year) for a, day in generator.plan(kind, chunk, start, end, n)]
            starting = {key: counters[key] for key in set(keys)}
            for key in keys:
                counters[key] += 1
            yield chunk, start, end, starting

    def _copy(self, generator, kind, n, chunks, workers, keep_indexes):
        model, _letter = MODELS[kind]
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        table = model._meta.db_table
        columns = ", ".join(f'"{f.column}"' for f in fields)
        encoder = CopyEncoder(fields)
        connection.ensure_connection()
        raw = connection.connection  # psycopg 3
        with transaction.atomic(), raw.cursor() as cursor:
            # Adding more rows than the table holds: drop the non-unique indexes and build them again at the
            # end (several times faster than maintaining them row by row). Unique indexes stay, so the
            # decision-number rule holds during the load. One transaction: a failed run changes nothing.
            deferred = [] if keep_indexes else self._deferrable_indexes(cursor, table, n)
            for name, _definition in deferred:
                cursor.execute(f'DROP INDEX "{name}"')
            # Check the deferrable foreign keys as rows arrive (PostgreSQL works while we generate);
            # pending checks would also forbid CREATE INDEX in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            done = 0
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for data, rows in self._copy_texts(generator, kind, n, chunks, workers, encoder):
                    copy.write(data)
                    done += rows
                    if self.verbosity >= 2 or done == n or done % 200_000 < rows:
                        self.stdout.write(f"    {model._meta.model_name}: {done}/{n}")
            if deferred:
                t0 = time.perf_counter()
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for _name, definition in deferred:
                    cursor.execute(definition)
                self.stdout.write(f"    rebuilt {len(deferred)} indexes of {table} in {time.perf_counter() - t0:.1f} s")

    def _copy_texts(self, generator, kind, n, chunks, workers, encoder):
        """COPY text chunk by chunk, in order; made by `workers` forked processes when it pays."""
        if workers == 0 or n < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
            for chunk, start, end, counters in chunks:
                yield encoder.encode(generator.rows(kind, chunk, start, end, n, counters)), end - start
            return
        _worker_state.update(generator=generator, encoders={kind: encoder})
        pending: deque = deque()
        # Forked workers inherit the generator (authorities, calendar, rules) and never touch the database.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for chunk, start, end, counters in chunks:
                pending.append((pool.apply_async(_copy_chunk, (kind, chunk, start, end, n, counters)), end - start))
                if len(pending) >= 2 * workers:  # bounded read-ahead: memory stays flat
                    result, rows = pending.popleft()
                    yield result.get(), rows
            while pending:
                result, rows = pending.popleft()
                yield result.get(), rows
        _worker_state.clear()

    @staticmethod
    def _deferrable_indexes(cursor, table: str, n: int) -> list[tuple[str, str]]:
        if n < DEFER_INDEXES_FROM:
            return []
        cursor.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT %s) AS existing', (n,))  # noqa: S608
        if cursor.fetchone()[0] >= n:
            return []
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary ORDER BY c.relname",
            (table,),
        )
        return cursor.fetchall()

    def _bulk_create(self, generator, kind, n, chunks):
        model, _letter = MODELS[kind]
        with transaction.atomic():
            for chunk, start, end, counters in chunks:
                batch = [model(**row) for row in generator.rows(kind, chunk, start, end, n, counters)]
                times = [(record.created_at, record.updated_at) for record in batch]
                model.objects.bulk_create(batch, batch_size=500)  # auto_now(_add) overwrites both times …
                for record, (created_at, updated_at) in zip(batch, times, strict=True):
                    record.created_at, record.updated_at = created_at, updated_at
                model.objects.bulk_update(batch, ["created_at", "updated_at"], batch_size=500)  # … so put them back
