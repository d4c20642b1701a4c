from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from .choices import Role
from .models import Organization, User

# The active organizations in tree order, for the filters of the public lists (asked on every list
# request). Dropped whenever an organization is saved or deleted (apps.py); the timeout bounds what a
# write that bypasses save() (a queryset update, a tree move) can leave stale.
_ACTIVE_TREE_KEY = "organizations:active-tree:v1"
ACTIVE_TREE_SECONDS = 300


def administrators():
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role_assignments__role=Role.ADMINISTRATOR))
        .distinct()
    )


def ledger_alert_recipients():
    """Who hears that the publication ledger does not verify: administrators and the supervisors of the
    top-level organizations (city level), whose jurisdiction is every record in the ledger."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(role_assignments__role=Role.ADMINISTRATOR)
            | Q(
                role_assignments__role=Role.SUPERVISOR,
                role_assignments__organization__depth=1,
                role_assignments__organization__is_active=True,
            )
        )
        .distinct()
    )


def supervisors_over(organization: Organization):
    """Active supervisors whose jurisdiction contains `organization`."""
    ancestor_paths = [organization.path[: i * Organization.steplen] for i in range(1, organization.depth + 1)]
    return User.objects.filter(
        is_active=True,
        role_assignments__role=Role.SUPERVISOR,
        role_assignments__organization__path__in=ancestor_paths,
    ).distinct()


def users_with_role(organization: Organization, role: str):
    return User.objects.filter(
        is_active=True, role_assignments__role=role, role_assignments__organization=organization
    ).distinct()


def resolve_organization(reference: str) -> Organization | None:
    """An organization by id, short name or USCC (what operators type on the command line)."""
    reference = reference.strip()
    lookup = Q(short_name=reference) | Q(uscc=reference.upper())
    if reference.isdigit():
        lookup |= Q(pk=int(reference))
    return Organization.objects.filter(lookup).first()


def active_tree(kinds=None) -> list[tuple[int, str, int]]:
    """(id, name, depth) of every active organization in tree order, optionally of some kinds only."""
    rows = cache.get(_ACTIVE_TREE_KEY)
    if rows is None:
        rows = list(Organization.objects.public().order_by("path").values_list("id", "name", "depth", "kind"))
        cache.set(_ACTIVE_TREE_KEY, rows, ACTIVE_TREE_SECONDS)
    wanted = None if kinds is None else set(kinds)
    return [(pk, name, depth) for pk, name, depth, kind in rows if wanted is None or kind in wanted]


def forget_active_tree(**_signal) -> None:
    cache.delete(_ACTIVE_TREE_KEY)
    # A request between the write and its commit may have cached the old tree again.
    transaction.on_commit(lambda: cache.delete(_ACTIVE_TREE_KEY))
