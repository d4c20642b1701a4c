"""Filing a complaint, from any channel: the web form, the API, Open311, the 12345 hotline, or staff
registering a call, a letter or a visit. One service checks everything before anything is saved, so a
refused complaint leaves nothing behind; the complainant gets a tracking code and a secret shown once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import actor_label, audit_log
from organizations.models import Organization

from ..choices import STAFF_CHANNELS, Category, Channel, DeadlineKind, EventKind
from ..models import Complainant, Complaint
from . import attachments, common, deadlines

TITLE_MAX, FACTS_MIN, FACTS_MAX = 120, 10, 5000
UNREADABLE = "\ufffd"  # what a decoder puts where bytes were not in the declared encoding


@dataclass
class Filed:
    complaint: Complaint
    secret: str  # shown once, never stored in clear


def _text(data: dict, name: str, errors: dict, *, required: bool, minimum: int = 0, maximum: int) -> str:
    value = data.get(name)
    value = "" if value is None else str(value)
    # Control characters other than line breaks and tabs are not text anyone typed.
    value = "".join(ch for ch in value if ch in "\n\t" or ch >= " ").strip()
    if UNREADABLE in value:
        errors[name] = [_("Part of this text could not be read: send it in UTF-8.")]
    elif required and not value:
        errors[name] = [_("This field is required.")]
    elif value and len(value) < minimum:
        errors[name] = [_("Write at least %(n)d characters.") % {"n": minimum}]
    elif len(value) > maximum:
        errors[name] = [_("At most %(n)d characters.") % {"n": maximum}]
    return value


def _organization(value, errors: dict) -> Organization | None:
    if isinstance(value, Organization):
        organization = value if value.is_active else None
    else:
        try:
            organization = Organization.objects.filter(pk=int(value), is_active=True).first()
        except (TypeError, ValueError):
            organization = None
    if organization is None:
        errors["organization"] = [_("Choose an organization from the list: this one is not on it.")]
    return organization


def _coordinate(value, name: str, limit: int, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[name] = [_("Give a number of degrees.")]
        return None
    if not number.is_finite():
        errors[name] = [_("Give a number of degrees.")]
        return None
    if not -limit <= number <= limit:
        errors[name] = [_("Between -%(n)d and %(n)d degrees.") % {"n": limit}]
        return None
    return number


def clean(data: dict, *, channel: str, today: datetime.date) -> tuple[dict, dict, dict]:
    """(complaint fields, complainant fields or {}, field errors)."""
    errors: dict[str, list[str]] = {}
    category = data.get("category")
    if category not in Category.values:
        errors["category"] = [_("Choose what the complaint is about.")]
    organization = _organization(data.get("organization"), errors)
    fields = {
        "category": category,
        "organization": organization,
        "title": _text(data, "title", errors, required=True, minimum=4, maximum=TITLE_MAX),
        "facts": _text(data, "facts", errors, required=True, minimum=FACTS_MIN, maximum=FACTS_MAX),
        "person_named": _text(data, "person_named", errors, required=False, maximum=60),
        "place": _text(data, "place", errors, required=False, maximum=200),
        "external_reference": _text(data, "external_reference", errors, required=False, maximum=60),
        "latitude": _coordinate(data.get("latitude"), "latitude", 90, errors),
        "longitude": _coordinate(data.get("longitude"), "longitude", 180, errors),
        "anonymous": bool(data.get("anonymous")),
        "consent_to_share": bool(data.get("consent_to_share")),
    }
    happened_on = data.get("happened_on")
    if happened_on in (None, ""):
        happened_on = None
    elif not isinstance(happened_on, datetime.date):
        errors["happened_on"] = [_("Give a date.")]
        happened_on = None
    elif happened_on > today:
        errors["happened_on"] = [_("This date is in the future.")]
    fields["happened_on"] = happened_on
    person = {}
    if not fields["anonymous"]:
        person = {
            "name": _text(data, "name", errors, required=True, maximum=60),
            "phone": _text(data, "phone", errors, required=False, maximum=30),
            "email": _text(data, "email", errors, required=False, maximum=254),
            "address": _text(data, "address", errors, required=False, maximum=200),
        }
        if person["email"] and "email" not in errors:
            try:
                validate_email(person["email"])
            except ValidationError:
                errors["email"] = [_("Enter a valid e-mail address.")]
        if not (person["phone"] or person["email"] or person["address"]) and channel not in STAFF_CHANNELS:
            errors["phone"] = [_("Give a telephone number or an e-mail address, so that the reply reaches you.")]
        if person["phone"] and not all(ch.isdigit() or ch in "+-() " for ch in person["phone"]):
            errors["phone"] = [_("A telephone number has digits only.")]
    else:
        fields["consent_to_share"] = False  # nobody to share
    return fields, person, errors


@transaction.atomic
def complaint_file(
    *, data: dict, channel: str, actor=None, files=(), received_on: datetime.date | None = None
) -> Filed:
    """File a complaint: everything checked first (field errors, nothing saved), then the complaint, its
    complainant, its attachments and the first step of its timeline; the acceptance deadline counted from
    the day of receipt. `actor` is the staff member registering a call/letter/visit, the API client or
    None for the public."""
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("Unknown channel.")]})
    today = timezone.localdate()
    received_on = received_on or today
    fields, person, errors = clean(data, channel=channel, today=today)
    if received_on > today:
        errors["received_on"] = [_("This date is in the future.")]
    checked = attachments.check(files, errors)
    if errors:
        raise ValidationError(errors)
    secret = common.new_secret()
    complaint = Complaint(
        **fields,
        tracking_code=common.new_tracking_code(),
        secret_digest=common.secret_digest(secret),
        channel=channel,
        received_on=received_on,
        received_by_label=actor_label(actor)[:200] if actor is not None else "",
    )
    complaint.accept_due = deadlines.count(complaint, DeadlineKind.ACCEPT, received_on).due
    complaint.save()
    if person:
        Complainant.objects.create(complaint=complaint, **person)
    event = common.add_event(
        complaint, EventKind.FILED, text=_("Received through: %(channel)s") % {"channel": Channel(channel).label}
    )
    attachments.store(complaint, checked, event=event)
    audit_log(
        actor=actor,
        action="complaints.complaint.file",
        target=complaint,
        after={
            "channel": channel,
            "category": complaint.category,
            "organization": complaint.organization_id,
            "anonymous": complaint.anonymous,
            "attachments": len(checked),
        },
    )
    return Filed(complaint=complaint, secret=secret)
