"""A pledge as a list row and in its two detail shapes (see the package docstring)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ChoiceLabelField, ConstantField, enum
from core.publication import PublicationStatus

from ...choices import DepartmentTheme, Fulfilment, LawfulGround, PledgeKind, PPPStage, ServiceArea
from ...models import Pledge
from .fields import OrganizationField, blankable
from .parts import (
    InternalPledgeEvidenceSerializer,
    InternalProgressReportSerializer,
    PledgeMeasurementSerializer,
    PledgeMilestoneSerializer,
    PledgePartSerializer,
    PublicPledgeEvidenceSerializer,
    PublicProgressReportSerializer,
)

SHAPE_HELP = _("Which of the pledge's shapes this is.")


class PledgeSummarySerializer(serializers.ModelSerializer):
    """A row of the list: what the pledge is, who made it, how far it has come."""

    reference = serializers.CharField()
    kind = enum(PledgeKind, "PledgeKind")
    kind_display = ChoiceLabelField("kind")
    organization = OrganizationField()
    theme = blankable(DepartmentTheme, "PledgeTheme")
    service_area = blankable(ServiceArea, "PledgeServiceArea")
    fulfilment = enum(Fulfilment, "PledgeFulfilment")
    fulfilment_display = ChoiceLabelField("fulfilment")
    status = enum(PublicationStatus, "PublicationStatus")
    status_display = ChoiceLabelField("status")
    measured = serializers.SerializerMethodField(help_text=_("Measured by the portal rather than reported."))

    class Meta:
        model = Pledge
        fields = [
            "id",
            "reference",
            "kind",
            "kind_display",
            "organization",
            "title",
            "theme",
            "service_area",
            "year",
            "parent",
            "starts_on",
            "due_on",
            "progress",
            "measured",
            "fulfilment",
            "fulfilment_display",
            "settled_on",
            "status",
            "status_display",
            "published_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "parent": {"help_text": _("The pledge this one is a part of (id).")},
            "progress": {"help_text": _("In %; a parent's is its parts' weighted progress.")},
        }

    def get_measured(self, pledge) -> bool:
        return bool(pledge.indicator)


class PublicPledgeSerializer(PledgeSummarySerializer):
    """A published public pledge for anyone: what is pledged, how it is kept and how it ended."""

    SHAPE = "public"
    shape = ConstantField(SHAPE, component_name="PledgeShapePublic", help_text=SHAPE_HELP)
    change_ground = blankable(LawfulGround, "PledgeLawfulGround")
    change_ground_display = ChoiceLabelField("change_ground")
    milestones = PledgeMilestoneSerializer(many=True)
    timeline = PublicProgressReportSerializer(many=True, source="progress_reports")
    evidence = PublicPledgeEvidenceSerializer(many=True)
    parts = serializers.SerializerMethodField(help_text=_("The pledge's parts, with their weight and progress."))
    measurement = serializers.SerializerMethodField(help_text=_("For a measured pledge; null otherwise."))

    class Meta(PledgeSummarySerializer.Meta):
        fields = [
            "id",
            "reference",
            "shape",
            *PledgeSummarySerializer.Meta.fields[2:],
            "content",
            "legal_basis",
            "counterparty",
            "counterparty_uscc",
            "project",
            "responsible_person",
            "weight",
            "settlement_note",
            "change_ground",
            "change_ground_display",
            "change_approved_by",
            "change_document",
            "change_compensation",
            "change_reason",
            "evaluation_score",
            "evaluation_comment",
            "evaluated_at",
            "indicator",
            "indicator_target",
            "version",
            "corrected_at",
            "publicity_ends_on",
            "milestones",
            "timeline",
            "evidence",
            "parts",
            "measurement",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **PledgeSummarySerializer.Meta.extra_kwargs,
            "weight": {"help_text": _("Its weight in its parent.")},
            "indicator": {"help_text": _("What the portal measures (an indicator key), if measured.")},
        }

    @extend_schema_field(PledgePartSerializer(many=True))
    def get_parts(self, pledge) -> list:
        # The parts the caller may see, prefetched by the view (`visible_parts`).
        return PledgePartSerializer(getattr(pledge, "visible_parts", ()), many=True).data

    @extend_schema_field(PledgeMeasurementSerializer(allow_null=True))
    def get_measurement(self, pledge):
        measurement = self.context.get("measurements", {}).get(pledge.pk)
        return None if measurement is None else PledgeMeasurementSerializer(measurement).data


class InternalPledgeSerializer(PublicPledgeSerializer):
    """Everything about a pledge, for callers whose roles reach its organization."""

    SHAPE = "internal"
    shape = ConstantField(SHAPE, component_name="PledgeShapeInternal", help_text=SHAPE_HELP)
    timeline = InternalProgressReportSerializer(many=True, source="progress_reports")
    evidence = InternalPledgeEvidenceSerializer(many=True)
    created_by = serializers.CharField(source="created_by_label")
    breach_stage = blankable(PPPStage, "PledgePPPStage", help_text=_("A broken PPP duty: the stage (never public)."))

    class Meta(PublicPledgeSerializer.Meta):
        fields = [
            *PublicPledgeSerializer.Meta.fields,
            "is_public",
            "civil_servant",
            "indicator_parameters",
            "publish_deadline",
            "deadline_provisional",
            "withdrawn_at",
            "withdrawal_reason",
            "evaluated_by_label",
            "breach_stage",
            "breach_occurred_on",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **PublicPledgeSerializer.Meta.extra_kwargs,
            "is_public": {"help_text": _("False for an internal pledge (never published).")},
            "civil_servant": {"help_text": _("The civil servant who pledges (id), for a civil servant's pledge.")},
        }


PLEDGE_SHAPES = (PublicPledgeSerializer, InternalPledgeSerializer)


class ProposedRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class PledgeSettledSerializer(serializers.Serializer):
    pledge = InternalPledgeSerializer()
    dishonesty_record = ProposedRecordSerializer(
        allow_null=True, help_text=_("The dishonesty record a breach proposed against the pledging body.")
    )
