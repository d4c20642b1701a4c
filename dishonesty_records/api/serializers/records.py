"""A record in its three shapes (see the package docstring)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ChoiceLabelField, ConstantField, enum

from ...choices import (
    Category,
    DisplayState,
    Origin,
    RectificationState,
    Severity,
    SourceKind,
    Stage,
)
from ...models import DishonestyRecord
from .fields import (
    PUBLIC_SANCTION_KINDS,
    AuthorityField,
    InternalSubjectSerializer,
    PublicOrganizationSubjectSerializer,
    PublicSubjectSerializer,
)
from .parts import (
    EvidenceSerializer,
    ObligationSummarySerializer,
    PublicSanctionSerializer,
    RepairSummarySerializer,
    SanctionSerializer,
)

# --- the record in its three shapes ---------------------------------------------------------------

# Each shape's `shape` is documented as its one value: the `oneOf` of the three then matches exactly one.
SHAPE_HELP = _("Which of the record's shapes this is.")


class PublicCivilServantRecordSerializer(serializers.ModelSerializer):
    """A civil servant's record for the public: name, position, organization, category and the summary."""

    reference = serializers.CharField()
    subject = PublicSubjectSerializer(source="*")
    category = enum(Category, "DishonestyCategory")
    category_display = ChoiceLabelField("category")
    authority = AuthorityField()
    end_date = serializers.DateField(source="publicity_ends_on", allow_null=True, help_text=_("End of publicity."))
    SHAPE = "public_civil_servant"
    shape = ConstantField(SHAPE, component_name="DishonestyRecordShapePublicCivilServant", help_text=SHAPE_HELP)

    class Meta:
        model = DishonestyRecord
        fields = [
            "id",
            "reference",
            "shape",
            "subject",
            "category",
            "category_display",
            "facts_summary",
            "determined_on",
            "authority",
            "end_date",
        ]
        read_only_fields = fields


class PublicRecordSerializer(PublicCivilServantRecordSerializer):
    """A government body's record for anyone: the published document, its notices and where it stands."""

    subject = PublicOrganizationSubjectSerializer(source="*")
    severity = enum(Severity, "DishonestySeverity")
    source_kind = enum(SourceKind, "DishonestySourceKind")
    stage = enum(Stage, "DishonestyStage")
    rectification_state = enum(RectificationState, "RectificationState")
    severity_display = ChoiceLabelField("severity")
    source_kind_display = ChoiceLabelField("source_kind")
    stage_display = ChoiceLabelField("stage")
    status_display = ChoiceLabelField("status")
    listing_date = serializers.DateField(
        source="listed_on", allow_null=True, help_text=_("When it was put on public view.")
    )
    start_date = serializers.DateField(source="determined_on", allow_null=True, help_text=_("The determination date."))
    state = enum(
        DisplayState,
        "DishonestyDisplayState",
        source="display_state",
        help_text=_("Determination, publication and rectification read together."),
    )
    state_display = ChoiceLabelField("display_state", choices=DisplayState.choices)
    rectification_state_display = ChoiceLabelField("rectification_state")
    sanctions = serializers.SerializerMethodField(help_text=_("Published notices of criticism and bars on honours."))

    SHAPE = "public"
    shape = ConstantField(SHAPE, component_name="DishonestyRecordShapePublic", help_text=SHAPE_HELP)

    class Meta(PublicCivilServantRecordSerializer.Meta):
        fields = [
            *PublicCivilServantRecordSerializer.Meta.fields,
            "severity",
            "severity_display",
            "source_kind",
            "source_kind_display",
            "source_document_number",
            "source_issuing_body",
            "source_document_date",
            "occurred_on",
            "reason",
            "stage",
            "stage_display",
            "status",
            "status_display",
            "listing_date",
            "start_date",
            "state",
            "state_display",
            "rectification_state",
            "rectification_state_display",
            "publicity_min_ends_on",
            "sanctions",
        ]
        read_only_fields = fields
        extra_kwargs = {"reason": {"help_text": _("The confirming authority's reasons.")}}

    @extend_schema_field(PublicSanctionSerializer(many=True))
    def get_sanctions(self, record) -> list:
        shown = [s for s in record.sanctions.all() if s.kind in PUBLIC_SANCTION_KINDS]
        return PublicSanctionSerializer(shown, many=True).data


class InternalRecordSerializer(PublicRecordSerializer):
    """Everything about a record, for callers whose roles reach its organization."""

    subject = InternalSubjectSerializer(source="*")
    origin = enum(Origin, "DishonestyOrigin")
    origin_display = ChoiceLabelField("origin")
    objection_open = serializers.BooleanField()
    created_by = serializers.CharField(source="created_by_label")
    obligations = ObligationSummarySerializer(many=True)
    sanctions = SanctionSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    repair_applications = RepairSummarySerializer(many=True)

    SHAPE = "internal"
    shape = ConstantField(SHAPE, component_name="DishonestyRecordShapeInternal", help_text=SHAPE_HELP)

    class Meta(PublicRecordSerializer.Meta):
        fields = [
            *PublicRecordSerializer.Meta.fields,
            "facts",
            "origin",
            "origin_display",
            "origin_record_type",
            "origin_record_id",
            "objection_deadline",
            "objection_deadline_provisional",
            "objection_open",
            "objection_statement",
            "objected_at",
            "objection_waived_at",
            "ruled_at",
            "publication_allowed",
            "publication_restriction",
            "version",
            "published_at",
            "corrected_at",
            "withdrawn_at",
            "withdrawal_reason",
            "publicity_ended_at",
            "created_by",
            "created_at",
            "updated_at",
            "obligations",
            "evidence",
            "repair_applications",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "origin_record_type": {
                "help_text": _('The pledge, disclosure or complaint it came from, e.g. "disclosures.penalty".')
            },
            "reason": PublicRecordSerializer.Meta.extra_kwargs["reason"],
        }


RECORD_SHAPES = (PublicCivilServantRecordSerializer, PublicRecordSerializer, InternalRecordSerializer)
