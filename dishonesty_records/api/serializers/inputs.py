"""What callers send: proposals, corrections, rulings, submissions, sanctions, repair applications."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import enum
from organizations.models import CivilServant, Organization

from ...choices import (
    Category,
    SanctionKind,
    Severity,
    SourceKind,
    SubjectKind,
)
from .fields import files_field

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
