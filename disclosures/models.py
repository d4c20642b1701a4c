import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.identifiers import mask_identifier, mask_resident_id
from core.imports.models import ImportJobBase
from core.models import TimeStampedModel
from core.publication import PublicationQuerySet, PublicationStatus, PublishableRecord
from organizations.models import Organization

from .choices import (
    IdType,
    ImportMode,
    LicenseCategory,
    LicenseState,
    SafetyDomain,
    SubjectKind,
)

LONG_TERM = datetime.date(2099, 12, 31)  # XK_YXQZI: 2099-12-31 means 长期 (no expiry)


class DisclosureQuerySet(PublicationQuerySet):
    scope_path_field = "authority__path"


class Disclosure(PublishableRecord, TimeStampedModel):
    """What licences and penalties share: the subject (行政相对人), the decision and who made it."""

    subject_name = models.CharField(_("subject name"), max_length=200)
    subject_kind = models.CharField(_("subject kind"), max_length=20, choices=SubjectKind.choices)
    subject_uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    business_registration_number = models.CharField(_("business registration number"), max_length=50, blank=True)
    organization_code = models.CharField(_("organization code"), max_length=20, blank=True)
    tax_registration_number = models.CharField(_("tax registration number"), max_length=30, blank=True)
    public_institution_number = models.CharField(_("public institution certificate number"), max_length=30, blank=True)
    social_organization_number = models.CharField(
        _("social organization registration number"), max_length=50, blank=True
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    legal_representative_id_type = models.CharField(
        _("legal representative's ID type"), max_length=20, choices=IdType.choices, blank=True
    )
    legal_representative_id_number = models.CharField(_("legal representative's ID number"), max_length=30, blank=True)
    subject_id_type = models.CharField(_("ID type"), max_length=20, choices=IdType.choices, blank=True)
    subject_id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100)
    decided_on = models.DateField(_("decision date"))
    # No single-column FK indexes where nothing filters by them alone: (authority, status, -id) covers
    # the authority, and organizations, users and import jobs are deactivated, never deleted. Each
    # index skipped is one less to maintain per row on a table of millions fed by bulk imports.
    authority = models.ForeignKey(
        Organization, verbose_name=_("deciding authority"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    data_source = models.ForeignKey(
        Organization, verbose_name=_("data source"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The deciding authority and the data source as they were named when the record was published:
    # the decision was taken under that name, and what was published (the national push, the ledger's
    # documents, the public pages) must not change when an organization is later renamed or re-coded.
    authority_name = models.CharField(
        _("deciding authority (as published)"), max_length=100, blank=True, editable=False
    )
    authority_uscc = models.CharField(
        _("deciding authority's credit code (as published)"), max_length=18, blank=True, editable=False
    )
    data_source_name = models.CharField(_("data source (as published)"), max_length=100, blank=True, editable=False)
    data_source_uscc = models.CharField(
        _("data source's credit code (as published)"), max_length=18, blank=True, editable=False
    )
    remarks = models.TextField(_("remarks"), blank=True)
    # Unigrams and bigrams of the subject name, space-separated: on PostgreSQL a GIN index over
    # array_to_tsvector() makes 1–4 character Chinese name searches fast (pg_trgm cannot: it needs 3).
    subject_grams = models.TextField(editable=False, blank=True)
    import_job = models.ForeignKey(
        "ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False, db_index=False
    )

    objects = DisclosureQuerySet.as_manager()
    # Natural persons' ID numbers: masked in audit rows, forms, API and exports; shown whole only by
    # services.disclosure_reveal_id_number (a stated reason, an audit row).
    personal_data_fields = ("subject_id_number", "legal_representative_id_number")

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.decision_number} · {self.subject_name}"

    def snapshot_organizations(self) -> list[str]:
        """Fix the organizations' names and codes as published now; returns the fields it set."""
        self.authority_name, self.authority_uscc = self.authority.name, self.authority.uscc or ""
        self.data_source_name, self.data_source_uscc = self.data_source.name, self.data_source.uscc or ""
        return ["authority_name", "authority_uscc", "data_source_name", "data_source_uscc"]

    @property
    def authority_display_name(self) -> str:
        return self.authority_name or self.authority.name

    @staticmethod
    def display_name(name_as_published: str, name_now: str) -> str:
        """`authority_display_name` from the two columns (for lists read without model instances)."""
        return name_as_published or name_now

    # __str__ in SQL, for the audit rows that set-based paths write inside PostgreSQL.
    audit_repr_sql = "decision_number || ' · ' || subject_name"

    @property
    def masked_subject_id_number(self) -> str:
        return mask_id_number(self.subject_id_type, self.subject_id_number)

    @property
    def masked_legal_representative_id_number(self) -> str:
        return mask_id_number(self.legal_representative_id_type, self.legal_representative_id_number)

    def audit_scope_path(self) -> str:
        return self.authority.path


def mask_id_number(id_type: str, number: str) -> str:
    if number and id_type == IdType.RESIDENT_ID:
        return mask_resident_id(number)
    return mask_identifier(number)


def _common_indexes(prefix: str):
    return [
        # Public lists: newest first among published records (keyset on id).
        models.Index(fields=["-id"], condition=Q(status=PublicationStatus.PUBLISHED), name=f"{prefix}_public_idx"),
        # Newest publications (home page, Atom feed) and "published this month": by publication time,
        # which is not entry order (drafts wait, imports publish old decisions).
        models.Index(
            fields=["-published_at", "-id"],
            condition=Q(status=PublicationStatus.PUBLISHED),
            name=f"{prefix}_published_at_idx",
        ),
        models.Index(fields=["authority", "status", "-id"], name=f"{prefix}_authority_idx"),
        models.Index(fields=["subject_uscc", "-id"], name=f"{prefix}_uscc_idx"),
        models.Index(fields=["decided_on", "-id"], name=f"{prefix}_decided_idx"),
        models.Index(fields=["status", "publish_deadline"], name=f"{prefix}_deadline_idx"),
        # The few deadlines counted by weekends only, recounted when their year's holidays arrive.
        models.Index(
            fields=["publish_deadline"], condition=Q(deadline_provisional=True), name=f"{prefix}_provisional_idx"
        ),
        models.Index(fields=["status", "publicity_ends_on"], name=f"{prefix}_publicity_idx"),
    ]


class PenaltyDisclosure(Disclosure):
    """行政处罚 disclosure."""

    violation_type = models.CharField(_("type of violation"), max_length=200)
    violation_facts = models.TextField(_("facts of the violation"))
    legal_basis = models.TextField(_("legal basis"))
    penalty_kinds = models.JSONField(_("penalty kinds"), default=list)
    penalty_content = models.TextField(_("penalty content"))
    fine_amount = models.DecimalField(_("fine (10,000 yuan)"), max_digits=14, decimal_places=6, null=True, blank=True)
    confiscated_amount = models.DecimalField(
        _("confiscated amount (10,000 yuan)"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    suspended_license = models.CharField(_("suspended or revoked permit (name and number)"), max_length=200, blank=True)
    penalty_valid_until = models.DateField(_("penalty valid until"), null=True, blank=True)
    safety_domain = models.CharField(
        _("safety domain"), max_length=20, choices=SafetyDomain.choices, blank=True, default=SafetyDomain.NONE
    )

    class Meta:
        verbose_name = _("penalty disclosure")
        verbose_name_plural = _("penalty disclosures")
        indexes = _common_indexes("penalty")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "decision_number"],
                condition=~Q(status=PublicationStatus.WITHDRAWN),
                name="penalty_decision_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(fine_amount__gte=0) | Q(fine_amount__isnull=True), name="penalty_fine_positive"
            ),
        ]

    record_type = "disclosures.penalty"


class LicenseDisclosure(Disclosure):
    """行政许可 disclosure."""

    decision_document_name = models.CharField(_("decision document name"), max_length=200)
    license_category = models.CharField(_("licence category"), max_length=20, choices=LicenseCategory.choices)
    certificate_name = models.CharField(_("certificate name"), max_length=200, blank=True)
    license_number = models.CharField(_("licence number"), max_length=100, blank=True)
    content = models.TextField(_("licence content"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("2099-12-31 means long-term."))
    license_state = models.CharField(
        _("current state"), max_length=10, choices=LicenseState.choices, default=LicenseState.VALID
    )

    class Meta:
        verbose_name = _("licence disclosure")
        verbose_name_plural = _("licence disclosures")
        indexes = _common_indexes("license")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "decision_number"],
                condition=~Q(status=PublicationStatus.WITHDRAWN),
                name="license_decision_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="license_validity_ordered",
            ),
        ]

    record_type = "disclosures.license"

    @property
    def is_long_term(self) -> bool:
        return self.valid_until == LONG_TERM


class ImportJobQuerySet(ScopedQuerySet):
    scope_path_field = "organization__path"


class ImportJob(ImportJobBase):
    """One uploaded CSV/XLSX file of licences or penalties (the stored fields and states: core.imports)."""

    kind = models.CharField(_("kind"), max_length=10, choices=[("penalty", _("Penalties")), ("license", _("Licences"))])
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("mode"), max_length=20, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]
