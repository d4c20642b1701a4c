"""What every app's write endpoints share: a token writes for its own organization unless it names
another, and what it names is checked against its scope.

    data = with_own_organization(data, "authority", actor=request.user, organizations=active_organizations)
    require_in_scope(request.user, {"authority": data["authority"]}, actions=[Action.CHANGE], message=…)

The check that counts runs again in the service (core.access.require_in_scope), for every channel;
here it only gives the API caller its field error before any work is done.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError

from ..access import require_in_scope, scope_for

__all__ = ["own_organization", "require_in_scope", "require_some_scope", "with_own_organization"]


def own_organization(actor, organizations):
    """The organization the caller acts for (an API client's, a user's home), within `organizations`
    (the app passes the queryset of bodies one may write for, e.g. the active ones); None if none."""
    organization_id = getattr(actor, "organization_id", None)
    if organization_id is None:
        return None
    return organizations.filter(pk=organization_id).first()


def with_own_organization(data: dict, field: str, *, actor, organizations, required_message: str = "") -> dict:
    """`data` with `field` defaulting to the caller's own organization. Without one: a field error
    when `required_message` is given, else the field stays unset (the service says what is missing)."""
    if data.get(field) is not None:
        return data
    organization = own_organization(actor, organizations)
    if organization is None:
        if required_message:
            raise ValidationError({field: [required_message]})
        return data
    return {**data, field: organization}


def require_some_scope(actor, actions: Iterable[str], *, message: str) -> None:
    """Credentials that may do none of `actions` anywhere (a read-only token) are refused outright."""
    if all(scope_for(actor, action).is_empty for action in actions):
        raise PermissionDenied(message)
