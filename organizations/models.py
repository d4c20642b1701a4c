from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.access import ScopedQuerySet
from core.identifiers import mask_resident_id, validate_resident_id, validate_uscc
from core.models import TimeStampedModel

from .choices import ApiScope, CivilServantRank, OrganizationKind, OrganizationLevel, Role


class OrganizationQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    scope_path_field = "path"

    def public_q(self):
        return Q(is_active=True)

    def subtree(self, organization: Organization):
        return self.filter(path__startswith=organization.path)


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node, TimeStampedModel):
    """A government body in the city's tree: city → departments; districts → departments → streets.

    The materialized path (treebeard) makes a subtree one indexed prefix query, which is what the
    access rule needs for supervisors' jurisdictions.
    """

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=OrganizationLevel.choices)
    division_code = models.CharField(_("administrative division code"), max_length=12, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    steplen = 4
    objects = OrganizationManager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            models.Index(fields=["kind", "level"], name="org_kind_level_idx"),
            # LIKE 'prefix%' on PostgreSQL needs the pattern operator class unless the collation is C.
            models.Index(fields=["path"], name="org_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    def audit_scope_path(self) -> str:
        return self.path


class User(AbstractUser):
    """A person who signs in. Their home organization is where they work; roles say what they may do where."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    # A civil servant's own account (self-service): reads their own file, signs their pledge, objects in person.
    civil_servant = models.OneToOneField(
        "CivilServant",
        verbose_name=_("civil servant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @cached_property
    def grants(self) -> tuple[tuple[str, str], ...]:
        """(role, organization path) pairs; the access rule's only input besides is_superuser."""
        if not self.is_active or not self.pk:
            return ()
        return tuple(
            self.role_assignments.filter(organization__is_active=True).values_list("role", "organization__path")
        )

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or any(role in roles for role, _path in self.grants)

    def audit_scope_path(self) -> str:
        return self.organization.path if self.organization_id else ""


class RoleAssignment(TimeStampedModel):
    """A role held over an organization: exactly that organization for staff and reviewers, its whole
    subtree for supervisors, personnel officers and complaint intake officers."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization / jurisdiction"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role", "organization"], name="role_assignment_unique")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    def audit_scope_path(self) -> str:
        return self.organization.path


class CivilServantQuerySet(ScopedQuerySet):
    scope_path_field = "organization__path"


class CivilServant(TimeStampedModel):
    """A civil servant as a person. The resident ID is stored whole but never displayed whole:
    `masked_resident_id` everywhere, and `services.civil_servant_reveal_resident_id` (logged) for
    the personnel officers who need it."""

    name = models.CharField(_("name"), max_length=60)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="civil_servants"
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    rank = models.CharField(_("rank"), max_length=30, choices=CivilServantRank.choices, blank=True)
    # 领导职务 (a leading post) is a post, not a 职级: courses for leading cadres are due to these servants.
    is_leading_cadre = models.BooleanField(_("holds a leading post (领导干部)"), default=False)
    # 公务员法 第三十四条: a new entrant's first year is probation; courses for new entrants are due in it.
    entered_service_on = models.DateField(_("entered the civil service on"), null=True, blank=True)
    staff_number = models.CharField(_("staff number"), max_length=30, unique=True)
    resident_id = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_resident_id]
    )
    is_active = models.BooleanField(_("in service"), default=True)

    objects = CivilServantQuerySet.as_manager()
    personal_data_fields = ("resident_id",)  # masked in audit rows; core.personal_data reveals it

    class Meta:
        verbose_name = _("civil servant")
        verbose_name_plural = _("civil servants")
        ordering = ["organization__path", "name"]
        indexes = [models.Index(fields=["organization", "name"], name="civil_servant_org_name_idx")]

    def __str__(self):
        return f"{self.name} ({self.staff_number})"

    @property
    def masked_resident_id(self) -> str:
        return mask_resident_id(self.resident_id)

    def audit_scope_path(self) -> str:
        return self.organization.path


class ApiClientQuerySet(ScopedQuerySet):
    scope_path_field = "organization__path"

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiClient(TimeStampedModel):
    """An external system acting for one organization. Only a SHA-256 of its token is kept."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="api_clients"
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    token_prefix = models.CharField(_("token prefix"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return f"{self.name} ({self.token_prefix}…)"

    def get_scopes_display(self) -> str:
        labels = dict(ApiScope.choices)
        return "、".join(str(labels.get(s, s)) for s in self.scopes)

    def audit_scope_path(self) -> str:
        return self.organization.path
