"""Every write to organizations, people, roles and API clients. Atomic, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log, diff, snapshot
from core.personal_data import reveal

from .choices import ApiScope, Role
from .models import ApiClient, CivilServant, Organization, RoleAssignment, User
from .tokens import hash_token, new_token

ORGANIZATION_FIELDS = ("name", "short_name", "uscc", "kind", "level", "division_code", "is_active")
CIVIL_SERVANT_FIELDS = (
    "name",
    "organization_id",
    "position",
    "rank",
    "is_leading_cadre",
    "entered_service_on",
    "staff_number",
    "is_active",
)


def _validated(instance, *, exclude=()):
    instance.full_clean(exclude=list(exclude))
    return instance


@transaction.atomic
def organization_create(*, parent: Organization | None, actor, **fields) -> Organization:
    fields.setdefault("uscc", None)
    candidate = _validated(Organization(**fields), exclude=("path", "depth", "numchild"))
    if parent is None:
        organization = Organization.objects.add_root(instance=candidate)
    else:
        organization = Organization.objects.add_child(parent, instance=candidate)
    audit_log(
        actor=actor,
        action="organization.create",
        target=organization,
        after=snapshot(organization, ORGANIZATION_FIELDS),
    )
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, actor, **fields) -> Organization:
    # The "before" comes from the database: a bound ModelForm may already have changed the instance.
    before = snapshot(Organization.objects.select_for_update().get(pk=organization.pk), ORGANIZATION_FIELDS)
    for name, value in fields.items():
        if name not in ORGANIZATION_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(organization, name, value)
    _validated(organization, exclude=("path", "depth", "numchild"))
    organization.save()
    changed_before, changed_after = diff(before, snapshot(organization, ORGANIZATION_FIELDS))
    if changed_after:
        audit_log(
            actor=actor, action="organization.update", target=organization, before=changed_before, after=changed_after
        )
    return organization


@transaction.atomic
def civil_servant_create(*, actor, **fields) -> CivilServant:
    civil_servant = _validated(CivilServant(**fields))
    civil_servant.save()
    audit_log(
        actor=actor,
        action="civil_servant.create",
        target=civil_servant,
        after={**snapshot(civil_servant, CIVIL_SERVANT_FIELDS), "resident_id": civil_servant.masked_resident_id},
    )
    return civil_servant


@transaction.atomic
def civil_servant_update(
    *, civil_servant: CivilServant, actor, resident_id: str | None = None, **fields
) -> CivilServant:
    """Update a file. `resident_id` None or "" keeps the stored number (forms never echo it back)."""
    stored = CivilServant.objects.select_for_update().get(pk=civil_servant.pk)
    before = {**snapshot(stored, CIVIL_SERVANT_FIELDS), "resident_id": stored.masked_resident_id}
    for name, value in fields.items():
        if name not in CIVIL_SERVANT_FIELDS and name != "organization":
            raise ValueError(f"{name} cannot be changed here")
        setattr(civil_servant, name, value)
    if resident_id:
        civil_servant.resident_id = resident_id
    _validated(civil_servant)
    civil_servant.save()
    after = {**snapshot(civil_servant, CIVIL_SERVANT_FIELDS), "resident_id": civil_servant.masked_resident_id}
    changed_before, changed_after = diff(before, after)
    if changed_after:
        audit_log(
            actor=actor, action="civil_servant.update", target=civil_servant, before=changed_before, after=changed_after
        )
    return civil_servant


def civil_servant_reveal_resident_id(*, civil_servant: CivilServant, actor, reason: str) -> str:
    """The whole ID number, for a personnel officer, with a reason; every call leaves an audit row."""
    revealed = reveal(target=civil_servant, actor=actor, reason=reason, action="civil_servant.reveal_resident_id")
    return revealed["resident_id"]


@transaction.atomic
def role_grant(*, user: User, role: str, organization: Organization, actor) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        organization=organization,
        defaults={"granted_by": actor if isinstance(actor, User) else None},
    )
    if created:
        audit_log(
            actor=actor,
            action="role.grant",
            target=assignment,
            after={"user": user.pk, "role": role, "organization": organization.pk},
        )
    user.__dict__.pop("grants", None)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor) -> None:
    audit_log(
        actor=actor,
        action="role.revoke",
        target=assignment,
        before={"user": assignment.user_id, "role": assignment.role, "organization": assignment.organization_id},
    )
    assignment.delete()
    assignment.user.__dict__.pop("grants", None)


@transaction.atomic
def api_client_create(*, organization: Organization, name: str, scopes: list[str], actor) -> tuple[ApiClient, str]:
    """Returns the client and its token. The token is shown once; only its hash is stored."""
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if not scopes or unknown:
        raise ValidationError({"scopes": _("Choose scopes from: %(scopes)s.") % {"scopes": ", ".join(ApiScope.values)}})
    token = new_token()
    client = ApiClient(
        organization=organization,
        name=name.strip() or organization.short_name,
        scopes=sorted(set(scopes)),
        token_prefix=token[:10],
        token_hash=hash_token(token),
        created_by=actor if isinstance(actor, User) else None,
    )
    _validated(client)
    client.save()
    audit_log(
        actor=actor, action="api_client.create", target=client, after={"name": client.name, "scopes": client.scopes}
    )
    return client, token


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor) -> ApiClient:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at", "updated_at"])
        audit_log(actor=actor, action="api_client.revoke", target=client)
    return client
