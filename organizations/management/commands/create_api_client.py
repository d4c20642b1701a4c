from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...choices import ApiScope
from ...selectors import resolve_organization
from ...services import api_client_create


class Command(BaseCommand):
    help = "Issue an API token for an organization's external system. The token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="organization id, short name or USCC")
        parser.add_argument(
            "--scope",
            action="append",
            choices=ApiScope.values,
            required=True,
            help="read, write or review; repeat for several",
        )
        parser.add_argument("--name", default="", help="name of the calling system")

    def handle(self, *args, organization, scope, name, **options):
        org = resolve_organization(organization)
        if org is None:
            raise CommandError(f"No organization matches {organization!r} (give an id, short name or USCC).")
        try:
            client, token = api_client_create(
                organization=org, name=name or f"{org.short_name} API", scopes=scope, actor=None
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(
            f"API client #{client.pk} for {org.name}, scopes: {', '.join(client.scopes)}. Store the token now:"
        )
        self.stdout.write(token)
