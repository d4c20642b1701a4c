import math
import time

from django.core.cache.backends.redis import RedisCache
from django.utils.connection import ConnectionProxy
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.middleware import client_ip


class _SettingsRates:
    """Rates read from the settings when a throttle is made, not once at import (DRF's default), so that
    an operator's or a test's REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] is the one that applies."""

    @property
    def THROTTLE_RATES(self):  # DRF reads the rates under this name
        return api_settings.DEFAULT_THROTTLE_RATES


class WindowRateThrottle(_SettingsRates, SimpleRateThrottle):
    """DRF's rates and keys, counted per window instead of logged request by request.

    DRF's SimpleRateThrottle keeps the time of every request of the last period in one cache value that
    it reads and writes whole on every request, so a request costs more the more requests came before it
    (at 1,200 a minute, a 10 kB pickle both ways). Here a key's first request opens a window of the
    rate's period and every request adds one to its count, a single Redis round trip; past the rate,
    requests are refused until the window closes, and Retry-After says when that is.
    """

    # Not DRF's key: a window's count must never meet a log left under DRF's key by an older release.
    cache_format = "throttle-window_%(scope)s_%(ident)s"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        count, self.seconds_left = count_request(self.cache, self.key, self.duration)
        return count <= self.num_requests

    def wait(self):
        return self.seconds_left


def count_request(cache, key: str, window: int) -> tuple[int, float]:
    """One more request under `key`: (requests in its window so far, seconds until the window closes)."""
    if isinstance(cache, ConnectionProxy):  # django.core.cache.cache: the backend of this thread
        cache = cache._connections[cache._alias]
    if isinstance(cache, RedisCache):
        count, milliseconds_left = _redis_counter(cache)(keys=[cache.make_and_validate_key(key)], args=[window * 1000])
        return count, max(milliseconds_left, 0) / 1000
    # Other caches (local development, tests without Redis): read and write, as DRF does.
    now = time.time()
    opened, count = cache.get(key) or (now, 0)
    if now >= opened + window:
        opened, count = now, 0
    seconds_left = opened + window - now
    cache.set(key, (opened, count + 1), math.ceil(seconds_left))
    return count + 1, seconds_left


# Atomic in Redis: the first request of a window sets its expiry; anything but a count under the key
# (whatever left it there) starts a new window rather than failing the request.
_COUNT_SCRIPT = """
local count = redis.pcall('INCR', KEYS[1])
if type(count) == 'table' then
    redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
    count = 1
elseif count == 1 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {count, redis.call('PTTL', KEYS[1])}
"""


def _redis_counter(cache):
    # Kept on the cache's client: Django makes a new redis client object per cache call, which with
    # redis-py's response-callback table costs more than the round trip itself.
    client = cache._cache
    script = getattr(client, "_window_count_script", None)
    if script is None:
        script = client.get_client(write=True).register_script(_COUNT_SCRIPT)
        client._window_count_script = script
    return script


class AnonymousRateThrottle(WindowRateThrottle):
    """One bucket per visitor address, by the project's one rule: DRF's own get_ident would believe any
    X-Forwarded-For a caller sends, so a changing header would give every request a fresh bucket."""

    scope = "anon"

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None  # only anonymous requests: clients and users have their own bucket
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PrincipalRateThrottle(WindowRateThrottle):
    """One bucket per API client (or per signed-in user): a client's token is its identity."""

    scope = "principal"

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return None
        ident = getattr(user, "throttle_ident", None) or f"user-{user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
