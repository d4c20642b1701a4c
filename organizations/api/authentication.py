import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..access import ApiPrincipal
from ..models import ApiClient
from ..tokens import hash_token

# Touch last_used_at at most this often, so that a busy client does not write on every call.
_LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


class ApiClientTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <token>` for external systems; the token is looked up by its hash."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give exactly one token."))
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        client = (
            ApiClient.objects.active()
            .select_related("organization")
            .filter(token_hash=hash_token(token), organization__is_active=True)
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > _LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        principal = ApiPrincipal(
            client_id=client.pk,
            client_name=client.name,
            organization_id=client.organization_id,
            organization_path=client.organization.path,
            scopes=tuple(client.scopes),
        )
        return principal, client

    def authenticate_header(self, request):
        return self.keyword


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiClientTokenAuthentication
    name = "ApiClientToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>` — issued per organization by `manage.py create_api_client`.",
        }
