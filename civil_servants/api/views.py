"""The exam authority's check of an applicant: the ID number in the body only, never in a URL or a log."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.throttling import AnonymousRateThrottle, PrincipalRateThrottle

from .. import services
from ..choices import ExamGround


class ExamCheckThrottle(PrincipalRateThrottle):
    """Per client, and much tighter than the other endpoints: checks are looked up one person at a time."""

    scope = "exam_eligibility"


class ExamEligibilityRequestSerializer(serializers.Serializer):
    resident_id = serializers.CharField(
        max_length=32, help_text="The applicant's 18-character resident ID number (checked, never logged)."
    )
    purpose = serializers.CharField(max_length=200, help_text="What the check is for: the exam and the post.")
    on = serializers.DateField(required=False, help_text="The day asked about (today by default).")


class ExamGroundSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=ExamGround.choices)
    label = serializers.CharField()
    decided_on = serializers.DateField()
    until_on = serializers.DateField(allow_null=True, help_text="The last day it bars; null: for ever or for life.")
    decided_by = serializers.CharField()
    document_number = serializers.CharField()


class ExamEligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    on = serializers.DateField()
    grounds = ExamGroundSerializer(many=True)


class ExamEligibilityView(APIView):
    """May this applicant sit the civil service exam? Eligible, or each ground that bars, with its end."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [AnonymousRateThrottle, ExamCheckThrottle]

    @extend_schema(
        operation_id="exam_eligibility_check",
        summary="Check an exam applicant against the statutory and exam-misconduct grounds",
        request=ExamEligibilityRequestSerializer,
        responses={
            200: ExamEligibilitySerializer,
            400: OpenApiResponse(description="Field errors: a malformed ID number or a wrong check digit, no purpose"),
            401: OpenApiResponse(description="Not signed in / no token"),
            403: OpenApiResponse(description="Not a personnel department or the exam authority's client"),
            429: OpenApiResponse(description="Too many checks: retry after the time in Retry-After"),
        },
        examples=[
            OpenApiExample(
                "Ask",
                request_only=True,
                value={"resident_id": "330106199001011234", "purpose": "2026年度公务员录用考试资格复审"},
            ),
            OpenApiExample(
                "Barred",
                response_only=True,
                value={
                    "eligible": False,
                    "on": "2026-12-03",
                    "grounds": [
                        {
                            "ground": "exam_organised",
                            "label": "组织作弊或替考：长期或终身不得报考",
                            "decided_on": "2022-04-15",
                            "until_on": None,
                            "decided_by": "浙江省公务员局",
                            "document_number": "浙公考〔2022〕12号",
                        }
                    ],
                },
            ),
        ],
    )
    def post(self, request):
        given = ExamEligibilityRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        result = services.exam_eligibility_check(
            resident_id=given.validated_data["resident_id"],
            purpose=given.validated_data["purpose"],
            on=given.validated_data.get("on"),
            actor=request.user,
        )
        return Response(ExamEligibilitySerializer(result).data, status=status.HTTP_200_OK)
