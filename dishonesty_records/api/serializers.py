"""Shapes of the dishonesty-record API. Thin: field types here, every rule in the services, whose
ValidationError comes back as {"field": ["message"]}.

A record is shown in one of three shapes, chosen per record by what the caller may see:

- `InternalRecordSerializer`: callers whose roles reach the record's organization (its staff and
  reviewers, supervisors over it, API clients of that organization) — facts, origin, objection,
  obligations, every sanction, evidence files (metadata and an API download link, never a media URL);
- `PublicRecordSerializer`: anyone else, for a body's record on public view — the published document
  (the facts only as their summary) and its notices;
- `PublicCivilServantRecordSerializer`: anyone else, for a civil servant's record — only name,
  position, organization, category, summary of facts, determination date, authority and end of publicity.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.models import CivilServant, Organization

from ..choices import (
    Category,
    DisplayState,
    EvidenceStage,
    ObligationKind,
    ObligationStatus,
    Origin,
    RectificationState,
    RepairStatus,
    SanctionKind,
    SanctionStatus,
    Severity,
    SourceKind,
    Stage,
    SubjectKind,
    SubmissionDecision,
)
from ..models import DishonestyRecord, Evidence, Obligation, RepairApplication, Sanction, Submission

# Sanctions the public sees on a body's public record: the notice itself and the bar on honours.
# A referral for accountability and its outcome stay inside.
PUBLIC_SANCTION_KINDS = (SanctionKind.NOTICE_OF_CRITICISM, SanctionKind.HONOURS_INELIGIBILITY)


class EnumField(serializers.ChoiceField):
    """A choice field documented as its own named enum (`<enum_name>Enum`), so that choice sets sharing a
    field name across apps ("kind", "status", "stage") do not collide in the OpenAPI schema."""

    def __init__(self, choices, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField
    match_subclasses = True

    def get_name(self):
        return f"{self.target.enum_name}Enum"

    def map_serializer_field(self, auto_schema, direction):
        values = [value for value in self.target.choices if value not in ("", None)]
        return {
            "type": "string",
            "enum": values,
            "description": "\n".join(f"* `{value}` - {label}" for value, label in self.target.choices.items()),
        }


def enum(choices_class, name: str, **kwargs) -> EnumField:
    """An output (read-only unless told otherwise) choice field named after its choice set."""
    kwargs.setdefault("read_only", True)
    return EnumField(choices_class.choices, enum_name=name, **kwargs)


def files_field(help_text=None):
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        write_only=True,
        help_text=help_text or _("Evidence files (multipart/form-data, repeat the field for several)."),
    )


# --- small pieces ---------------------------------------------------------------------------------


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicSubjectSerializer(serializers.Serializer):
    """Who the record is about, as named when it was published (a draft: when it was proposed)."""

    kind = enum(SubjectKind, "DishonestySubjectKind", source="subject_kind")
    kind_display = serializers.CharField(source="get_subject_kind_display")
    name = serializers.CharField(source="subject_name", help_text=_("The body's or the civil servant's name."))
    position = serializers.CharField(source="subject_position", help_text=_("A civil servant's position."))
    organization = serializers.SerializerMethodField(
        help_text=_("The body itself, or the body the civil servant served in.")
    )

    @extend_schema_field(OrganizationRefSerializer)
    def get_organization(self, record) -> dict:
        return {
            "id": record.subject_organization_id,
            "name": record.subject_organization_name or record.subject_organization.name,
        }


class PublicOrganizationSubjectSerializer(PublicSubjectSerializer):
    uscc = serializers.CharField(source="subject_uscc", help_text=_("The body's unified social credit code."))


class InternalSubjectSerializer(PublicOrganizationSubjectSerializer):
    civil_servant = serializers.IntegerField(source="civil_servant_id", allow_null=True)


@extend_schema_field(OrganizationRefSerializer(allow_null=True))
class AuthorityField(serializers.Field):
    """FollowTheMoney's `authority`: the supervising body that confirmed the record, as published."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, record):
        if not record.authority_id:
            return None
        return {"id": record.authority_id, "name": record.authority_name or record.authority.name}


class EvidenceSerializer(serializers.ModelSerializer):
    stage = enum(EvidenceStage, "EvidenceStage")
    stage_display = serializers.CharField(source="get_stage_display")
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
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Sanction
        fields = ["id", "kind", "kind_display", "status", "status_display", "start_on", "end_on", "notice_text"]
        read_only_fields = fields


class SanctionSerializer(serializers.ModelSerializer):
    record_reference = serializers.CharField(source="record.reference")
    kind = enum(SanctionKind, "SanctionKind")
    status = enum(SanctionStatus, "SanctionStatus")
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
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
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
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
    decision_display = serializers.CharField(source="get_decision_display")
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
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = RepairApplication
        fields = ["id", "status", "status_display", "created_at", "review_due_on", "decided_at"]
        read_only_fields = fields


class RepairApplicationSerializer(serializers.ModelSerializer):
    """What the applicant follows online: where the application stands, the decision and its reasons."""

    record_reference = serializers.CharField(source="record.reference")
    status = enum(RepairStatus, "RepairStatus")
    status_display = serializers.CharField(source="get_status_display")
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


# --- the record in its three shapes ---------------------------------------------------------------


class PublicCivilServantRecordSerializer(serializers.ModelSerializer):
    """A civil servant's record for the public: name, position, organization, category and the summary."""

    reference = serializers.CharField()
    subject = PublicSubjectSerializer(source="*")
    category = enum(Category, "DishonestyCategory")
    category_display = serializers.CharField(source="get_category_display")
    authority = AuthorityField()
    end_date = serializers.DateField(source="publicity_ends_on", allow_null=True, help_text=_("End of publicity."))
    shape = serializers.SerializerMethodField(help_text=_("Which of the record's shapes this is."))

    SHAPE = "public_civil_servant"

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

    def get_shape(self, record) -> str:
        return self.SHAPE


class PublicRecordSerializer(PublicCivilServantRecordSerializer):
    """A government body's record for anyone: the published document, its notices and where it stands."""

    subject = PublicOrganizationSubjectSerializer(source="*")
    severity = enum(Severity, "DishonestySeverity")
    source_kind = enum(SourceKind, "DishonestySourceKind")
    stage = enum(Stage, "DishonestyStage")
    rectification_state = enum(RectificationState, "RectificationState")
    severity_display = serializers.CharField(source="get_severity_display")
    source_kind_display = serializers.CharField(source="get_source_kind_display")
    stage_display = serializers.CharField(source="get_stage_display")
    status_display = serializers.CharField(source="get_status_display")
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
    state_display = serializers.CharField(source="get_display_state_display")
    rectification_state_display = serializers.CharField(source="get_rectification_state_display")
    sanctions = serializers.SerializerMethodField(help_text=_("Published notices of criticism and bars on honours."))

    SHAPE = "public"

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
    origin_display = serializers.CharField(source="get_origin_display")
    objection_open = serializers.BooleanField()
    created_by = serializers.CharField(source="created_by_label")
    obligations = ObligationSummarySerializer(many=True)
    sanctions = SanctionSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    repair_applications = RepairSummarySerializer(many=True)

    SHAPE = "internal"

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


# --- input ----------------------------------------------------------------------------------------


class ProposalSerializer(serializers.Serializer):
    """A proposal, or (partially) its amendment before the ruling."""

    subject_kind = enum(SubjectKind, "DishonestySubjectKind", read_only=False, default=SubjectKind.ORGANIZATION)
    subject_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_(
            "The government body (id); defaults to the API client's organization. Ignored for a civil servant."
        ),
    )
    civil_servant = serializers.PrimaryKeyRelatedField(
        queryset=CivilServant.objects.select_related("organization"),
        required=False,
        allow_null=True,
        help_text=_("The civil servant (id), when the subject is a person."),
    )
    category = enum(Category, "DishonestyCategory", read_only=False)
    severity = enum(Severity, "DishonestySeverity", read_only=False, default=Severity.GENERAL)
    facts = serializers.CharField(allow_blank=True, help_text=_("The full facts (shown only inside)."))
    facts_summary = serializers.CharField(
        allow_blank=True, max_length=500, help_text=_("What the public sees: at most 500 characters.")
    )
    occurred_on = serializers.DateField()
    source_kind = enum(SourceKind, "DishonestySourceKind", read_only=False)
    source_document_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    source_issuing_body = serializers.CharField(allow_blank=True, max_length=100)
    source_document_date = serializers.DateField(required=False, allow_null=True, default=None)
    origin_record_type = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=60,
        help_text=_('The published record it came from, by type: "disclosures.penalty" or "disclosures.license".'),
    )
    origin_record_id = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("… and by id (proposal only).")
    )
    files = files_field()


class CorrectionSerializer(serializers.Serializer):
    """A published record corrected as a new version; only the fields given change."""

    category = enum(Category, "DishonestyCategory", read_only=False, required=False)
    severity = enum(Severity, "DishonestySeverity", read_only=False, required=False)
    facts = serializers.CharField(required=False)
    facts_summary = serializers.CharField(max_length=500, required=False)
    occurred_on = serializers.DateField(required=False)
    source_kind = enum(SourceKind, "DishonestySourceKind", read_only=False, required=False)
    source_document_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    source_issuing_body = serializers.CharField(max_length=100, required=False)
    source_document_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(
        allow_blank=True, help_text=_("What was wrong and what the correction changes (kept in the history).")
    )


class DishonestyReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000, help_text=_("Kept in the record's history."))


class ObjectionSerializer(serializers.Serializer):
    statement = serializers.CharField(allow_blank=True, max_length=20000, help_text=_("The objection (申辩)."))
    files = files_field()


class ConfirmSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000, help_text=_("Reasons for the confirmation."))
    determined_on = serializers.DateField(required=False, allow_null=True, help_text=_("Defaults to today."))
    severity = enum(
        Severity, "DishonestySeverity", read_only=False, required=False, help_text=_("Defaults to the proposal's.")
    )
    publication_allowed = serializers.BooleanField(default=True)
    publication_restriction = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Why it may not be published (when it may not).")
    )
    explanation_required = serializers.BooleanField(
        default=True, help_text=_("A written explanation (书面说明) is owed.")
    )
    explanation_working_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=250)
    rectification_requirement = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("What must be rectified; empty: no rectification.")
    )
    rectification_working_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=250)


class RepairApplySerializer(serializers.Serializer):
    statement = serializers.CharField(
        allow_blank=True, max_length=20000, help_text=_("The rectification done and why credit should be restored.")
    )
    files = files_field(_("Evidence of rectification (at least one file; multipart/form-data)."))


class SanctionImposeSerializer(serializers.Serializer):
    kind = enum(SanctionKind, "SanctionKind", read_only=False)
    reason = serializers.CharField(allow_blank=True, max_length=4000)
    start_on = serializers.DateField(required=False, allow_null=True, help_text=_("Defaults to today."))
    end_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Required for a bar on honours: until when it applies.")
    )
    notice_text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("The notice of criticism to publish.")
    )
    referred_to = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100, help_text=_("Where a case is referred.")
    )


class SanctionOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(allow_blank=True, max_length=4000)
    outcome_on = serializers.DateField()


class SubmissionInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True, max_length=20000, help_text=_("The explanation, or the report on the rectification.")
    )
    files = files_field()


class AcceptSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000, help_text=_("What is missing."))
    extra_working_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=250, help_text=_("More time, in working days.")
    )


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
    reasons = IneligibilityReasonSerializer(many=True)


class IntegrityRecordSerializer(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display")
    category = enum(Category, "DishonestyCategory")
    severity = enum(Severity, "DishonestySeverity")
    rectification_state = enum(RectificationState, "RectificationState")
    state = enum(DisplayState, "DishonestyDisplayState", source="display_state")
    state_display = serializers.CharField(source="get_display_state_display")
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
    record_reference = serializers.CharField(source="record.reference")
    kind_display = serializers.CharField(source="get_kind_display")
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
    open_records = IntegrityRecordSerializer(many=True)
    active_sanctions = IntegritySanctionSerializer(many=True)
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
