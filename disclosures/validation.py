"""ONE validation of a disclosure, shared by the staff form, the API and the bulk import.

`validate(kind, data)` takes python values (already parsed) and returns the cleaned data and a dict
of field → messages, in the active language. It never touches the database except for the
uniqueness check of the decision number, which bulk callers do themselves in one query.
"""

from __future__ import annotations

import decimal
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.identifiers import validate_resident_id, validate_uscc
from core.publication import PublicationStatus

from .choices import CONFISCATION_KINDS, LICENSE_KINDS, IdType, PenaltyKind, SubjectKind

PENALTY_KIND_VALUES = frozenset(PenaltyKind.values)
# The most a fine may plausibly be, in 万元 (10 billion yuan): more means yuan were typed as 万元.
MAX_AMOUNT = decimal.Decimal("1000000")
ORGANIZATION_NUMBER_FIELDS = (
    "business_registration_number",
    "organization_code",
    "tax_registration_number",
    "public_institution_number",
    "social_organization_number",
)
TEXT_FIELDS = {
    "penalty": (
        "subject_name",
        "decision_number",
        "violation_type",
        "violation_facts",
        "legal_basis",
        "penalty_content",
    ),
    "license": ("subject_name", "decision_number", "decision_document_name"),
}
REQUIRED = {
    "penalty": (
        "subject_name",
        "subject_kind",
        "decision_number",
        "violation_type",
        "violation_facts",
        "legal_basis",
        "penalty_kinds",
        "penalty_content",
        "decided_on",
        "authority",
        "data_source",
    ),
    "license": (
        "subject_name",
        "subject_kind",
        "decision_document_name",
        "decision_number",
        "license_category",
        "decided_on",
        "authority",
        "data_source",
    ),
}


class Errors(defaultdict):
    def __init__(self):
        super().__init__(list)

    def add(self, field: str, message: str) -> None:
        if message not in self[field]:
            self[field].append(message)


def validate(
    kind: str, data: dict, *, instance=None, check_unique: bool = True, today=None, stripped: bool = False
) -> tuple[dict, dict]:
    """`stripped`: the caller's strings have no surrounding spaces already (the bulk import's cells)."""
    data = dict(data) if stripped else {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    errors = Errors()
    today = today or timezone.localdate()
    if kind == "license" and not data.get("decision_number") and data.get("license_number"):
        data["decision_number"] = data["license_number"]  # XK_WSH: the licence number when there is no document number
    for field in REQUIRED[kind]:
        if data.get(field) in (None, "", []):
            errors.add(field, _("This field is required."))
    _validate_subject(data, errors)
    if data.get("decided_on") and data["decided_on"] > today:
        errors.add("decided_on", _("The decision date cannot be in the future."))
    if kind == "penalty":
        _validate_penalty(data, errors)
    else:
        _validate_license(data, errors)
    exclude_pk = getattr(instance, "pk", None)
    if (
        check_unique
        and not errors.get("decision_number")
        and data.get("authority")
        and data.get("decision_number")
        and decision_number_taken(kind, data["authority"], data["decision_number"], exclude_pk=exclude_pk)
    ):
        errors.add("decision_number", _("This decision number is already used by this authority."))
    return data, dict(errors)


def _validate_subject(data: dict, errors: Errors) -> None:
    kind = data.get("subject_kind")
    uscc = data.get("subject_uscc", "")
    if uscc:
        try:
            data["subject_uscc"] = validate_uscc(uscc)
        except ValidationError as exc:
            errors.add("subject_uscc", exc.messages[0])
    for prefix in ("subject", "legal_representative"):
        id_type, number_field = data.get(f"{prefix}_id_type", ""), f"{prefix}_id_number"
        number = data.get(number_field, "")
        if number and not id_type:
            errors.add(f"{prefix}_id_type", _("Give the type of the ID document."))
        if id_type and not number:
            errors.add(number_field, _("Give the ID number."))
        if number and id_type == IdType.RESIDENT_ID:
            try:
                data[number_field] = validate_resident_id(number)
            except ValidationError as exc:
                errors.add(number_field, exc.messages[0])
    if kind == SubjectKind.NATURAL_PERSON:
        if not data.get("subject_id_type"):
            errors.add("subject_id_type", _("A natural person needs an ID type."))
        if not data.get("subject_id_number"):
            errors.add("subject_id_number", _("A natural person needs an ID number."))
        for field in ("subject_uscc", *ORGANIZATION_NUMBER_FIELDS, "legal_representative"):
            if data.get(field):
                errors.add(field, _("Leave this empty for a natural person."))
    elif kind in (SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS):
        if not uscc and not any(data.get(f) for f in ORGANIZATION_NUMBER_FIELDS):
            errors.add(
                "subject_uscc",
                _("Give the unified social credit code, or when there is none, another registration number."),
            )
        if kind == SubjectKind.LEGAL_PERSON and not data.get("legal_representative"):
            errors.add("legal_representative", _("An organization needs its legal representative."))
        if data.get("subject_id_number") or data.get("subject_id_type"):
            errors.add(
                "subject_id_number",
                _("Only a natural person has an ID number here; use the legal representative's fields."),
            )


def _validate_penalty(data: dict, errors: Errors) -> None:
    kinds = list(dict.fromkeys(data.get("penalty_kinds") or []))
    data["penalty_kinds"] = kinds
    unknown = [k for k in kinds if k not in PENALTY_KIND_VALUES]
    if unknown:
        errors.add("penalty_kinds", _("Unknown penalty kind: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))})
    for field in ("fine_amount", "confiscated_amount"):
        amount = data.get(field)
        if amount is None:
            continue
        if not isinstance(amount, decimal.Decimal):
            try:
                amount = data[field] = decimal.Decimal(str(amount))
            except decimal.InvalidOperation:
                errors.add(field, _("Enter a number (in 10,000 yuan)."))
                continue
        if amount <= 0:
            errors.add(field, _("The amount must be more than zero."))
        elif amount > MAX_AMOUNT:
            errors.add(field, _("Amounts are in 10,000 yuan (a 2,000 yuan fine is 0.2); this one is too large."))
        elif amount.as_tuple().exponent < -6:
            errors.add(field, _("At most six decimal places (0.000001 is one fen)."))
    if PenaltyKind.FINE in kinds and data.get("fine_amount") is None:
        errors.add("fine_amount", _("A fine needs its amount (in 10,000 yuan)."))
    if PenaltyKind.FINE not in kinds and data.get("fine_amount") is not None:
        errors.add("fine_amount", _("An amount is given but “fine” is not among the penalty kinds."))
    if CONFISCATION_KINDS & set(kinds) and data.get("confiscated_amount") is None:
        errors.add("confiscated_amount", _("A confiscation needs its amount (in 10,000 yuan)."))
    if LICENSE_KINDS & set(kinds) and not data.get("suspended_license"):
        errors.add("suspended_license", _("Name the suspended or revoked permit and its number."))
    valid_until, decided_on = data.get("penalty_valid_until"), data.get("decided_on")
    if valid_until and decided_on and valid_until < decided_on:
        errors.add("penalty_valid_until", _("The penalty cannot end before the decision date."))


def _validate_license(data: dict, errors: Errors) -> None:
    valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        errors.add("valid_until", _("The end of validity is before its start."))


def decision_number_taken(kind: str, authority, decision_number: str, *, exclude_pk=None) -> bool:
    from .models import LicenseDisclosure, PenaltyDisclosure

    model = PenaltyDisclosure if kind == "penalty" else LicenseDisclosure
    query = model.objects.filter(authority=authority, decision_number=decision_number).filter(
        ~Q(status=PublicationStatus.WITHDRAWN)
    )
    if exclude_pk:
        query = query.exclude(pk=exclude_pk)
    return query.exists()
