import time

from django.core.management.base import BaseCommand

from sharing.services import push_pending


class Command(BaseCommand):
    help = "Send what is due in the outbox to the national platform now (what the worker's task does)."

    def add_arguments(self, parser):
        parser.add_argument("--budget", type=float, default=240, help="stop after this many seconds")
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, budget, batch_size, **options):
        started = time.monotonic()
        report = push_pending(budget_seconds=budget, batch_size=batch_size)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{report.batches} batches in {elapsed:.1f} s: {report.delivered} delivered, {report.rejected} rejected, {report.superseded} superseded, "
            f"{report.retried} to retry, {report.failed} failed"
        )
