from django.db import models
from django.utils.translation import gettext_lazy as _

from core.imports import choices as import_choices


class SubjectKind(models.TextChoices):
    """行政相对人类别."""

    LEGAL_PERSON = "legal_person", _("Legal person or unincorporated organization")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    NATURAL_PERSON = "natural_person", _("Natural person")


class IdType(models.TextChoices):
    """证件类型 of a natural person or a legal representative."""

    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO_PERMIT = "hk_macao_permit", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    FOREIGN_RESIDENCE = "foreign_residence", _("Foreigner's permanent residence ID card")
    OTHER = "other", _("Other")


class PenaltyKind(models.TextChoices):
    """处罚类别 (Administrative Penalty Law 2021, art. 9)."""

    WARNING = "warning", _("Warning")
    PUBLIC_CRITICISM = "public_criticism", _("Public criticism")
    FINE = "fine", _("Fine")
    CONFISCATION_OF_ILLEGAL_GAINS = "confiscation_of_illegal_gains", _("Confiscation of illegal gains")
    CONFISCATION_OF_ILLEGAL_PROPERTY = "confiscation_of_illegal_property", _("Confiscation of illegal property")
    LICENSE_SUSPENSION = "license_suspension", _("Suspension of permits")
    QUALIFICATION_DOWNGRADE = "qualification_downgrade", _("Downgrade of qualification")
    LICENSE_REVOCATION = "license_revocation", _("Revocation of permits")
    BUSINESS_RESTRICTION = "business_restriction", _("Restriction of business activities")
    PRODUCTION_SUSPENSION = "production_suspension", _("Order to suspend production or business")
    CLOSURE = "closure", _("Order to close")
    PRACTICE_RESTRICTION = "practice_restriction", _("Restriction of practice")
    DETENTION = "detention", _("Administrative detention")
    OTHER = "other", _("Other")


# Penalty kinds that confiscate money: the amount (万元) is then required.
CONFISCATION_KINDS = frozenset(
    {PenaltyKind.CONFISCATION_OF_ILLEGAL_GAINS, PenaltyKind.CONFISCATION_OF_ILLEGAL_PROPERTY}
)
# Penalty kinds that act on a licence: its name and number (CF_NR_ZKDX) are then required.
LICENSE_KINDS = frozenset({PenaltyKind.LICENSE_SUSPENSION, PenaltyKind.LICENSE_REVOCATION})


class SafetyDomain(models.TextChoices):
    """Domains whose penalties stay public for at least a year under the credit-repair rules."""

    NONE = "", _("None")
    SPECIAL_EQUIPMENT = "special_equipment", _("Special equipment")
    WORK_SAFETY = "work_safety", _("Work safety")
    FIRE_SAFETY = "fire_safety", _("Fire safety")


class LicenseCategory(models.TextChoices):
    """许可类别."""

    ORDINARY = "ordinary", _("Ordinary")
    FRANCHISE = "franchise", _("Franchise")
    RECOGNITION = "recognition", _("Recognition")
    APPROVAL = "approval", _("Approval")
    REGISTRATION = "registration", _("Registration")
    OTHER = "other", _("Other")


class LicenseState(models.TextChoices):
    """当前状态 of a licence."""

    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")


# The job states every import shares (core.imports); named here too for the app's own code.
ImportStatus = import_choices.ImportStatus


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: import only if every row is valid")
    ACCEPT_VALID = "accept_valid", _("Import the valid rows, report the others")
