from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sharing.choices import OutboxStatus
from sharing.models import OutboxEntry
from sharing.services import outbox_replay


class Command(BaseCommand):
    help = "Queue dead-lettered (failed) outbox entries to be sent to the national platform again."

    def add_arguments(self, parser):
        parser.add_argument("entries", nargs="*", type=int, help="outbox entry ids")
        parser.add_argument("--all", action="store_true", help="every failed entry")
        parser.add_argument("--record-type", help="only entries of this record type, e.g. disclosures.penalty")
        parser.add_argument("--record-id", type=int, help="only entries of this record")

    def handle(self, *args, entries, all, record_type, record_id, **options):
        failed = OutboxEntry.objects.filter(status=OutboxStatus.FAILED)
        if entries:
            failed = failed.filter(pk__in=entries)
        elif not (all or record_type or record_id):
            raise CommandError("Name entry ids, or use --all, --record-type or --record-id.")
        if record_type:
            failed = failed.filter(record_type=record_type)
        if record_id:
            failed = failed.filter(record_id=record_id)
        chosen = list(failed.only("id", "scope_path"))
        try:
            count = outbox_replay(entries=chosen, actor=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{count} failed entries queued again.")
