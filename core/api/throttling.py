from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from core.middleware import client_ip


class _SettingsRates:
    """Rates read from the settings when a throttle is made, not once at import (DRF's default), so that
    an operator's or a test's REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] is the one that applies."""

    @property
    def THROTTLE_RATES(self):  # DRF reads the rates under this name
        return api_settings.DEFAULT_THROTTLE_RATES


class AnonymousRateThrottle(_SettingsRates, AnonRateThrottle):
    """One bucket per visitor address, by the project's one rule: DRF's own get_ident would believe any
    X-Forwarded-For a caller sends, so a changing header would give every request a fresh bucket."""

    scope = "anon"

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class PrincipalRateThrottle(_SettingsRates, SimpleRateThrottle):
    """One bucket per API client (or per signed-in user): a client's token is its identity."""

    scope = "principal"

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return None
        ident = getattr(user, "throttle_ident", None) or f"user-{user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
