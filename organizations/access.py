"""THE access rule: which organizations' records a principal may touch for an action.

A principal is a signed-in `User` (roles from RoleAssignment) or an `ApiPrincipal` (an API client's
scopes). Every queryset in views, the API and exports goes through `<Model>.objects.for_user(...)`,
which asks `scope_for` here (via core.access) and filters by organization tree path.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.access import NO_SCOPE, Scope
from core.choices import Action

from .choices import ApiScope, Role

EXACT, SUBTREE = "exact", "subtree"

# What each role may do, and over which organizations: its own (EXACT) or its jurisdiction (SUBTREE).
ROLE_RULES: dict[str, tuple[frozenset[str], str]] = {
    Role.STAFF: (frozenset({Action.VIEW, Action.CHANGE}), EXACT),
    Role.REVIEWER: (frozenset({Action.VIEW, Action.REVIEW}), EXACT),
    Role.SUPERVISOR: (frozenset({Action.VIEW, Action.SUPERVISE}), SUBTREE),
    Role.PERSONNEL_OFFICER: (frozenset({Action.VIEW, Action.PERSONNEL}), SUBTREE),
    Role.COMPLAINT_INTAKE: (frozenset({Action.VIEW, Action.INTAKE}), SUBTREE),
}
# An API client with only the read scope may view its own organization's records, nothing more.
_READ_ONLY = "api_read"
ROLE_RULES[_READ_ONLY] = (frozenset({Action.VIEW}), EXACT)


def scope_for(principal, action: str) -> Scope:
    if getattr(principal, "is_superuser", False):
        return Scope(everything=True)
    exact: set[str] = set()
    subtree: set[str] = set()
    for role, path in getattr(principal, "grants", ()):
        if role == Role.ADMINISTRATOR:
            return Scope(everything=True)
        if action == Action.SET_CITY_RULES:
            # A district supervisor supervises, but the city's rules are set by the city's own supervisors.
            if role == Role.SUPERVISOR and _is_top_level(path):
                subtree.add(path)
            continue
        actions, reach = ROLE_RULES.get(role, (frozenset(), EXACT))
        if action in actions:
            (subtree if reach == SUBTREE else exact).add(path)
    if not (exact or subtree):
        return NO_SCOPE
    return Scope(exact_paths=frozenset(exact), subtree_paths=frozenset(subtree))


def _is_top_level(path: str) -> bool:
    """The city itself: the root of the organization tree (depth 1), not a district or department in it."""
    from .models import Organization

    return len(path) == Organization.steplen


@dataclass(frozen=True)
class ApiPrincipal:
    """request.user for a call authenticated with an API client's token."""

    client_id: int
    client_name: str
    organization_id: int
    organization_path: str
    scopes: tuple[str, ...]

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    @property
    def grants(self) -> tuple[tuple[str, str], ...]:
        grants = []
        if ApiScope.WRITE in self.scopes:
            grants.append((Role.STAFF, self.organization_path))
        if ApiScope.REVIEW in self.scopes:
            grants.append((Role.REVIEWER, self.organization_path))
        if ApiScope.READ in self.scopes and not grants:
            grants.append((_READ_ONLY, self.organization_path))
        return tuple(grants)

    @property
    def audit_label(self) -> str:
        return f"api:{self.client_name}#{self.client_id}"

    @property
    def principal_key(self) -> str:
        """Who entered a record, for the four-eyes rule (core.principals): the client, not its name."""
        return f"client:{self.client_id}"

    @property
    def throttle_ident(self) -> str:
        return f"client-{self.client_id}"

    def has_role(self, *roles: str) -> bool:
        return any(role in roles for role, _path in self.grants)

    def get_username(self) -> str:
        return self.audit_label

    def __str__(self):
        return self.audit_label
