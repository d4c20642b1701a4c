"""Errors under the API's prefix are JSON, whoever answered.

DRF's views answer their own errors in the API's shape. What answers before or around them does not: a URL no
route matches (an id that is not a number, `/api/v1/dishonesty-records/abc/`) reaches the site's HTML 404 page,
an exception outside DRF the HTML 500 page, Django's own checks their HTML 400. Under the API's prefix such an
error becomes `{"detail": "…"}` in the caller's language (this runs inside the locale middleware), with its
status and the headers a client acts on."""

from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from .parsers import RequestTooLarge

_DETAILS = {
    400: exceptions.ParseError.default_detail,
    401: exceptions.NotAuthenticated.default_detail,
    403: exceptions.PermissionDenied.default_detail,
    404: exceptions.NotFound.default_detail,
    405: _("Method not allowed."),
    413: RequestTooLarge.default_detail,
    429: exceptions.Throttled.default_detail,
    500: exceptions.APIException.default_detail,
}
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "Content-Language", "X-Request-ID")


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = getattr(settings, "API_PATH_PREFIX", "/api/")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith(self.prefix) or _is_json(response):
            return response
        return json_error(response)


def _is_json(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")


def json_error(response) -> JsonResponse:
    status = response.status_code
    detail = _DETAILS.get(status)
    if detail is None:
        detail = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else str(status)
    replacement = JsonResponse({"detail": str(detail)}, status=status, json_dumps_params={"ensure_ascii": False})
    for header in _KEPT_HEADERS:
        if header in response:
            replacement[header] = response[header]
    return replacement
