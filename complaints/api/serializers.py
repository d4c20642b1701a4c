"""Shapes of the complaints API. No shape carries who complained: the complainant's identity is read only
through complaints.access.identity_of, on the staff pages, with a logged purpose."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.bounds import BIGINT_MAX
from core.api.fields import ChoiceLabelField, EnumField, enum

from ..choices import Category, Channel, DeclineReason, EventKind, Status

# --- input -----------------------------------------------------------------------------------------


class ComplaintFileSerializer(serializers.Serializer):
    """What a client files. The types are checked here; what the complaint must say (lengths, a way to reach
    a named complainant, an organization on the list) by the service, for every channel alike."""

    category = EnumField(Category.choices, enum_name="ComplaintCategory")
    organization = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, help_text="Id of the organization complained about."
    )
    title = serializers.CharField(max_length=120, help_text="A summary (4–120 characters).")
    facts = serializers.CharField(max_length=5000, help_text="What happened (10–5,000 characters).")
    happened_on = serializers.DateField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    person_named = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="The official complained about, if known."
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    anonymous = serializers.BooleanField(default=False)
    consent_to_share = serializers.BooleanField(
        default=False, help_text="The complainant's identity may be shown to the handling organization."
    )
    name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="Required unless anonymous."
    )
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    external_reference = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="The sending system's own number (the 12345 hotline: its work order; required for it, and "
        "the same number filed again answers 200 with the complaint filed the first time).",
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=5, help_text="multipart/form-data: PDF, JPEG, PNG."
    )


class ComplaintReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000, help_text="The written reply: what was found and what was done.")


class ComplaintAcceptSerializer(serializers.Serializer):
    handling_organization = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, help_text="Id of the organization that handles it."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ComplaintDeclineSerializer(serializers.Serializer):
    reason = EnumField(DeclineReason.choices, enum_name="ComplaintDeclineReason")
    explanation = serializers.CharField(max_length=5000, help_text="The explanation the complainant reads.")


# --- output ----------------------------------------------------------------------------------------


class ComplaintFiledSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    secret = serializers.CharField(
        help_text="Shown this once: with the tracking code it lets the complainant follow the complaint."
    )
    status = enum(Status, "ComplaintStatus")
    accept_due = serializers.DateField(help_text="Acceptance decided by.")


class ComplaintFiledBeforeSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = enum(Status, "ComplaintStatus")
    accept_due = serializers.DateField()


class ComplaintSummarySerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    channel = enum(Channel, "ComplaintChannel")
    category = enum(Category, "ComplaintCategory")
    category_label = ChoiceLabelField("category")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    handling_organization = serializers.IntegerField(source="handling_organization_id", allow_null=True)
    handling_organization_name = serializers.SerializerMethodField()
    title = serializers.CharField()
    status = enum(Status, "ComplaintStatus")
    status_label = ChoiceLabelField("status")
    anonymous = serializers.BooleanField()
    received_on = serializers.DateField()
    accept_due = serializers.DateField()
    handle_due = serializers.DateField(allow_null=True)
    review_request_due = serializers.DateField(allow_null=True)
    review_due = serializers.DateField(allow_null=True)
    escalated = serializers.SerializerMethodField()

    def get_handling_organization_name(self, complaint) -> str | None:
        handler = complaint.handling_organization
        return handler.name if handler is not None else None

    def get_escalated(self, complaint) -> bool:
        return complaint.escalated_at is not None


class ComplaintStepSerializer(serializers.Serializer):
    kind = enum(EventKind, "ComplaintEventKind")
    kind_label = ChoiceLabelField("kind")
    at = serializers.DateTimeField()
    text = serializers.CharField()
    organization_name = serializers.CharField()


class ComplaintDeadlineSerializer(serializers.Serializer):
    what = serializers.CharField()
    how = serializers.ListField(child=serializers.CharField(), help_text="How it was counted.")


class ComplaintDetailSerializer(ComplaintSummarySerializer):
    facts = serializers.CharField()
    happened_on = serializers.DateField(allow_null=True)
    place = serializers.CharField()
    person_named = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    consent_to_share = serializers.BooleanField()
    external_reference = serializers.CharField()
    decline_reason = serializers.CharField(help_text="Set when not accepted (ComplaintDeclineReason), else empty.")
    accepted_on = serializers.DateField(allow_null=True)
    replied_on = serializers.DateField(allow_null=True)
    extension_days = serializers.IntegerField()
    merged_into = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()

    def get_merged_into(self, complaint) -> str | None:
        return complaint.merged_into.tracking_code if complaint.merged_into_id else None

    @extend_schema_field(ComplaintStepSerializer(many=True))
    def get_timeline(self, complaint):
        return ComplaintStepSerializer(self.context["timeline"], many=True).data

    @extend_schema_field(ComplaintDeadlineSerializer(many=True))
    def get_deadlines(self, complaint):
        return [{"what": what, "how": lines} for what, lines in self.context["deadlines"]]
