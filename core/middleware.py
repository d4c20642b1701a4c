import functools
import ipaddress
import re
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import request_context

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when sane) for logs and audit rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else request_context.new_request_id()
        request.request_id = request_id
        context = request_context.RequestContext(request_id=request_id, ip_address=client_ip(request))
        with request_context.bound(context):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def client_ip(request) -> str | None:
    """The visitor's address: the one rule for audit rows, API throttling and the log-in lockout.

    REMOTE_ADDR is the visitor unless it is one of our own proxies (settings.TRUSTED_PROXIES). Only then
    are the forwarded headers believed: X-Forwarded-For read from the right (each proxy appends the
    address it saw), skipping our proxies, so the right-most address that is not ours is the visitor —
    whatever a visitor wrote further left is ignored. X-Real-IP stands in when a proxy sets only that.
    Anything that is not an IP address is never returned (audit rows store it as one).
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None or not _is_trusted_proxy(remote):
        return str(remote) if remote is not None else None
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        real = _address(request.META.get("HTTP_X_REAL_IP", ""))
        return str(real if real is not None else remote)
    visitor = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a proxy of ours never writes this: the hop to its right is as far as we can see
        visitor = address
        if not _is_trusted_proxy(address):
            break
    return str(visitor)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234", as some load balancers write it
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted_proxy(address) -> bool:
    return any(address in network for network in _trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()))))


@functools.lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network such as 10.0.0.0/8"
            ) from exc
    return tuple(networks)


class LocaleMiddleware:
    """Chooses the language: `?language=` > the language cookie > (API only) Accept-Language > zh-hans.

    Pages speak zh-hans unless the visitor picks English, whatever the browser's own language;
    API callers may also use Accept-Language. A `?language=` on a page is remembered in the cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from_query = _supported(request.GET.get("language", ""))
        language = from_query or _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""))
        is_api = request.path.startswith("/api/")
        if not language and is_api:
            language = translation.get_language_from_request(request)
        language = language or settings.LANGUAGE_CODE
        # For this request only: the thread's language is given back afterwards, so that nothing run later
        # in the same thread (a test, a task run eagerly) speaks the last visitor's language by accident.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie") if is_api else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        if from_query and not is_api:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, from_query, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
            )
        return response


def _supported(code: str) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class ServerTimingMiddleware:
    """`Server-Timing: app;dur=<ms>` on every response: what benchmarks read as server time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={1000 * (time.perf_counter() - started):.1f}"
        return response
