"""`manage.py generate_pledges --pledges N`: synthetic pledges, milestones and progress reports for benchmarks."""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from commitments.synthetic import generate


class Command(BaseCommand):
    help = (
        "Generate SYNTHETIC BENCHMARK DATA: pledges of every kind (department, street, 为民办实事 of this and past "
        "years, investment, PPP, procurement, civil servants' internal ones) about the existing organizations, "
        "about a third of them in three-level trees whose progress is rolled up as the services do, each with "
        "its milestones and progress reports. No audit events, publication versions, ledger entries, outbox "
        "rows or evidence files are written: never run this on a production database. Needs the organizations "
        "of `manage.py seed_demo`. COPY on PostgreSQL (then ANALYZE), bulk_create elsewhere."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pledges", type=int, required=True, help="how many pledges (e.g. 20000)")
        parser.add_argument(
            "--milestones-per-pledge", type=int, default=10, help="milestones of every pledge (default 10)"
        )
        parser.add_argument("--seed", type=int, default=None, help="random seed: the same seed gives the same pledges")
        parser.add_argument("--batch-size", type=int, default=5000, help="pledges per transaction (whole trees)")

    def handle(self, *args, pledges, milestones_per_pledge, seed, batch_size, **options):
        if pledges < 0 or milestones_per_pledge < 0 or batch_size < 1:
            raise CommandError(
                "--pledges and --milestones-per-pledge cannot be negative, --batch-size must be positive."
            )
        seed = random.SystemRandom().randrange(2**32) if seed is None else seed
        started = time.monotonic()
        try:
            made = generate(pledges, seed=seed, milestones_per_pledge=milestones_per_pledge, batch_size=batch_size)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Every table the generator filled: a table left unanalysed gets plans for an empty table.
                cursor.execute("ANALYZE commitments_pledge, commitments_milestone, commitments_progressreport")
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{made['pledges']} synthetic pledges, {made['milestones']} milestones and {made['reports']} progress "
            f"reports (seed {seed}) in {elapsed:.1f} s."
        )
