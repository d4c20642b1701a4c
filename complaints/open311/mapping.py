"""Complaint ↔ Open311 GeoReport v2: services from the categories, a POSTed request into the filing
service's data, a complaint into a `request` — with the field names and types of the specification
(wiki.open311.org/GeoReport_v2, "API methods"), and never the complainant's identity."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Organization

from ..choices import OPEN_STATUSES, Category, EventKind, Status
from ..models import Complaint, ComplaintEvent
from ..services.filing import FACTS_MIN

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DESCRIPTION_MAX = 4000  # spec, POST Service Request: "free form text limited to 4,000 characters"
TITLE_FROM_DESCRIPTION = 40
MEDIA_LINE = "media_url: "

# Spec, GET Service List: `description`, `keywords` ("a comma separated list of tags or keywords …
# synonyms of the service_name and group") and `group` of each service type.
SERVICE_TEXTS = {
    Category.BROKEN_PLEDGE: (
        gettext_lazy("A public pledge or commitment of a government body that was not honoured."),
        "承诺,政务承诺,不兑现,pledge,commitment",
    ),
    Category.CONTRACT_DEFAULT: (
        gettext_lazy("A government body broke a contract: procurement, investment promotion or PPP."),
        "违约,毁约,合同,招商引资,PPP,contract",
    ),
    Category.ARREARS: (
        gettext_lazy("Payments a government body owes to a business are left unpaid."),
        "拖欠,账款,欠款,arrears,payment",
    ),
    Category.COURT_JUDGMENT: (
        gettext_lazy("A government body does not carry out a court judgment in force."),
        "法院,判决,执行,court,judgment",
    ),
    Category.NEW_OFFICIALS: (
        gettext_lazy("New officials refuse to honour what their predecessors committed to."),
        "新官不理旧账,换届,new officials",
    ),
    Category.DISCLOSURE: (
        gettext_lazy("Decisions that must be made public were not published on time."),
        "公示,公开,disclosure",
    ),
    Category.SERVICE_CONDUCT: (
        gettext_lazy("Shirking, delays or improper demands when handling someone's matter."),
        "推诿,拖延,吃拿卡要,conduct,delay",
    ),
    Category.OTHER: (
        gettext_lazy("Any other dishonest conduct of a government body."),
        "其他,政务失信,other",
    ),
}


def service(category: Category) -> dict:
    description, keywords = SERVICE_TEXTS[category]
    return {
        "service_code": category.value,
        "service_name": str(category.label),
        "description": str(description),
        "metadata": True,  # the organization complained about is an attribute (GET Service Definition)
        "type": "realtime",  # spec: "The service request ID will be returned immediately"
        "keywords": keywords,
        "group": _("Government dishonesty"),
    }


def services() -> list[dict]:
    return [service(category) for category in Category]


def _organization_values() -> list[dict] | None:
    """The active organizations as a `singlevaluelist`, unless there are too many for a select box."""
    limit = getattr(settings, "OPEN311_ORGANIZATION_LIST_MAX", 500)
    rows = list(Organization.objects.filter(is_active=True).order_by("path").values_list("pk", "name")[: limit + 1])
    if len(rows) > limit:
        return None
    return [{"key": pk, "name": name} for pk, name in rows]


def service_definition(category: Category) -> dict:
    """Spec, GET Service Definition: `service_code` and its `attributes` (variable, code, datatype, required,
    datatype_description, order, description, values); POSTed back as `attribute[code]=value`."""
    values = _organization_values()
    organization = {
        "variable": True,
        "code": "organization",
        "datatype": "singlevaluelist" if values is not None else "string",
        "required": True,
        "datatype_description": _(
            "The organization's number or its short name, as the portal's organization pages show them."
        ),
        "order": 1,
        "description": _("Which government body is the complaint about?"),
    }
    if values is not None:
        organization["values"] = values
    attributes = [
        organization,
        {
            "variable": True,
            "code": "title",
            "datatype": "string",
            "required": False,
            "datatype_description": _("4 to 120 characters; the start of the description when left out."),
            "order": 2,
            "description": _("A short summary of the complaint."),
        },
        {
            "variable": True,
            "code": "person_named",
            "datatype": "string",
            "required": False,
            "datatype_description": None,
            "order": 3,
            "description": _("The official complained about, if known (name or post)."),
        },
        {
            "variable": True,
            "code": "happened_on",
            "datatype": "datetime",
            "required": False,
            "datatype_description": _("A date, e.g. 2026-09-01."),
            "order": 4,
            "description": _("When did it happen?"),
        },
        {
            "variable": True,
            "code": "consent_to_share",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": None,
            "order": 5,
            "description": _(
                "May the handling organization see the complainant's name and contact details? "
                "Without consent only the intake officers see them."
            ),
            "values": [{"key": "yes", "name": _("Yes")}, {"key": "no", "name": _("No")}],
        },
    ]
    return {"service_code": category.value, "attributes": attributes}


# --- POST Service Request → complaint_file ---------------------------------------------------------------

# The filing service's field names as the Open311 client knows them, for the error descriptions.
PARAMETERS = {
    "category": "service_code",
    "organization": "attribute[organization]",
    "title": "attribute[title]",
    "facts": "description",
    "person_named": "attribute[person_named]",
    "place": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "happened_on": "attribute[happened_on]",
    "name": "first_name",
    "phone": "phone",
    "email": "email",
    "address": "address_string",
    "consent_to_share": "attribute[consent_to_share]",
}

_CJK = re.compile(r"^[\u3400-\u9fff\u00b7]+$")


def _name(first: str, last: str) -> str:
    """A Chinese name is written family name first without a space (张 + 三 = 张三)."""
    if first and last and _CJK.match(first) and _CJK.match(last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def _organization(value: str):
    value = (value or "").strip()
    if value.isdigit():
        return value
    return Organization.objects.filter(short_name=value, is_active=True).values_list("pk", flat=True).first() or value


def _happened_on(value: str, errors: dict):
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is not None:
            return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
        day = parse_date(value)
    except ValueError:  # well formed but no such day (2026-02-30)
        day = None
    if day is None:
        errors.setdefault("happened_on", [_("Give a date.")])
    return day


def _finite(value: str) -> bool:
    try:
        return Decimal(value).is_finite()
    except (InvalidOperation, ValueError):
        return True  # not a number at all: the filing service says so


def filing_data(post) -> tuple[dict, dict[str, list[str]]]:
    """(the data for complaints.services.complaint_file, errors the filing service would not see)."""
    errors: dict[str, list[str]] = {}

    def value(name: str) -> str:
        # No NUL reaches a query (PostgreSQL refuses it); the filing service drops other control characters.
        return (post.get(name) or "").replace("\x00", "").strip()

    description = value("description")
    if not description:
        errors["facts"] = [_("This field is required.")]
    elif len(description) < FACTS_MIN:  # checked here: the media_url line must not make up the length
        errors["facts"] = [_("Write at least %(n)d characters.") % {"n": FACTS_MIN}]
    elif len(description) > DESCRIPTION_MAX:
        errors["facts"] = [_("At most %(n)d characters.") % {"n": DESCRIPTION_MAX}]
    facts = description
    if value("media_url"):
        # Spec: "A URL to media associated with the request"; kept as a line of the facts, never fetched.
        facts = f"{description}\n\n{MEDIA_LINE}{value('media_url')}"
    lat, long = value("lat"), value("long")
    if bool(lat) != bool(long):
        # Spec: "lat & long both need to be sent even though they are sent as two separate parameters."
        errors["latitude" if not lat else "longitude"] = [_("Send lat and long together.")]
    for name, given in (("latitude", lat), ("longitude", long)):
        if given and not _finite(given):
            # NaN / Infinity are numbers to Decimal but no place on earth (and the filing service's range
            # check cannot compare them).
            errors[name] = [_("Give a number of degrees.")]
    title = value("attribute[title]") or " ".join(description.split())[:TITLE_FROM_DESCRIPTION]
    first, last = value("first_name"), value("last_name")
    identity = {
        "name": _name(first, last),
        "phone": value("phone"),
        "email": value("email"),
    }
    consent = value("attribute[consent_to_share]").lower()
    if consent not in ("", "yes", "no"):
        errors["consent_to_share"] = [_("Answer yes or no.")]
    data = {
        "category": value("service_code"),
        "organization": _organization(value("attribute[organization]")),
        "title": title,
        "facts": facts,
        "person_named": value("attribute[person_named]"),
        "place": value("address_string"),
        # What was refused above is not passed on: the filing service's own check runs on the rest.
        "latitude": "" if "latitude" in errors else lat,
        "longitude": "" if "longitude" in errors else long,
        "happened_on": _happened_on(value("attribute[happened_on]"), errors),
        # Spec, POST: the submitter's email, first_name, last_name, phone are optional — none of them
        # means an anonymous complaint.
        "anonymous": not any(identity.values()),
        "consent_to_share": consent == "yes",
        **identity,
    }
    return data, errors


def error_descriptions(message_dict: dict) -> list[str]:
    lines = []
    for field, messages in message_dict.items():
        parameter = PARAMETERS.get(field, field)
        lines.extend(f"{parameter}: {message}" for message in messages)
    return lines


# --- complaint → request ------------------------------------------------------------------------------

NOTE_KINDS = (EventKind.DECLINED, EventKind.REPLIED, EventKind.REVIEWED)


def with_request_fields(queryset):
    """The complaints with what a `request` shows, in the one query: the latest public explanation of a
    closing step and the time of the latest public step."""
    public = ComplaintEvent.objects.filter(complaint=OuterRef("pk"), public=True).order_by("-id")
    return queryset.select_related("handling_organization").annotate(
        open311_notes=Subquery(public.filter(kind__in=NOTE_KINDS).values("text")[:1]),
        open311_updated=Subquery(public.values("at")[:1]),
    )


def w3(moment: datetime.datetime | None) -> str | None:
    """Spec, "Date/time format": ISO 8601 (w3 note) with the offset: 2026-07-01T10:00:00+08:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _end_of(day: datetime.date | None) -> str | None:
    if day is None:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone).isoformat(timespec="seconds")


def open311_status(complaint: Complaint) -> str:
    # Spec: "open: it has been reported. closed: it has been resolved."
    return "open" if complaint.status in OPEN_STATUSES else "closed"


def expected(complaint: Complaint) -> str | None:
    """The deadline running now, at the end of its day (Hangzhou time); none once closed."""
    due = {
        Status.RECEIVED: complaint.accept_due,
        Status.ACCEPTED: complaint.handle_due,
        Status.REVIEW_REQUESTED: complaint.review_due,
    }.get(complaint.status)
    return _end_of(due)


def _number(value) -> float | None:
    return None if value is None else float(value)


def request(complaint: Complaint, *, with_description: bool) -> dict:
    """Spec, GET Service Request(s) "Response", in its order. No complainant identity in any field; the
    description (the facts as written) only for the client that filed the complaint."""
    closed = open311_status(complaint) == "closed"
    notes = getattr(complaint, "open311_notes", None) if closed else None
    if closed and not notes:
        notes = str(Status(complaint.status).label)
    handler = complaint.handling_organization
    updated = getattr(complaint, "open311_updated", None) or complaint.created_at
    return {
        "service_request_id": complaint.tracking_code,
        "status": open311_status(complaint),
        "status_notes": notes or None,
        "service_name": str(Category(complaint.category).label),
        "service_code": complaint.category,
        "description": complaint.facts if with_description else None,
        "agency_responsible": handler.name if handler is not None else None,
        "service_notice": str(Status(complaint.status).label),
        "requested_datetime": w3(complaint.created_at),
        "updated_datetime": w3(updated),
        "expected_datetime": expected(complaint),
        "address": complaint.place or None,
        "address_id": None,
        "zipcode": None,
        "lat": _number(complaint.latitude),
        "long": _number(complaint.longitude),
        "media_url": None,
    }
