"""What a pledge's detail carries: milestones, the progress timeline, evidence files, its parts, the measurement."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ChoiceLabelField, enum

from ...choices import Fulfilment
from ...models import Evidence, Milestone, Pledge, ProgressReport


class PledgeMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "due_provisional", "working_days", "done_on"]
        read_only_fields = fields
        extra_kwargs = {
            "due_provisional": {"help_text": _("Counted without a holiday table for its year (weekends only).")},
            "working_days": {"help_text": _("Set when the milestone is due a number of working days after the start.")},
        }


class PublicProgressReportSerializer(serializers.ModelSerializer):
    """One step of the public timeline: what was done and how far it took the pledge."""

    class Meta:
        model = ProgressReport
        fields = ["id", "reported_at", "progress_before", "progress_after", "note", "reason", "milestone", "source"]
        read_only_fields = fields
        extra_kwargs = {
            "reason": {"help_text": _("Why progress went down (empty when it did not).")},
            "milestone": {"help_text": _("The milestone this report completed (id), if any.")},
            "source": {"help_text": _("form, import or api.")},
        }


class InternalProgressReportSerializer(PublicProgressReportSerializer):
    class Meta(PublicProgressReportSerializer.Meta):
        fields = [*PublicProgressReportSerializer.Meta.fields, "reported_by_label"]
        read_only_fields = fields
        extra_kwargs = PublicProgressReportSerializer.Meta.extra_kwargs


class PublicPledgeEvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text=_("API address of the file."))

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "size", "sha256", "uploaded_at", "report", "download"]
        read_only_fields = fields
        extra_kwargs = {"report": {"help_text": _("The progress report the file came with (id).")}}

    def get_download(self, evidence) -> str:
        path = reverse("api:pledge-evidence-download", kwargs={"pk": evidence.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class InternalPledgeEvidenceSerializer(PublicPledgeEvidenceSerializer):
    class Meta(PublicPledgeEvidenceSerializer.Meta):
        fields = [*PublicPledgeEvidenceSerializer.Meta.fields, "uploaded_by_label"]
        read_only_fields = fields


class PledgePartSerializer(serializers.ModelSerializer):
    """A part (child) of a pledge: a parent's progress is its parts', weighted."""

    reference = serializers.CharField()
    fulfilment = enum(Fulfilment, "PledgeFulfilment")
    fulfilment_display = ChoiceLabelField("fulfilment")

    class Meta:
        model = Pledge
        fields = ["id", "reference", "title", "weight", "progress", "fulfilment", "fulfilment_display", "due_on"]
        read_only_fields = fields


class MeasurementPointSerializer(serializers.Serializer):
    month = serializers.DateField(help_text=_("The first day of the month."))
    met = serializers.IntegerField(help_text=_("Records that met the bar."))
    counted = serializers.IntegerField(help_text=_("Records counted."))
    value = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text=_("met / counted in %; null when none counted.")
    )


class PledgeMeasurementSerializer(serializers.Serializer):
    """A measured pledge's value from the portal's own records, over its period so far."""

    indicator = serializers.CharField(source="key")
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    parameters = serializers.DictField(child=serializers.IntegerField())
    met = serializers.IntegerField()
    counted = serializers.IntegerField()
    value = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text=_("In %; null when nothing was counted yet.")
    )
    target = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, help_text=_("In %."))
    meets_target = serializers.BooleanField(allow_null=True)
    points = MeasurementPointSerializer(many=True)


class ReportedProgressSerializer(InternalProgressReportSerializer):
    """A progress report just made, with the evidence files it brought."""

    evidence = InternalPledgeEvidenceSerializer(many=True)

    class Meta(InternalProgressReportSerializer.Meta):
        fields = [*InternalProgressReportSerializer.Meta.fields, "evidence"]
        read_only_fields = fields
