"""Who may open a civil servant's credit file — the one rule, read by pages, the API and the services.

- personnel officers (组织人事) whose PERSONNEL scope covers the servant's organization;
- a user (a supervisor) holding a live grant — not expired, not revoked — naming the servant, or naming an
  organization whose subtree holds the servant's;
- the servant themself, read-only, through their own account (`user.civil_servant_id`).

Nobody else: the file is absent for them (404), exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone

from core.access import scope_for
from core.choices import Action
from organizations.models import CivilServant

from .models import FileAccessGrant

PERSONNEL, GRANT, OWN = "personnel", "grant", "own"


@dataclass(frozen=True)
class FileAccess:
    """Why this user may open this file: as its personnel officer, under a grant, or as its subject."""

    kind: str
    grant: FileAccessGrant | None = None

    @property
    def read_only(self) -> bool:
        return self.kind != PERSONNEL


def live_grants(user):
    """The user's grants in force now (unexpired, unrevoked), newest first."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return FileAccessGrant.objects.none()
    return (
        FileAccessGrant.objects.filter(grantee_id=user.pk, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("organization")
        .order_by("-id")
    )


def grant_covers(grant: FileAccessGrant, civil_servant: CivilServant) -> bool:
    if grant.civil_servant_id is not None:
        return grant.civil_servant_id == civil_servant.pk
    return civil_servant.organization.path.startswith(grant.organization.path)


def grant_for(user, civil_servant: CivilServant, *, purpose: str | None = None) -> FileAccessGrant | None:
    """A live grant of the user covering the servant — one for `purpose` when there is one."""
    covering = [grant for grant in live_grants(user) if grant_covers(grant, civil_servant)]
    if purpose is not None:
        for grant in covering:
            if grant.purpose == purpose:
                return grant
    return covering[0] if covering else None


def is_personnel_officer_of(user, civil_servant: CivilServant) -> bool:
    return scope_for(user, Action.PERSONNEL).covers(civil_servant.organization.path)


def file_access(user, civil_servant: CivilServant, *, purpose: str | None = None) -> FileAccess | None:
    """How `user` may open the file, or None: then it is not there for them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if is_personnel_officer_of(user, civil_servant):
        return FileAccess(PERSONNEL)
    grant = grant_for(user, civil_servant, purpose=purpose)
    if grant is not None:
        return FileAccess(GRANT, grant)
    if getattr(user, "civil_servant_id", None) == civil_servant.pk:
        return FileAccess(OWN)
    return None


def openable_civil_servants(user):
    """The servants whose files the user may open as staff: their personnel scope, and their live grants."""
    people = CivilServant.objects.all()
    if not getattr(user, "is_authenticated", False):
        return people.none()
    scope = scope_for(user, Action.PERSONNEL)
    if scope.everything:
        return people
    parts = []
    if not scope.is_empty:
        parts.append(scope.q("organization__path"))
    for grant in live_grants(user):
        if grant.civil_servant_id is not None:
            parts.append(Q(pk=grant.civil_servant_id))
        else:
            parts.append(Q(organization__path__startswith=grant.organization.path))
    if not parts:
        return people.none()
    return people.filter(reduce(or_, parts))
