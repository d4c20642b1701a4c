from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anon"


class PrincipalRateThrottle(SimpleRateThrottle):
    """One bucket per API client (or per signed-in user): a client's token is its identity."""

    scope = "principal"

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return None
        ident = getattr(user, "throttle_ident", None) or f"user-{user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
