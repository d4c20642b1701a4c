"""`manage.py generate_credit_files`: synthetic civil servants with long credit files, for benchmarks.

Fills the tables the eligibility check, the nightly score recompute and the credit file page read:
civil servants (valid resident ID numbers, unique staff numbers, some leading cadres, some new entrants),
six years of courses (a few dozen a year, the city's and the districts' mandatory ones among them, for all,
for leading cadres or for new entrants), completions (one per servant and course at most, most of them of
courses due to the servant), dishonesty records about servants (confirmed, every publication state, both
severities, all categories, determined over six years, with their publicity dates, obligations and honours
bars as the services leave them), commendations and disciplinary sanctions, and one assessment rule set
(through `rule_set_create`) if none is in force.

Rows are plain dicts written by COPY (ids drawn from the sequences first) on PostgreSQL, bulk_create
elsewhere, one transaction a table chunk, then ANALYZE. The same --seed on the same organizations and the
same day gives the same rows. It writes NO audit events, publication versions, ledger entries or outbox
rows: never run it on a database anyone relies on. Needs the organizations of `manage.py seed_demo`.
"""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.bulk import RowWriter, reserve_ids
from dishonesty_records.models import DishonestyRecord, Obligation, Sanction
from organizations.models import CivilServant

from ...models import CareerEntry, Completion, Course
from ...services.rules import rule_set_active, rule_set_create
from ...synthetic import RULES, YEARS, Generator

__all__ = ["RULES", "YEARS", "Command", "Generator", "generate"]


def generate(
    *, servants: int, completions: int, records: int, courses_per_year: int = 36, seed: int, out=None
) -> dict[str, int]:
    """Fill the tables; the rows made, by table."""
    generator = Generator(seed=seed)
    made: dict[str, int] = {}
    timings = []

    def step(label, started):
        timings.append(f"{label} {time.monotonic() - started:.1f} s")
        if out is not None:
            out(timings[-1])

    started = time.monotonic()
    writer = RowWriter(CivilServant, generator.now)
    for rows in generator.servants_rows(servants):
        writer.write(rows)
    made["civil_servants"] = writer.written
    step(f"{writer.written} civil servants", started)

    started = time.monotonic()
    writer = RowWriter(Course, generator.now)
    writer.write(generator.courses_rows(courses_per_year))
    made["courses"] = writer.written
    writer = RowWriter(Completion, generator.now)
    for rows in generator.completion_rows(completions):
        writer.write(rows)
    made["completions"] = writer.written
    step(f"{made['courses']} courses, {writer.written} completions", started)

    started = time.monotonic()
    record_writer = RowWriter(DishonestyRecord, generator.now)
    obligation_writer, sanction_writer = RowWriter(Obligation, generator.now), RowWriter(Sanction, generator.now)
    for record_rows, obligation_rows, sanction_rows in generator.record_rows(records):
        with transaction.atomic():
            record_writer.write(record_rows)
            for row, pk in zip(obligation_rows, reserve_ids(Obligation, len(obligation_rows)), strict=True):
                row["id"] = pk
            obligation_writer.write(obligation_rows)
            for row, pk in zip(sanction_rows, reserve_ids(Sanction, len(sanction_rows)), strict=True):
                row["id"] = pk
            sanction_writer.write(sanction_rows)
    made["records"] = record_writer.written
    made["obligations"] = obligation_writer.written
    made["sanctions"] = sanction_writer.written
    step(
        f"{record_writer.written} records, {obligation_writer.written} obligations, "
        f"{sanction_writer.written} sanctions",
        started,
    )

    started = time.monotonic()
    writer = RowWriter(CareerEntry, generator.now)
    writer.write(generator.career_rows())
    made["career_entries"] = writer.written
    step(f"{writer.written} career entries", started)

    made["rule_sets"] = 0
    if rule_set_active(generator.today) is None:
        rule_set_create(
            effective_from=generator.today,
            rules=RULES,
            note="基准测试：按失信记录、培训完成与承诺兑现量化计分。",
            actor=None,
        )
        made["rule_sets"] = 1
    return made


class Command(BaseCommand):
    help = (
        "Generate SYNTHETIC BENCHMARK DATA for the civil servants' credit files: servants, six years of courses "
        "and completions, confirmed dishonesty records about servants (with obligations and honours bars), "
        "commendations and sanctions, and a rule set if none is in force. No audit events, publication versions, "
        "ledger entries or outbox rows: never run this on a database anyone relies on. Needs the organizations "
        "of `manage.py seed_demo`. COPY on PostgreSQL (then ANALYZE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--servants", type=int, default=100_000, help="civil servants (default 100000)")
        parser.add_argument("--completions", type=int, default=300_000, help="course completions (default 300000)")
        parser.add_argument("--records", type=int, default=200_000, help="dishonesty records (default 200000)")
        parser.add_argument("--courses-per-year", type=int, default=36, help="courses a year, six years (default 36)")
        parser.add_argument("--seed", type=int, default=None, help="random seed: the same seed gives the same rows")

    def handle(self, *args, servants, completions, records, courses_per_year, seed, **options):
        if min(servants, completions, records) < 0 or courses_per_year < 12:
            raise CommandError("Counts cannot be negative; --courses-per-year must be at least 12.")
        seed = random.SystemRandom().randrange(2**32) if seed is None else seed
        started = time.monotonic()
        try:
            made = generate(
                servants=servants,
                completions=completions,
                records=records,
                courses_per_year=courses_per_year,
                seed=seed,
                out=lambda line: self.stdout.write(f"  {line}"),
            )
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Every table filled: a table left unanalysed gets plans for an empty table.
                cursor.execute(
                    "ANALYZE organizations_civilservant, civil_servants_course, civil_servants_completion, "
                    "dishonesty_records_dishonestyrecord, dishonesty_records_obligation, dishonesty_records_sanction, "
                    "civil_servants_careerentry"
                )
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{made['civil_servants']} civil servants, {made['courses']} courses, {made['completions']} completions, "
            f"{made['records']} dishonesty records ({made['obligations']} obligations, {made['sanctions']} "
            f"sanctions), {made['career_entries']} career entries, {made['rule_sets']} rule set(s) "
            f"(seed {seed}) in {elapsed:.1f} s."
        )
