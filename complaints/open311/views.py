"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) under /open311/: existing 311 clients and city
systems list the services, file complaints and follow them without custom code.

    /open311/discovery.{json,xml}                 Service Discovery
    /open311/v2/services.{json,xml}               GET Service List (one service per complaints.choices.Category)
    /open311/v2/services/<code>.{json,xml}        GET Service Definition (the `organization` attribute, …)
    /open311/v2/requests.{json,xml}               GET Service Requests / POST Service Request (api_key)
    /open311/v2/requests/<id>.{json,xml}          GET Service Request
    /open311/v2/tokens/<token>.{json,xml}         GET service_request_id from a token

Decisions, where the specification leaves room or where complaints are not potholes:

- `service_request_id` is the complaint's tracking code (HZ-XXXXX-XXXXX), a string.
- Every service is `type: realtime`: POST answers the service_request_id at once, never a token. tokens/<id>
  is still served, as the spec's clients may call it: a token equal to a visible request's id answers that
  id (`[{"service_request_id": id, "token": id}]`), anything else 404.
- `api_key` is an organization's API client token (`manage.py create_api_client ORG --scope write`), checked
  exactly as the REST API checks `Authorization: Token` (organizations.api.authentication); POST needs the
  write scope. The key may come as the form field (spec), the query string, or an `Authorization: Token`
  header.
- PRIVACY, a deviation: the spec has "Requires API Key: No" for GET requests, requests/<id> and tokens/<id>
  and most 311 servers list every request publicly. Our complaints are personal data (a complainant follows
  theirs with the code AND the secret, complaints.services.tracking), so these three need an api_key, and a
  key sees only the complaints filed through Open311 with that key plus those its organization may see by
  the access rule (Complaint.objects.for_user). The `description` (the facts) is returned only for
  complaints the same key filed. The complainant's identity is never in any answer. Without an api_key the
  answer is the spec's 403 error list.
- POST: a `description` is required (the filing service needs the facts) and at most 4,000 characters
  (spec); the title is `attribute[title]` or the description's first 40 characters; no first_name,
  last_name, email or phone means an anonymous complaint; media_url is kept as a line of the facts, never
  fetched; device_id, account_id and address_id are accepted and ignored (account_id answers null). The
  spec's location parameter (lat & long or address_string or address_id) is not enforced: a complaint about
  an organization need not have a place — but lat without long (or the reverse) is a 400, as the spec says
  both go together. The secret that goes with the tracking code is told once, in the POST's
  service_notice, for the client to pass on to the complainant.
- jurisdiction_id: one jurisdiction is served (settings.OPEN311_JURISDICTION_ID, default hangzhou.gov.cn), so
  per the spec it is optional; a different one is "404 - jurisdiction_id provided was not found".
- GET requests: service_request_id (comma list, overrides all others), service_code (comma list),
  start_date / end_date (w3 datetimes, at most 90 days apart; default the most recent 90 days), status
  (open, closed; comma list); at most the 1000 most recent (spec, "Response Volume").
- status is open while received, accepted or under review, closed otherwise; status_notes is the latest
  reply, decline explanation or review answer of a closed complaint; agency_responsible the handling
  organization; expected_datetime the running deadline (acceptance, reply or review) at 23:59:59 Hangzhou
  time of its last day.
- service_name and the other texts speak zh-hans unless `?locale=` / `?language=`, the language cookie or
  Accept-Language asks for English.
- The spec names no success status for POST: 200, as its examples answer.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions as drf_exceptions

from core import ratelimit
from organizations.api.authentication import ApiClientTokenAuthentication
from organizations.choices import ApiScope

from .. import services
from ..choices import OPEN_STATUSES, Category, Channel
from ..models import Complaint
from ..services import filing
from ..services.common import normalize_code
from . import mapping, rendering

DEFAULT_JURISDICTION = "hangzhou.gov.cn"
SPAN = datetime.timedelta(days=90)  # spec, GET Service Requests: "may not span more than 90 days"
MAX_REQUESTS = 1000  # spec, "Response Volume": "first 1000 requests returned"
FILE_RATE = "120/h"  # requests one API client may file (settings.RATE_LIMITS["open311_file"] overrides)


def jurisdiction() -> str:
    return getattr(settings, "OPEN311_JURISDICTION_ID", DEFAULT_JURISDICTION)


# --- the pieces every method shares ------------------------------------------------------------------


class Refused(Exception):
    def __init__(self, status: int, *descriptions: str, retry_after: int | None = None):
        super().__init__(status, descriptions)
        self.status, self.descriptions, self.retry_after = status, descriptions, retry_after


def _chosen_language(request) -> str:
    """`?locale=` first, then what the locale middleware chose from `?language=` / the cookie, else the
    client's Accept-Language (the site's pages ignore it; a 311 client has no other way to ask)."""
    code = request.GET.get("locale", "").strip()
    if code:
        try:
            return translation.get_supported_language_variant(code.replace("_", "-").lower())
        except LookupError:
            pass
    if request.GET.get("language") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return translation.get_language()
    return translation.get_language_from_request(request)


def _check_jurisdiction(request) -> None:
    given = (request.POST if request.method == "POST" else request.GET).get("jurisdiction_id", "").strip()
    given = given or request.GET.get("jurisdiction_id", "").strip()
    if given and given.lower() != jurisdiction().lower():
        raise Refused(404, _("jurisdiction_id provided was not found: %(id)s") % {"id": given[:100]})


def _api_key(request) -> str:
    key = ""
    if request.method == "POST":
        key = request.POST.get("api_key", "")
    key = key or request.GET.get("api_key", "")
    if not key:
        header = request.META.get("HTTP_AUTHORIZATION", "").split()
        if len(header) == 2 and header[0].lower() == "token":
            key = header[1]
    return key.strip()


class _KeyRequest:
    """What the REST API's token check reads from a request: the header carrying the token."""

    def __init__(self, key: str):
        self.META = {"HTTP_AUTHORIZATION": f"Token {key}"}
        self.headers = {"authorization": f"Token {key}"}


def principal_for(request, *, write: bool = False):
    """The API client behind `api_key`, checked as organizations.api.authentication checks a token.
    Spec, "Errors": "403 - Missing or Invalid API Key (specify in error message)"."""
    key = _api_key(request)
    if not key:
        raise Refused(403, _("api_key is missing: this method needs an API key."))
    if not key.isascii() or not key.isprintable() or " " in key or len(key) > 200:
        raise Refused(403, _("Invalid api_key received."))
    try:
        authenticated = ApiClientTokenAuthentication().authenticate(_KeyRequest(key))
    except drf_exceptions.AuthenticationFailed:
        authenticated = None
    if authenticated is None:
        raise Refused(403, _("Invalid api_key received."))
    principal, _client = authenticated
    if write and ApiScope.WRITE not in principal.scopes:
        raise Refused(403, _("This api_key may not file requests: it needs the write scope."))
    return principal


def _own(principal) -> Q:
    """Filed through Open311 with this client's key (complaint_file keeps `api:<name>#<id>` as who registered)."""
    return Q(channel=Channel.OPEN311, received_by_label__startswith="api:") & Q(
        received_by_label__endswith=f"#{principal.client_id}"
    )


def visible(principal):
    """What a key may follow: the access rule's complaints for its organization, and its own filings."""
    own = _own(principal)
    queryset = Complaint.objects.for_user(principal) | Complaint.objects.filter(own)
    return mapping.with_request_fields(queryset).annotate(
        open311_own=Case(When(own, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def _requests(complaints) -> list[dict]:
    return [mapping.request(c, with_description=c.open311_own) for c in complaints]


def open311_view(methods: tuple[str, ...], *, exempt: bool = False):
    """Runs the view in the client's language, answers the spec's error list for every refusal (a wrong
    method, a wrong jurisdiction, a bad key, a body too large) and never a 500 for bad input."""

    def decorate(view):
        def wrapped(request, fmt: str, **kwargs):
            with translation.override(_chosen_language(request)):
                if request.method not in methods:
                    response = rendering.errors(fmt, 405, _("Method not allowed."))
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    _check_jurisdiction(request)
                    return view(request, fmt, **kwargs)
                except Refused as refused:
                    response = rendering.errors(fmt, refused.status, refused.descriptions)
                    if refused.retry_after:
                        response["Retry-After"] = str(refused.retry_after)
                    return response
                except RequestDataTooBig:
                    return rendering.errors(fmt, 413, _("The request is too large."))
                except SuspiciousOperation:
                    return rendering.errors(fmt, 400, _("The request could not be read."))

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return csrf_exempt(wrapped) if exempt else wrapped

    return decorate


READ = ("GET", "HEAD")


# --- Service Discovery ---------------------------------------------------------------------------------


@open311_view(READ)
def discovery(request, fmt):
    """Service Discovery (wiki.open311.org/Service_Discovery): changeset, contact, key_service, endpoints."""
    changeset = getattr(settings, "OPEN311_CHANGESET", "2026-12-03 12:00")
    data = {
        "changeset": changeset,
        "contact": getattr(settings, "OPEN311_CONTACT", "") or _("Write to the portal's operators."),
        "key_service": _(
            "API keys are issued to organizations by the portal's administrators "
            "(manage.py create_api_client ORG --scope write). Requests are filed with api_key; "
            "the organization complained about is the attribute[organization] of every service."
        ),
        "endpoints": [
            {
                "specification": mapping.SPECIFICATION,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return rendering.respond(fmt, "discovery", data)


# --- services ------------------------------------------------------------------------------------------


@open311_view(READ)
def service_list(request, fmt):
    """GET Service List: one service per complaint category; no API key (spec)."""
    return rendering.respond(fmt, "services", mapping.services())


@open311_view(READ)
def service_definition(request, fmt, code):
    """GET Service Definition. Spec: "404 - service_code … provided were not found"."""
    if code not in Category.values:
        raise Refused(404, _("service_code provided was not found: %(code)s") % {"code": code[:60]})
    return rendering.respond(fmt, "service_definition", mapping.service_definition(Category(code)))


# --- requests ------------------------------------------------------------------------------------------


def _file(request, fmt):
    """POST Service Request. Spec errors: "404 - service_code … was not found", "400 - service_code … was not
    provided"; field errors 400, one {code, description} per message."""
    principal = principal_for(request, write=True)
    limit, period = ratelimit.parse_rate(ratelimit.rate_for("open311_file", FILE_RATE))
    counted = ratelimit.hit("open311_file", principal.throttle_ident, limit=limit, period=period)
    if not counted.allowed:
        ratelimit.log_refusal("open311_file", principal.throttle_ident, counted, limit=limit, request=request)
        raise Refused(429, ratelimit.wait_message(counted.retry_after), retry_after=counted.retry_after)
    code = request.POST.get("service_code", "").strip()
    if not code:
        raise Refused(400, _("service_code was not provided."))
    if code not in Category.values:
        raise Refused(404, _("service_code provided was not found: %(code)s") % {"code": code[:60]})
    data, errors = mapping.filing_data(request.POST)
    if errors:  # all the field errors at once: the filing service's own checks too, nothing saved
        errors = {**filing.clean(data, channel=Channel.OPEN311, today=timezone.localdate())[2], **errors}
        if "facts" in errors and not request.POST.get("attribute[title]"):
            errors.pop("title", None)  # the title was the description's start: one error says it
    try:
        filed = services.complaint_file(data=data, channel=Channel.OPEN311, actor=principal) if not errors else None
    except ValidationError as error:
        errors = {**error.message_dict, **errors} if hasattr(error, "error_dict") else {"": error.messages}
    except PermissionDenied as error:
        raise Refused(403, str(error) or _("This api_key may not file requests.")) from error
    if errors:
        raise Refused(400, *mapping.error_descriptions(errors))
    complaint = filed.complaint
    notice = _(
        "Received. Tracking code %(code)s, secret %(secret)s: keep both to follow the complaint on the "
        "portal's tracking page; the secret is told only this once. The decision on acceptance is due "
        "by %(due)s."
    ) % {"code": complaint.tracking_code, "secret": filed.secret, "due": complaint.accept_due.isoformat()}
    body = [{"service_request_id": complaint.tracking_code, "service_notice": notice, "account_id": None}]
    return rendering.respond(fmt, "service_requests", body)


def _moment(name: str, value: str) -> datetime.datetime:
    try:
        moment = parse_datetime(value)
        day = parse_date(value) if moment is None else None
    except ValueError:  # well formed but no such moment (2026-02-30)
        moment = day = None
    if day is not None:
        moment = datetime.datetime.combine(day, datetime.time())
    if moment is None:
        raise Refused(400, _("%(name)s must be a w3 datetime, e.g. 2010-01-01T00:00:00Z.") % {"name": name})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _search(request, fmt):
    """GET Service Requests with its optional arguments (spec): service_request_id overrides all others."""
    principal = principal_for(request)
    queryset = visible(principal)
    ids = _split(request.GET.get("service_request_id", ""))
    if ids:
        codes = [normalize_code(value) for value in ids[:MAX_REQUESTS]]
        queryset = queryset.filter(tracking_code__in=[code for code in codes if code])
    else:
        service_codes = _split(request.GET.get("service_code", ""))
        if service_codes:
            queryset = queryset.filter(category__in=[code for code in service_codes if code in Category.values])
        statuses = {value.lower() for value in _split(request.GET.get("status", ""))}
        if statuses - {"open", "closed"}:
            raise Refused(400, _("status must be open or closed (or both, comma delimited)."))
        if statuses == {"open"}:
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            queryset = queryset.exclude(status__in=OPEN_STATUSES)
        start, end = request.GET.get("start_date", "").strip(), request.GET.get("end_date", "").strip()
        start = _moment("start_date", start) if start else None
        end = _moment("end_date", end) if end else None
        if start and end and end - start > SPAN:
            raise Refused(400, _("start_date and end_date may not span more than 90 days."))
        if start and end and end < start:
            raise Refused(400, _("end_date is before start_date."))
        if start is None and end is None:
            end = timezone.now()
        start = start or end - SPAN
        end = end or start + SPAN
        queryset = queryset.filter(created_at__gte=start, created_at__lte=end)
    complaints = queryset.order_by("-created_at", "-id")[:MAX_REQUESTS]
    return rendering.respond(fmt, "service_requests", _requests(complaints))


@open311_view(("GET", "HEAD", "POST"), exempt=True)
def service_requests(request, fmt):
    """POST Service Request (files a complaint) or GET Service Requests (follows them)."""
    if request.method == "POST":
        return _file(request, fmt)
    return _search(request, fmt)


def _one(request, value: str) -> Complaint:
    principal = principal_for(request)
    code = normalize_code(value)
    complaint = visible(principal).filter(tracking_code=code).first() if code else None
    if complaint is None:
        raise Refused(404, _("service_request_id provided was not found: %(id)s") % {"id": value[:60]})
    return complaint


@open311_view(READ)
def service_request(request, fmt, request_id):
    """GET Service Request: a list of one `request` (spec)."""
    complaint = _one(request, request_id)
    return rendering.respond(fmt, "service_requests", _requests([complaint]))


@open311_view(READ)
def token(request, fmt, token_id):
    """GET service_request_id from a token. Our services are realtime: a token is the request's own id."""
    try:
        complaint = _one(request, token_id)
    except Refused as refused:
        if refused.status == 404:
            raise Refused(404, _("token provided was not found: %(id)s") % {"id": token_id[:60]}) from None
        raise
    body = [{"service_request_id": complaint.tracking_code, "token": token_id}]
    return rendering.respond(fmt, "service_requests", body)


def not_found(request, path=""):
    """Anything else under /open311/: the spec's 404 error list (XML, the spec's required format)."""
    fmt = "json" if path.endswith(".json") else "xml"
    with translation.override(_chosen_language(request)):
        return rendering.errors(fmt, 404, _("No such Open311 resource: see /open311/discovery.xml."))
