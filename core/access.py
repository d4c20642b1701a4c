"""The one access rule, seen from core.

Every queryset shown to a person or an API client goes through `for_user(principal, action)`.
Core does not know what an organization or a role is: it asks the resolver named by
`settings.ACCESS_SCOPE_RESOLVER` (organizations.access.scope_for) for a `Scope` — a set of
organization tree paths — and filters the model's `scope_path_field` with it. Anything outside the
scope is simply absent, so a detail view over `for_user(...)` answers 404 exactly like a missing row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.module_loading import import_string

from .choices import Action


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    # Organizations whose own records are in scope (tree paths, matched exactly).
    exact_paths: frozenset[str] = field(default_factory=frozenset)
    # Organizations whose whole subtree is in scope (tree paths, matched as prefixes).
    subtree_paths: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.exact_paths or self.subtree_paths)

    def q(self, path_field: str) -> models.Q | None:
        """A filter on `path_field`, or None for "no restriction"."""
        if self.everything:
            return None
        subtrees = _minimal_prefixes(self.subtree_paths)
        exact = {p for p in self.exact_paths if not any(p.startswith(s) for s in subtrees)}
        parts = [models.Q(**{f"{path_field}__startswith": p}) for p in sorted(subtrees)]
        if exact:
            parts.append(models.Q(**{f"{path_field}__in": sorted(exact)}))
        if not parts:
            return models.Q(pk__in=[])
        return reduce(or_, parts)

    def covers(self, path: str) -> bool:
        return (
            self.everything or path in self.exact_paths or any(path.startswith(prefix) for prefix in self.subtree_paths)
        )


NO_SCOPE = Scope()


@cache
def _resolver():
    return import_string(settings.ACCESS_SCOPE_RESOLVER)


def scope_for(principal, action: str = Action.VIEW) -> Scope:
    if principal is None or not getattr(principal, "is_authenticated", False):
        return NO_SCOPE
    return _resolver()(principal, action)


def may_set_city_rules(principal) -> bool:
    """City-wide rules (publicity periods …) are changed by the city's supervisors and administrators only."""
    return not scope_for(principal, Action.SET_CITY_RULES).is_empty


class ScopedQuerySet(models.QuerySet):
    """Base for every queryset that people or API clients read.

    Subclasses name `scope_path_field` (e.g. "authority__path") and may override `public_q()` with
    what anonymous visitors may read (a Q, so that it can be OR-ed with a staff scope in one query).
    """

    scope_path_field: str = ""

    def public_q(self) -> models.Q | None:
        return None

    def public(self):
        condition = self.public_q()
        return self.none() if condition is None else self.filter(condition)

    def in_scope(self, principal, action: str = Action.VIEW):
        """Only what the principal's roles reach, without the public part (staff work lists)."""
        scope = scope_for(principal, action)
        if scope.everything:
            return self.all()
        return self.none() if scope.is_empty else self.filter(scope.q(self.scope_path_field))

    def for_user(self, principal, action: str = Action.VIEW):
        scope = scope_for(principal, action)
        if scope.everything:
            return self.all()
        public_q = self.public_q() if action == Action.VIEW else None
        if scope.is_empty:
            return self.none() if public_q is None else self.filter(public_q)
        condition = scope.q(self.scope_path_field)
        return self.filter(condition if public_q is None else condition | public_q)


def _minimal_prefixes(paths) -> set[str]:
    result: set[str] = set()
    for path in sorted(paths, key=len):
        if not any(path.startswith(p) for p in result):
            result.add(path)
    return result


def require_in_scope(principal, organizations: Mapping[str, object], *, actions: Iterable[str], message: str) -> None:
    """Every organization a write names (`{"authority": …, "data_source": …}`) must lie within the
    principal's scope for one of `actions`; each one outside is a field error. Services call this on
    every write path, so that no channel (form, API, import, correction) can name another body. The
    system itself (principal None: a command, a seed, a sweep) acts for no one and is not limited."""
    if principal is None:
        return
    scopes = [scope_for(principal, action) for action in actions]
    errors = {
        name: [message]
        for name, organization in organizations.items()
        if organization is not None and not any(scope.covers(organization.path) for scope in scopes)
    }
    if errors:
        raise ValidationError(errors)
