"""Credit checks: eligibility with reasons, open records, sanctions in force."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ChoiceLabelField, enum

from ...choices import (
    Category,
    DisplayState,
    RectificationState,
    SanctionKind,
    Severity,
)
from ...models import DishonestyRecord, Sanction
from .fields import AuthorityField, OrganizationRefSerializer

# --- credit checks --------------------------------------------------------------------------------


class IntegrityQuerySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("Check as on this date (YYYY-MM-DD); today by default."))


class IneligibilityReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("honours_ineligibility (a bar in force) or rectification_overdue."))
    record_id = serializers.IntegerField(allow_null=True, help_text=_("Null: a record the caller may not see."))
    reference = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    until = serializers.DateField(allow_null=True, help_text=_("Null: until the rectification is accepted."))


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = IneligibilityReasonSerializer(many=True, help_text=_("Up to 20 of each kind, soonest first."))
    more_reasons = serializers.BooleanField(help_text=_("More reasons of a kind exist than are listed."))


class IntegrityRecordSerializer(serializers.ModelSerializer):
    category_display = ChoiceLabelField("category")
    category = enum(Category, "DishonestyCategory")
    severity = enum(Severity, "DishonestySeverity")
    rectification_state = enum(RectificationState, "RectificationState")
    state = enum(DisplayState, "DishonestyDisplayState", source="display_state")
    state_display = ChoiceLabelField("display_state", choices=DisplayState.choices)
    authority = AuthorityField()
    end_date = serializers.DateField(source="publicity_ends_on", allow_null=True)

    class Meta:
        model = DishonestyRecord
        fields = [
            "id",
            "reference",
            "category",
            "category_display",
            "severity",
            "facts_summary",
            "state",
            "state_display",
            "rectification_state",
            "determined_on",
            "authority",
            "end_date",
        ]
        read_only_fields = fields


class IntegritySanctionSerializer(serializers.ModelSerializer):
    kind = enum(SanctionKind, "SanctionKind")
    record_reference = serializers.CharField()
    kind_display = ChoiceLabelField("kind")
    authority = serializers.CharField(source="authority.name")

    class Meta:
        model = Sanction
        fields = [
            "id",
            "record",
            "record_reference",
            "kind",
            "kind_display",
            "authority",
            "reason",
            "start_on",
            "end_on",
            "notice_text",
            "referred_to",
        ]
        read_only_fields = fields


class OrganizationIntegritySerializer(serializers.Serializer):
    organization = OrganizationRefSerializer()
    uscc = serializers.CharField(allow_null=True)
    checked_on = serializers.DateField()
    records_shown = serializers.ChoiceField(
        choices=["public", "all"],
        help_text=_(
            "public: the caller's roles do not reach this body, so only records on public view are listed; "
            "all: every confirmed record still counting against it."
        ),
    )
    honours_eligibility = EligibilitySerializer(help_text=_("Computed from sanctions and overdue obligations."))
    open_records = IntegrityRecordSerializer(many=True, help_text=_("The newest 50; open_record_count says how many."))
    open_record_count = serializers.IntegerField(help_text=_("How many records are counted (listed or not)."))
    active_sanctions = IntegritySanctionSerializer(many=True, help_text=_("The newest 50 sanctions in force."))
    category_counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("Records per category."))


class CivilServantRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.CharField()
    organization = OrganizationRefSerializer()


class CivilServantIntegritySerializer(serializers.Serializer):
    civil_servant = CivilServantRefSerializer()
    checked_on = serializers.DateField()
    honours_eligibility = EligibilitySerializer()
    open_records = IntegrityRecordSerializer(many=True)
    active_sanctions = IntegritySanctionSerializer(many=True)
