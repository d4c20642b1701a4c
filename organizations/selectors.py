from django.db.models import Q

from .choices import Role
from .models import Organization, User


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
