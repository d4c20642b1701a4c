import re
import time

from django.conf import settings
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
    # Behind the production proxy REMOTE_ADDR is the proxy; it sets X-Real-IP (see docker-compose notes).
    if getattr(settings, "TRUST_X_REAL_IP", False):
        real = request.headers.get("X-Real-IP")
        if real:
            return real
    return request.META.get("REMOTE_ADDR") or None


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
