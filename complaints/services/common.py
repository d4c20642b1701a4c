"""What every complaint service shares: codes and secrets, timeline steps, locking."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

from core.audit import actor_label

from ..models import Complaint, ComplaintEvent

# Crockford's base32: no I, L, O or U, so a code read out on the phone is not misheard.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = (5, 5)  # 50 random bits: HZ-XXXXX-XXXXX
SECRET_LENGTH = 10  # another 50 bits, stored only as an HMAC


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_tracking_code() -> str:
    while True:
        code = "HZ-" + "-".join(_random(n) for n in CODE_GROUPS)
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code


def new_secret() -> str:
    return _random(SECRET_LENGTH)


def normalize_code(value: str) -> str:
    """What a person types: lower case, spaces, O for 0, I/L for 1 — read as Crockford does."""
    cleaned = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if cleaned.startswith("HZ"):
        cleaned = cleaned[2:]
    if len(cleaned) != sum(CODE_GROUPS):
        return ""
    return "HZ-" + cleaned[: CODE_GROUPS[0]] + "-" + cleaned[CODE_GROUPS[0] :]


def normalize_secret(value: str) -> str:
    cleaned = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def secret_digest(secret: str) -> str:
    key = (settings.SECRET_KEY + ":complaints.secret").encode()
    return hmac.new(key, normalize_secret(secret).encode(), hashlib.sha256).hexdigest()


def secret_matches(complaint: Complaint, secret: str) -> bool:
    return hmac.compare_digest(complaint.secret_digest, secret_digest(secret))


def add_event(complaint: Complaint, kind: str, *, actor=None, text: str = "", public: bool = True, **details):
    organization = getattr(actor, "organization", None)
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        public=public,
        text=text,
        actor_label=actor_label(actor)[:200] if actor is not None else "",
        organization_name=getattr(organization, "name", "")[:200] if organization is not None else "",
        details={key: value for key, value in details.items() if value not in (None, "")},
    )


def locked(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("organization", "handling_organization", "merged_into")
        .get(pk=complaint.pk)
    )
