from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from civil_servants import demo as civil_servants_demo
from commitments import demo as commitments_demo
from complaints import demo as complaints_demo
from disclosures import demo as disclosures_demo
from dishonesty_records import demo as dishonesty_demo
from organizations import demo as organizations_demo
from organizations.models import Organization


class Command(BaseCommand):
    help = "Load demo organizations, people and one log-in per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="only print the demo log-ins")

    def handle(self, *args, print_logins=False, **options):
        if print_logins:
            self._print_logins(organizations_demo.demo_logins())
            return
        city = organizations_demo.seed_organizations()
        logins = organizations_demo.seed_users()
        people = organizations_demo.seed_civil_servants()
        organizations_demo.seed_servant_accounts()
        disclosures = disclosures_demo.seed_disclosures()
        dishonesty_records = dishonesty_demo.seed_dishonesty_records()
        pledges = commitments_demo.seed_pledges()
        files = civil_servants_demo.seed_credit_files()
        complaints = complaints_demo.seed_complaints()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data ready: %(orgs)d organizations under %(city)s, %(people)d new civil servants.")
                % {"orgs": Organization.objects.subtree(city).count(), "city": city.name, "people": people}
            )
        )
        self.stdout.write(_("%(count)d new demo disclosures.") % {"count": disclosures})
        self.stdout.write(_("%(count)d new demo dishonesty records.") % {"count": dishonesty_records})
        self.stdout.write(_("%(count)d new demo pledges.") % {"count": pledges})
        self.stdout.write(_("%(count)d demo credit files filled in.") % {"count": files})
        if complaints:
            self.stdout.write(_("Demo complaints (track them at /complaints/track/ with the code and the secret):"))
            for label, code, secret in complaints:
                self.stdout.write(f"  {code}  {secret}  {label}")
        self._print_logins(logins)

    def _print_logins(self, logins):
        self.stdout.write(
            _("Demo log-ins (password for all: %(password)s):") % {"password": organizations_demo.DEMO_PASSWORD}
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.role:<12} {login.organization} → {login.jurisdiction}")
