"""/api/v1/disclosures/penalties/ and /licenses/: thin viewsets over the restricted queryset."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.inputs import body_text
from core.api.scope import with_own_organization
from core.choices import Action
from organizations.models import Organization

from .. import services
from ..models import LicenseDisclosure, PenaltyDisclosure
from .filters import LicenseFilter, PenaltyFilter
from .rows import LICENSE_ROWS, PENALTY_ROWS
from .serializers import (
    LicenseSerializer,
    PenaltySerializer,
    PublishResultSerializer,
    ReasonSerializer,
    RevealedIdNumbersSerializer,
    RevealReasonSerializer,
)


class ReadOrAuthenticated(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or bool(request.user and request.user.is_authenticated)


class DisclosureViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Anonymous callers read what is public (ID numbers masked); API clients and staff also read
    and write their own organization's drafts; reviewers publish, withdraw and correct."""

    kind: str
    model = None
    list_rows = None  # core.api.rows.RowSerializer: the list read as values() in the serializer's shape
    permission_classes = [ReadOrAuthenticated]

    # Which action a request needs over the record's authority: the access rule turns it into a scope.
    ACTION_FOR = {
        "list": Action.VIEW,
        "retrieve": Action.VIEW,
        "update": Action.CHANGE,
        "partial_update": Action.CHANGE,
        "publish": Action.REVIEW,
        "withdraw": Action.REVIEW,
        "correct": Action.REVIEW,
        "reveal_id": Action.VIEW,
    }

    def get_queryset(self):
        user = self.request.user
        queryset = self.model.objects.select_related("authority", "data_source")
        if not user.is_authenticated:
            return queryset.public()
        if self.action == "reveal_id":
            # Only what the caller's own roles reach: that a record is public is no reason to see
            # the whole ID numbers of its people.
            return queryset.in_scope(user, Action.VIEW)
        return queryset.for_user(user, self.ACTION_FOR.get(self.action, Action.VIEW))

    def list(self, request, *args, **kwargs):
        # The same records, filters, order and pages as ListModelMixin; rows instead of model instances.
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(self.list_rows.values(queryset))
        response = self.get_paginated_response(self.list_rows.represent(page))
        response.plain_json = self.list_rows.plan.plain_json  # see core.api.renderers
        return response

    # --- writes go through the services -------------------------------------------------------

    # The service checks that the authority and the data source are bodies the caller enters records for.

    def perform_create(self, serializer):
        data = with_own_organization(
            dict(serializer.validated_data),
            "authority",
            actor=self.request.user,
            organizations=Organization.objects.all(),
            required_message=_("Give the deciding authority."),
        )
        data.setdefault("data_source", data["authority"])
        serializer.instance = services.disclosure_create(kind=self.kind, data=data, actor=self.request.user)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.disclosure_update(record=serializer.instance, data=data, actor=self.request.user)

    @extend_schema(
        request=None,
        responses={200: PublishResultSerializer, 400: OpenApiResponse(description="Not allowed now")},
        summary="Publish a draft (reviewer scope; not the one who entered it)",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        record = services.disclosure_publish(record=self.get_object(), actor=request.user)
        return Response(PublishResultSerializer(record).data)

    @extend_schema(request=ReasonSerializer, summary="Withdraw a published record (reviewer scope, reason required)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        record = services.disclosure_withdraw(
            record=self.get_object(), reason=body_text(request, "reason"), actor=request.user
        )
        return Response(self.get_serializer(record).data)

    @extend_schema(
        summary="Correct a published record: a new version, the old one kept (reviewer scope, reason required)"
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        corrected = services.disclosure_correct(
            record=record,
            data=dict(serializer.validated_data),
            reason=body_text(request, "reason"),
            actor=request.user,
        )
        return Response(self.get_serializer(corrected).data, status=status.HTTP_200_OK)

    @extend_schema(
        request=RevealReasonSerializer,
        responses={
            200: RevealedIdNumbersSerializer,
            400: OpenApiResponse(description="Field errors: the reason is missing or says nothing"),
            401: OpenApiResponse(description="Not signed in: no or an invalid token"),
            403: OpenApiResponse(description="Not allowed for this caller"),
            404: OpenApiResponse(description="No such record within the caller's own organizations"),
        },
        summary="The whole ID numbers of a record's natural persons (own organizations only, reason required, audited)",
        description=(
            "Every other response masks natural persons' ID numbers. This one returns them whole and "
            "writes an audit row naming the caller and the reason."
        ),
    )
    @action(detail=True, methods=["post"], url_path="reveal-id")
    def reveal_id(self, request, pk=None):
        record = self.get_object()
        reason = RevealReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        revealed = services.disclosure_reveal_id_number(
            record=record, reason=reason.validated_data["reason"], actor=request.user
        )
        body = {
            "id": record.pk,
            "subject_id_type": record.subject_id_type,
            "legal_representative_id_type": record.legal_representative_id_type,
            **revealed,
        }
        return Response(RevealedIdNumbersSerializer(body).data)


_PENALTY_EXAMPLE = {
    "subject_name": "杭州某某贸易有限公司",
    "subject_kind": "legal_person",
    "subject_uscc": "91330100716105852F",
    "legal_representative": "张三",
    "decision_number": "杭市监罚〔2026〕118号",
    "violation_type": "虚假宣传",
    "violation_facts": "当事人在其网店发布虚假广告……",
    "legal_basis": "《中华人民共和国广告法》第五十五条",
    "penalty_kinds": ["warning", "fine"],
    "penalty_content": "警告，罚款人民币贰仟元整",
    "fine_amount": "0.2",
    "decided_on": "2026-11-20",
}


@extend_schema_view(
    list=extend_schema(summary="Penalty disclosures (行政处罚)"),
    retrieve=extend_schema(summary="One penalty disclosure"),
    create=extend_schema(
        summary="Enter a draft penalty (write scope)",
        examples=[OpenApiExample("A fine of 2,000 yuan", value=_PENALTY_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(summary="Replace a draft (write scope)"),
    partial_update=extend_schema(summary="Edit a draft (write scope)"),
)
class PenaltyViewSet(DisclosureViewSet):
    kind = "penalty"
    model = PenaltyDisclosure
    serializer_class = PenaltySerializer
    filterset_class = PenaltyFilter
    list_rows = PENALTY_ROWS


_LICENSE_EXAMPLE = {
    "subject_name": "杭州某某餐饮管理有限公司",
    "subject_kind": "legal_person",
    "subject_uscc": "91330100716105852F",
    "legal_representative": "李四",
    "decision_document_name": "食品经营许可决定书",
    "decision_number": "JY23301060001234",
    "license_category": "ordinary",
    "certificate_name": "食品经营许可证",
    "license_number": "JY23301060001234",
    "content": "预包装食品销售",
    "decided_on": "2026-11-18",
    "valid_from": "2026-11-18",
    "valid_until": "2031-11-17",
}


@extend_schema_view(
    list=extend_schema(summary="Licence disclosures (行政许可)"),
    retrieve=extend_schema(summary="One licence disclosure"),
    create=extend_schema(
        summary="Enter a draft licence (write scope)",
        examples=[OpenApiExample("A food business licence", value=_LICENSE_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(summary="Replace a draft (write scope)"),
    partial_update=extend_schema(summary="Edit a draft (write scope)"),
)
class LicenseViewSet(DisclosureViewSet):
    kind = "license"
    model = LicenseDisclosure
    serializer_class = LicenseSerializer
    filterset_class = LicenseFilter
    list_rows = LICENSE_ROWS
