"""Thin serializers: field types and shapes here; every rule of the standard lives in validation.py
and runs inside the service, whose ValidationError comes back as {"field": ["message"]}."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from organizations.models import Organization

from ..choices import PenaltyKind
from ..models import LicenseDisclosure, PenaltyDisclosure, mask_id_number

LIFE_CYCLE_FIELDS = [
    "status",
    "version",
    "publish_deadline",
    "deadline_provisional",
    "published_at",
    "on_time",
    "publicity_ends_on",
    "corrected_at",
    "withdrawn_at",
    "withdrawal_reason",
    "created_at",
    "updated_at",
]
SUBJECT_FIELDS = [
    "subject_name",
    "subject_kind",
    "subject_uscc",
    "business_registration_number",
    "organization_code",
    "tax_registration_number",
    "public_institution_number",
    "social_organization_number",
    "legal_representative",
    "legal_representative_id_type",
    "legal_representative_id_number",
    "subject_id_type",
    "subject_id_number",
]
ID_NUMBER_FIELDS = (
    ("subject_id_type", "subject_id_number"),
    ("legal_representative_id_type", "legal_representative_id_number"),
)


class DisclosureSerializer(serializers.ModelSerializer):
    on_time = serializers.BooleanField(read_only=True, allow_null=True)
    authority = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_("Deciding authority (organization id); defaults to the API client's organization."),
    )
    data_source = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_("Organization that supplied the data; defaults to the deciding authority."),
    )
    # As published (the name the decision was published under); a draft shows the current name.
    authority_name = serializers.CharField(source="authority_display_name", read_only=True)

    def to_representation(self, instance):
        # Masked for every caller, the record's own organization included: the whole numbers come
        # only from the reveal-id operation, which asks why and writes an audit row.
        data = super().to_representation(instance)
        for id_type, id_number in ID_NUMBER_FIELDS:
            data[id_number] = mask_id_number(getattr(instance, id_type), getattr(instance, id_number))
        return data


class PenaltySerializer(DisclosureSerializer):
    penalty_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=PenaltyKind.choices),
        allow_empty=False,
        help_text=_("One or more penalty kinds."),
    )

    class Meta:
        model = PenaltyDisclosure
        fields = [
            "id",
            *SUBJECT_FIELDS,
            "decision_number",
            "violation_type",
            "violation_facts",
            "legal_basis",
            "penalty_kinds",
            "penalty_content",
            "fine_amount",
            "confiscated_amount",
            "suspended_license",
            "decided_on",
            "penalty_valid_until",
            "safety_domain",
            "authority",
            "authority_name",
            "data_source",
            "remarks",
            *LIFE_CYCLE_FIELDS,
        ]
        read_only_fields = ["id", "authority_name", *LIFE_CYCLE_FIELDS]
        validators = []  # uniqueness and every other rule: validation.py, run by the service
        extra_kwargs = {
            "fine_amount": {"help_text": _("In 10,000 yuan: a 2,000 yuan fine is 0.2.")},
            "confiscated_amount": {"help_text": _("In 10,000 yuan.")},
        }


class LicenseSerializer(DisclosureSerializer):
    class Meta:
        model = LicenseDisclosure
        fields = [
            "id",
            *SUBJECT_FIELDS,
            "decision_document_name",
            "decision_number",
            "license_category",
            "certificate_name",
            "license_number",
            "content",
            "decided_on",
            "valid_from",
            "valid_until",
            "license_state",
            "authority",
            "authority_name",
            "data_source",
            "remarks",
            *LIFE_CYCLE_FIELDS,
        ]
        read_only_fields = ["id", "authority_name", *LIFE_CYCLE_FIELDS]
        validators = []  # uniqueness and every other rule: validation.py, run by the service
        extra_kwargs = {
            "valid_until": {"help_text": _("2099-12-31 means long-term.")},
            "decision_number": {
                "required": False,
                "allow_blank": True,
                "help_text": _("Decision document number; when there is none, the licence number is used."),
            },
        }


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text=_("Kept in the record's history and sent with it to the national platform.")
    )


class PublishResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    on_time = serializers.BooleanField(allow_null=True)


class RevealReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200, help_text=_("Why you need the whole ID numbers; recorded in the audit trail with the caller.")
    )


class RevealedIdNumbersSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject_id_type = serializers.CharField(allow_blank=True)
    subject_id_number = serializers.CharField(allow_blank=True, help_text=_("Whole; empty when there is none."))
    legal_representative_id_type = serializers.CharField(allow_blank=True)
    legal_representative_id_number = serializers.CharField(
        allow_blank=True, help_text=_("Whole; empty when there is none.")
    )
