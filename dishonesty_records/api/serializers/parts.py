"""What hangs off a record: evidence, sanctions, obligations and their submissions, repair applications."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ChoiceLabelField, enum

from ...choices import (
    EvidenceStage,
    ObligationKind,
    ObligationStatus,
    RepairStatus,
    SanctionKind,
    SanctionStatus,
    SubmissionDecision,
)
from ...models import Evidence, Obligation, RepairApplication, Sanction, Submission
from .fields import OrganizationRefSerializer


class EvidenceSerializer(serializers.ModelSerializer):
    stage = enum(EvidenceStage, "EvidenceStage")
    stage_display = ChoiceLabelField("stage")
    download = serializers.SerializerMethodField(help_text=_("API address of the file (callers in scope only)."))

    class Meta:
        model = Evidence
        fields = [
            "id",
            "stage",
            "stage_display",
            "original_name",
            "size",
            "sha256",
            "uploaded_at",
            "uploaded_by_label",
            "submission",
            "repair_application",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, evidence) -> str:
        path = reverse("api:dishonesty-evidence-download", kwargs={"pk": evidence.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PublicSanctionSerializer(serializers.ModelSerializer):
    kind = enum(SanctionKind, "SanctionKind")
    status = enum(SanctionStatus, "SanctionStatus")
    kind_display = ChoiceLabelField("kind")
    status_display = ChoiceLabelField("status")

    class Meta:
        model = Sanction
        fields = ["id", "kind", "kind_display", "status", "status_display", "start_on", "end_on", "notice_text"]
        read_only_fields = fields


class SanctionSerializer(serializers.ModelSerializer):
    record_reference = serializers.CharField(source="record.reference")
    kind = enum(SanctionKind, "SanctionKind")
    status = enum(SanctionStatus, "SanctionStatus")
    kind_display = ChoiceLabelField("kind")
    status_display = ChoiceLabelField("status")
    authority = serializers.SerializerMethodField()
    in_force = serializers.BooleanField(help_text=_("In force today."))

    class Meta:
        model = Sanction
        fields = [
            "id",
            "record",
            "record_reference",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "in_force",
            "authority",
            "reason",
            "listed_on",
            "start_on",
            "end_on",
            "notice_text",
            "referred_to",
            "outcome",
            "outcome_on",
            "lifted_at",
            "lift_reason",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OrganizationRefSerializer)
    def get_authority(self, sanction) -> dict:
        return {"id": sanction.authority_id, "name": sanction.authority.name}


class ObligationSummarySerializer(serializers.ModelSerializer):
    kind = enum(ObligationKind, "ObligationKind")
    status = enum(ObligationStatus, "ObligationStatus")
    kind_display = ChoiceLabelField("kind")
    status_display = ChoiceLabelField("status")
    is_overdue = serializers.BooleanField()

    class Meta:
        model = Obligation
        fields = [
            "id",
            "kind",
            "kind_display",
            "requirement",
            "working_days",
            "due_on",
            "due_provisional",
            "status",
            "status_display",
            "is_overdue",
            "accepted_at",
        ]
        read_only_fields = fields


class SubmissionSerializer(serializers.ModelSerializer):
    decision = enum(SubmissionDecision, "SubmissionDecision")
    decision_display = ChoiceLabelField("decision")
    evidence = EvidenceSerializer(many=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "obligation",
            "text",
            "submitted_at",
            "submitted_by_label",
            "decision",
            "decision_display",
            "decided_at",
            "decided_by_label",
            "decision_note",
            "evidence",
        ]
        read_only_fields = fields


class ObligationSerializer(ObligationSummarySerializer):
    record_reference = serializers.CharField(source="record.reference")
    subject_name = serializers.CharField(source="record.subject_name")
    submissions = SubmissionSerializer(many=True)

    class Meta(ObligationSummarySerializer.Meta):
        fields = [
            "id",
            "record",
            "record_reference",
            "subject_name",
            *ObligationSummarySerializer.Meta.fields[1:],
            "escalated_at",
            "submissions",
        ]
        read_only_fields = fields


class RepairSummarySerializer(serializers.ModelSerializer):
    status = enum(RepairStatus, "RepairStatus")
    status_display = ChoiceLabelField("status")

    class Meta:
        model = RepairApplication
        fields = ["id", "status", "status_display", "created_at", "review_due_on", "decided_at"]
        read_only_fields = fields


class RepairApplicationSerializer(serializers.ModelSerializer):
    """What the applicant follows online: where the application stands, the decision and its reasons."""

    record_reference = serializers.CharField(source="record.reference")
    status = enum(RepairStatus, "RepairStatus")
    status_display = ChoiceLabelField("status")
    submitted_at = serializers.DateTimeField(source="created_at")
    is_overdue = serializers.BooleanField(help_text=_("Still under review after the review deadline."))
    evidence = EvidenceSerializer(many=True)

    class Meta:
        model = RepairApplication
        fields = [
            "id",
            "record",
            "record_reference",
            "statement",
            "status",
            "status_display",
            "submitted_at",
            "submitted_by_label",
            "review_due_on",
            "review_due_provisional",
            "is_overdue",
            "decided_at",
            "decided_by_label",
            "decision_reason",
            "result_shared_by",
            "evidence",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "decision_reason": {"help_text": _("The reasons for the decision.")},
            "result_shared_by": {"help_text": _("The deciding unit hears the result by this date.")},
        }
