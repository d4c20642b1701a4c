"""`manage.py announce_sanctions`: run once after the upgrade that put sanctions into the documents."""

from django.core.management.base import BaseCommand

from dishonesty_records.services import record_announce_sanctions


class Command(BaseCommand):
    help = (
        "Once after upgrading: every published dishonesty record whose sanctions are shown in public but were not "
        "yet in its ledgered and pushed document announces a new version that carries them (a ledger entry and a "
        "push to the national platform). Records whose ledger entry differs in anything else are left alone and "
        "listed: `manage.py verify_ledger` reports them. Safe to run again."
    )

    def handle(self, *args, **options):
        announced, left = record_announce_sanctions()
        self.stdout.write(f"{announced} record(s) announced a version with their sanctions.")
        if left:
            listed = ", ".join(str(pk) for pk in left)
            self.stdout.write(f"Left alone (the ledger differs in more than the sanctions): {listed}")
