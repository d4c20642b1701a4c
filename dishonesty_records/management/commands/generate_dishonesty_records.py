"""`manage.py generate_dishonesty_records --count N`: synthetic dishonesty records for benchmarks."""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dishonesty_records.synthetic import generate


class Command(BaseCommand):
    help = (
        "Generate SYNTHETIC BENCHMARK DATA: dishonesty records about the existing organizations and civil "
        "servants in every state, with obligations and sanctions. No audit events, publication versions, ledger "
        "entries, outbox rows or evidence files are written: never run this on a production database. Needs the "
        "organizations of `manage.py seed_demo`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="how many records")
        parser.add_argument("--seed", type=int, default=None, help="random seed: the same seed gives the same rows")
        parser.add_argument("--batch-size", type=int, default=5000, help="records per bulk_create transaction")

    def handle(self, *args, count, seed, batch_size, **options):
        if count < 0 or batch_size < 1:
            raise CommandError("--count cannot be negative and --batch-size must be positive.")
        seed = random.SystemRandom().randrange(2**32) if seed is None else seed
        started = time.monotonic()
        try:
            made = generate(count, seed=seed, batch_size=batch_size)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Every table the generator filled: a table left unanalysed gets plans for an empty table.
                cursor.execute(
                    "ANALYZE dishonesty_records_dishonestyrecord, dishonesty_records_obligation, "
                    "dishonesty_records_sanction, dishonesty_records_repairapplication"
                )
        elapsed = time.monotonic() - started
        self.stdout.write(f"{made} synthetic dishonesty records (seed {seed}) in {elapsed:.1f} s.")
