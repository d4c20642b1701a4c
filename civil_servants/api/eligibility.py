"""GET /api/v1/civil-servants/{id}/eligibility/?purpose=…: eligible, or restricted with every reason."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations.models import CivilServant

from ..choices import EligibilityPurpose
from ..services.eligibility import eligibility_check, may_check_eligibility


class CivilServantEligibilityQuerySerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=EligibilityPurpose.choices, help_text="What the check is for.")
    on = serializers.DateField(required=False, help_text="The day asked about (today by default).")


class EligibilityRestrictionSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="dishonesty_record | honours_ineligibility | rectification_overdue | discipline"
    )
    text = serializers.CharField()
    source = serializers.CharField(help_text="The source record as <type>#<id>.")
    reference = serializers.CharField()
    until = serializers.DateField(allow_null=True, help_text="The last day it restricts; null: no end set.")
    serious = serializers.BooleanField(help_text="A serious case: a consider-removal flag is raised.")


class CivilServantEligibilitySerializer(serializers.Serializer):
    civil_servant = serializers.IntegerField(source="civil_servant.pk")
    purpose = serializers.ChoiceField(choices=EligibilityPurpose.choices)
    on = serializers.DateField()
    eligible = serializers.BooleanField()
    reasons = EligibilityRestrictionSerializer(many=True)
    more_reasons = serializers.BooleanField(help_text="More reasons of a kind exist than are listed.")
    removal_flag_raised = serializers.SerializerMethodField()
    check_id = serializers.IntegerField(source="check.pk")

    def get_removal_flag_raised(self, result) -> bool:
        return bool(result.removal_flags_raised)


class CivilServantEligibilityView(APIView):
    """May this civil servant be appointed, promoted, awarded or honoured? Every check is logged."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="civil_servant_eligibility",
        summary="Eligibility of a civil servant for appointment, promotion, an award or honours",
        description=(
            "Personnel officers over the servant's organization only; anyone else gets 404, as for a missing "
            "person. Each reason names its source record and the last day it restricts. Serious cases raise a "
            "consider-removal flag for the personnel officer (never an automatic action). Every call is logged "
            "and shown to the servant."
        ),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Civil servant id"),
            CivilServantEligibilityQuerySerializer,
        ],
        responses={
            200: CivilServantEligibilitySerializer,
            400: OpenApiResponse(description="`purpose` missing or not one of appointment, promotion, award, honours"),
            401: OpenApiResponse(description="Not signed in / no token"),
            404: OpenApiResponse(description="No such person within the caller's personnel scope"),
        },
        examples=[
            OpenApiExample(
                "Restricted",
                response_only=True,
                value={
                    "civil_servant": 42,
                    "purpose": "promotion",
                    "on": "2026-12-03",
                    "eligible": False,
                    "reasons": [
                        {
                            "code": "discipline",
                            "text": "Disciplinary sanction: 记过 (西纪〔2026〕7号, decided on 2026-03-02).",
                            "source": "civil_servants.career_entry#17",
                            "reference": "西纪〔2026〕7号",
                            "until": "2027-03-01",
                            "serious": False,
                        }
                    ],
                    "more_reasons": False,
                    "removal_flag_raised": False,
                    "check_id": 901,
                },
            )
        ],
    )
    def get(self, request, pk: int):
        person = CivilServant.objects.select_related("organization").filter(pk=pk).first()
        if person is None or not may_check_eligibility(request.user, person):
            raise Http404
        given = CivilServantEligibilityQuerySerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        result = eligibility_check(
            civil_servant=person,
            purpose=given.validated_data["purpose"],
            on=given.validated_data.get("on"),
            actor=request.user,
        )
        return Response(CivilServantEligibilitySerializer(result).data)


urlpatterns = [
    path(
        "civil-servants/<int:pk>/eligibility/", CivilServantEligibilityView.as_view(), name="civil-servant-eligibility"
    )
]
