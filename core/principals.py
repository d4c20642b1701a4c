"""Who acted, as a stable key: the four-eyes rule compares principals, never the names they show.

A principal is a signed-in user ("user:12") or an API client acting for its organization
("client:5"); the system (a sweep, a breached pledge) has no key. Display labels (`actor_label`)
change when a user is renamed and can coincide across principals, so nothing is decided on them.
Core knows no API client: a principal object that is not a user names its own key
(`principal_key`, as organizations.access.ApiPrincipal does).
"""

from __future__ import annotations

from .audit import actor_label, actor_user

PRINCIPAL_KEY_LENGTH = 40


def principal_key(actor) -> str:
    if actor is None:
        return ""
    own = getattr(actor, "principal_key", None)
    if own:
        return str(own)
    user = actor_user(actor)
    return f"user:{user.pk}" if user is not None and user.pk is not None else ""


def creator_fields(actor) -> dict:
    """What every create path (form, API, import, proposal) stores about who entered a record."""
    return {
        "created_by": actor_user(actor),
        "created_by_principal": principal_key(actor),
        "created_by_label": actor_label(actor)[:200],
    }


def stamp_creator(record, actor) -> None:
    for name, value in creator_fields(actor).items():
        setattr(record, name, value)


def entered_by(record, actor) -> bool:
    """Did this principal enter (or propose) the record? Unknown on either side: no."""
    key = principal_key(actor)
    return bool(key) and key == record.created_by_principal
