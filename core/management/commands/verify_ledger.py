"""`manage.py verify_ledger`: exit 0 when the chain and every record match, 1 and one line per mismatch otherwise."""

import sys

from django.core.management.base import BaseCommand, CommandError

from core.ledger import verify_ledger


class Command(BaseCommand):
    help = (
        "Recompute the publication ledger's hash chain (sequence, links, every hash, the head) and compare each "
        "record's latest entry with the record as it stands now. Exit status 0 when everything matches; 1 with "
        "one line per mismatch on standard output otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="print only the mismatches, no summary")
        parser.add_argument(
            "--max-report", type=int, default=1000, help="print at most this many mismatches (all are counted)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="PostgreSQL: processes checking in parallel on one snapshot (default: one per core; 1: none)",
        )

    def handle(self, *args, quiet: bool, max_report: int, workers: int | None, **options):
        if max_report < 0 or (workers is not None and workers < 1):
            raise CommandError("--max-report cannot be negative and --workers must be at least 1.")
        verbosity = 0 if quiet else options.get("verbosity", 1)
        progress = (lambda phase, done: self.stderr.write(f"  {phase}: {done:,}")) if verbosity >= 2 else None
        report = verify_ledger(max_report=max_report, workers=workers, progress=progress)
        for mismatch in report.mismatches:
            self.stdout.write(str(mismatch))
        hidden = report.mismatch_count - len(report.mismatches)
        if hidden:
            self.stdout.write(f"… and {hidden:,} more mismatches (raise --max-report to list them)")
        if verbosity >= 1:
            summary = (
                f"{report.entries_checked:,} entries and {report.records_checked:,} records checked in "
                f"{report.seconds:.1f} s by {report.workers} process(es); head #{report.head_seq} {report.head_hash}"
            )
            if report.ok:
                self.stderr.write(self.style.SUCCESS(f"The ledger verifies: {summary}."))
            else:
                self.stderr.write(self.style.ERROR(f"{report.mismatch_count:,} mismatches: {summary}."))
        if not report.ok:
            sys.exit(1)
