"""A per-client rate limit for public forms and guessable look-ups: counts in the Django cache, refusals as 429.

    from core.ratelimit import ratelimit

    @ratelimit("complaint_file", rate="5/10m")          # POSTs only, per visitor address
    def complaint_file(request): ...

Over the limit the view is not called: the visitor gets 429 with a `Retry-After` header and a page (or, for
an API path or `Accept: application/json`, `{"detail": "…"}`) saying in their language how long to wait,
and the logger "core.ratelimit" gets a warning naming the scope and a keyed hash of the address, never the
address itself. `settings.RATE_LIMITS = {"complaint_file": "10/h"}` overrides a scope's rate without
touching the code. Where only some requests should count (wrong tracking codes, say), call `hit()` and
answer with `limited_response()` yourself.

Counting: fixed windows aligned on the period (a key per window), `cache.add` then `cache.incr`, which is
atomic on Redis (production, CI) and on the local-memory cache; a window's key expires with it.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from .middleware import client_ip as _client_ip

logger = logging.getLogger("core.ratelimit")

_UNITS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Limited:
    allowed: bool
    retry_after: int  # seconds until the current window closes (at least 1)
    count: int  # requests counted in the current window, this one included


def client_ip(request) -> str:
    """The visitor's address by the project's one rule (core.middleware.client_ip: forwarded headers are
    believed only from settings.TRUSTED_PROXIES, read from the right), or "unknown" when there is none."""
    return _client_ip(request) or "unknown"


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/10m" → (5, 600): a number of requests per period; units s, m, h, d ("min", "hour" … too), with an
    optional multiplier before the unit."""
    match = _RATE.match(rate or "")
    if not match:
        raise ImproperlyConfigured(f"Rate limit {rate!r}: expected requests/period such as 5/10m, 100/h or 3/30s")
    limit, multiplier, unit = int(match[1]), int(match[2] or 1), match[3].lower()
    if limit < 1 or multiplier < 1:
        raise ImproperlyConfigured(f"Rate limit {rate!r}: the number of requests and the period must be positive")
    return limit, multiplier * _UNITS[unit]


def rate_for(scope: str, default: str) -> str:
    """The rate of a scope: settings.RATE_LIMITS[scope] when set, else the code's default (read per request)."""
    return (getattr(settings, "RATE_LIMITS", None) or {}).get(scope, default)


def _now() -> float:
    return time.time()


def client_digest(key: str) -> str:
    """A keyed hash of a client key (an address is personal data): stable while SECRET_KEY is, useless for
    reversing a logged or cached value back into an address by trying them all."""
    return salted_hmac("core.ratelimit.client", str(key)).hexdigest()[:16]


def hit(scope: str, key: str, *, limit: int, period: int) -> Limited:
    """Count one request of `key` under `scope`; allowed while the window's count is at most `limit`."""
    now = _now()
    window = int(now // period) * period
    retry_after = max(1, math.ceil(window + period - now))
    cache_key = f"ratelimit:{scope}:{client_digest(key)}:{window}"
    timeout = retry_after + 1
    cache.add(cache_key, 0, timeout)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr: this request opens the window
        cache.add(cache_key, 1, timeout)
        count = 1
    return Limited(allowed=count <= limit, retry_after=retry_after, count=count)


def wait_message(retry_after: int) -> str:
    if retry_after >= 60:
        minutes = math.ceil(retry_after / 60)
        return ngettext(
            "Too many requests from your address. Please wait %(minutes)d minute and try again.",
            "Too many requests from your address. Please wait %(minutes)d minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
    return ngettext(
        "Too many requests from your address. Please wait %(seconds)d second and try again.",
        "Too many requests from your address. Please wait %(seconds)d seconds and try again.",
        retry_after,
    ) % {"seconds": retry_after}


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "").lower()


def limited_response(request, result: Limited):
    """The 429 answer for a refused request: a page of the public site, or JSON for an API caller."""
    message = wait_message(result.retry_after)
    if wants_json(request):
        response = JsonResponse({"detail": message}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "core/rate_limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(result.retry_after)
    add_never_cache_headers(response)
    # Not one "Too Many Requests" line per request from django.request: log_refusal() says it in a few.
    response._has_been_logged = True
    return response


def log_refusal(scope: str, key: str, result: Limited, *, limit: int, request=None) -> None:
    """A warning on the first refusal of a window, then at 2, 4, 8 … refusals: a flood shows its size in
    a few lines instead of one line per request."""
    over = result.count - limit
    if over < 1 or over & (over - 1):
        return
    logger.warning(
        "rate limit exceeded: scope=%s client=%s method=%s count=%d limit=%d retry_after=%ds",
        scope,
        client_digest(key),
        getattr(request, "method", "-"),
        result.count,
        limit,
        result.retry_after,
    )


def ratelimit(scope: str, rate: str = "5/10m", methods=("POST",), key=client_ip):
    """Limit a view to `rate` requests per client (`key(request)`, the visitor's address by default) for the
    given methods (None: every method); settings.RATE_LIMITS[scope] overrides `rate`."""
    parse_rate(rate)  # a wrong default fails at import, not on the first flood
    counted = None if methods is None else {method.upper() for method in methods}

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if counted is None or request.method in counted:
                limit, period = parse_rate(rate_for(scope, rate))
                client = key(request) or "unknown"
                result = hit(scope, client, limit=limit, period=period)
                if not result.allowed:
                    log_refusal(scope, client, result, limit=limit, request=request)
                    return limited_response(request, result)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
