"""What callers send. Types and lengths here (what the database can hold); every rule of the domain is the
service's, whose ValidationError comes back as {"field": ["message"]} in the caller's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.bounds import BIGINT_MAX
from core.api.fields import EnumField, enum
from organizations.models import CivilServant, Organization

from ...choices import (
    SETTLED_FULFILMENTS,
    DepartmentTheme,
    Fulfilment,
    LawfulGround,
    PledgeKind,
    PPPStage,
    ServiceArea,
)
from ...models import Pledge
from .fields import PledgeDateField, blankable

REASON_MAX = 4000
TEXT_MAX = 20000


@extend_schema_field(OpenApiTypes.INT)
class VisiblePledgeField(serializers.PrimaryKeyRelatedField):
    """A pledge the caller can see (id): one it cannot is "does not exist", like a missing one."""

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return Pledge.objects.none()
        return Pledge.objects.for_user(user).select_related("organization")


class PledgeInputSerializer(serializers.Serializer):
    """A new pledge, or the fields of a draft (or of a correction) that change."""

    kind = enum(PledgeKind, "PledgeKind", read_only=False, required=False)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_(
            "The pledging body (id); defaults to the API client's organization. For a civil servant's "
            "pledge, the body the person serves in."
        ),
    )
    civil_servant = serializers.PrimaryKeyRelatedField(
        queryset=CivilServant.objects.select_related("organization"),
        required=False,
        allow_null=True,
        help_text=_("The civil servant who pledges (id), for a civil servant's pledge (never public)."),
    )
    theme = blankable(DepartmentTheme, "PledgeTheme", read_only=False, required=False)
    service_area = blankable(ServiceArea, "PledgeServiceArea", read_only=False, required=False)
    year = serializers.IntegerField(
        min_value=1990,
        max_value=2100,
        required=False,
        allow_null=True,
        help_text=_("For a practical thing done for the people: the year of its list."),
    )
    counterparty = serializers.CharField(max_length=200, required=False, allow_blank=True)
    counterparty_uscc = serializers.CharField(max_length=18, required=False, allow_blank=True)
    project = serializers.CharField(max_length=200, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    content = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    legal_basis = serializers.CharField(max_length=500, required=False, allow_blank=True)
    starts_on = PledgeDateField(required=False)
    due_on = PledgeDateField(required=False)
    is_public = serializers.BooleanField(
        required=False, default=True, help_text=_("False for an internal pledge (never published).")
    )
    responsible_person = serializers.CharField(max_length=60, required=False, allow_blank=True)
    parent = VisiblePledgeField(
        required=False, allow_null=True, help_text=_("The pledge this one is a part of (id), same organization.")
    )
    weight = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, help_text=_("Its weight in its parent (more than zero).")
    )
    indicator = serializers.CharField(
        max_length=80, required=False, allow_blank=True, help_text=_("For a measured pledge: what the portal measures.")
    )
    indicator_parameters = serializers.DictField(required=False, help_text=_("The indicator's parameters."))
    indicator_target = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        required=False,
        allow_null=True,
        help_text=_("The share (0–100 %) the measured value is to reach."),
    )


class PledgeCorrectionSerializer(PledgeInputSerializer):
    """A published pledge corrected as a new version: only the fields given change."""

    reason = serializers.CharField(
        max_length=REASON_MAX,
        required=False,
        allow_blank=True,
        help_text=_("What was wrong and what the correction changes (kept in the history)."),
    )


class PledgeReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True, help_text=_("Kept in the history."))


class ProgressInputSerializer(serializers.Serializer):
    progress = serializers.DecimalField(max_digits=6, decimal_places=2, help_text=_("The new progress, 0–100 (%)."))
    note = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, help_text=_("What was done."))
    reason = serializers.CharField(
        max_length=REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when progress goes down: why."),
    )
    milestone = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        allow_null=True,
        help_text=_("The milestone this report completes (id), of this pledge."),
    )
    files = serializers.ListField(
        # Kind, size and content are the service's to check: its messages name the file.
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        write_only=True,
        help_text=_("Evidence files (multipart/form-data, repeat the field for several)."),
    )


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    due_on = PledgeDateField(required=False, allow_null=True, help_text=_("Due on this date …"))
    working_days = serializers.IntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        allow_null=True,
        help_text=_("… or this many working days after the pledge starts (holidays and make-up days counted)."),
    )


SETTLEMENT_CHOICES = [(value, label) for value, label in Fulfilment.choices if value in SETTLED_FULFILMENTS]


class SettleSerializer(serializers.Serializer):
    outcome = EnumField(SETTLEMENT_CHOICES, enum_name="PledgeSettlement")
    note = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, help_text=_("How it was kept or broken."))
    settled_on = PledgeDateField(required=False, allow_null=True, help_text=_("Defaults to today."))
    breach_stage = blankable(
        PPPStage,
        "PledgePPPStage",
        read_only=False,
        required=False,
        default="",
        help_text=_("A broken PPP duty: the project stage in which it was broken."),
    )
    breach_occurred_on = PledgeDateField(
        required=False,
        allow_null=True,
        help_text=_("A broken PPP duty: the day it was broken (defaults to the settlement date)."),
    )


class LawfulChangeSerializer(serializers.Serializer):
    ground = EnumField(LawfulGround.choices, enum_name="PledgeLawfulGround")
    approved_by = serializers.CharField(max_length=200, allow_blank=True, help_text=_("The approving authority."))
    document = serializers.CharField(max_length=200, allow_blank=True, help_text=_("The approval document's number."))
    compensation = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("For an investment promise or contract: how the companies' losses are compensated."),
    )
    reason = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, help_text=_("What changes and why."))


class EvaluateSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    comment = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, help_text=_("Why this score."))
