"""/api/v1/complaints/: filing (API clients, the 12345 hotline), the caller's complaints, and the handler's
acts — each a service call. Reading goes through Complaint.objects.for_user (out of reach: 404); the
service says who may act (403) and what is wrong (400: field errors, or `non_field_errors` for a step
the complaint's status does not allow — as everywhere in this API)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.choices import ApiScope
from organizations.models import Organization

from .. import hotline, services
from ..choices import Channel
from ..models import Complaint
from ..selectors import public_timeline
from ..services import deadlines
from .filters import ComplaintFilter
from .serializers import (
    ComplaintAcceptSerializer,
    ComplaintDeclineSerializer,
    ComplaintDetailSerializer,
    ComplaintFiledBeforeSerializer,
    ComplaintFiledSerializer,
    ComplaintFileSerializer,
    ComplaintReplySerializer,
    ComplaintSummarySerializer,
)

CODE_PATTERN = r"HZ-[0-9A-Z]{5}-[0-9A-Z]{5}"
ERRORS = {
    400: OpenApiResponse(
        description="Field errors, or the step is not possible in the complaint's status (non_field_errors)"
    ),
    403: OpenApiResponse(description="The complaint is visible to the caller, but this step is not theirs"),
    404: OpenApiResponse(description="No such complaint within the caller's reach"),
}
FILING_SCOPES = (ApiScope.WRITE, ApiScope.HOTLINE)
LIST_COLUMNS = (
    "id",
    "tracking_code",
    "channel",
    "category",
    "organization__name",
    "handling_organization__name",
    "title",
    "status",
    "anonymous",
    "received_on",
    "accept_due",
    "handle_due",
    "review_request_due",
    "review_due",
    "escalated_at",
)
_FILE_EXAMPLE = {
    "category": "broken_pledge",
    "organization": 12,
    "title": "承诺的“一次告知”没有兑现",
    "facts": "今年九月去窗口办理企业登记，工作人员先后三次要求补交不同材料，没有一次性告知。",
    "place": "市民中心三楼",
    "anonymous": False,
    "consent_to_share": False,
    "name": "张三",
    "phone": "13800000000",
    "external_reference": "12345-20261203-0042",
}


@extend_schema_view(
    list=extend_schema(
        summary="The complaints within the caller's reach",
        description="Intake officers: complaints about the organizations they take in for; the handling "
        "organization's staff and reviewers: those it handles; supervisors: either. Newest first, cursor pages, "
        "no total count. No complainant identity in any shape of this API.",
    ),
    retrieve=extend_schema(
        summary="One complaint: its facts, deadlines (and how each was counted) and its public timeline",
        responses={200: ComplaintDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="File a complaint (API clients with the write scope; the 12345 hotline with its own scope)",
        description="JSON, or multipart/form-data with `attachments` files. The hotline's complaints are filed "
        "through channel `hotline` and need `external_reference` (its work order): the same work order "
        "filed again answers 200 with the complaint filed the first time, without the secret. Every "
        "status change of a hotline complaint is sent back to the hotline's webhook.",
        request={"application/json": ComplaintFileSerializer, "multipart/form-data": ComplaintFileSerializer},
        responses={
            201: ComplaintFiledSerializer,
            200: OpenApiResponse(ComplaintFiledBeforeSerializer, description="This work order was filed before"),
            400: OpenApiResponse(description="Field errors, in the caller's language"),
            403: OpenApiResponse(description="These credentials may not file complaints"),
        },
        examples=[OpenApiExample("A named complaint from the hotline", value=_FILE_EXAMPLE, request_only=True)],
    ),
)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ComplaintSummarySerializer
    filterset_class = ComplaintFilter
    queryset = Complaint.objects.none()  # for the schema; get_queryset scopes every request
    lookup_field = "tracking_code"
    lookup_value_regex = CODE_PATTERN

    def get_queryset(self):
        complaints = Complaint.objects.for_user(self.request.user).select_related(
            "organization", "handling_organization"
        )
        if self.action == "list":
            return complaints.only(*LIST_COLUMNS)
        return complaints.select_related("merged_into")

    # --- reading -----------------------------------------------------------------------------------

    def retrieve(self, request, *args, **kwargs):
        return Response(self.shown(self.get_object()))

    def shown(self, complaint: Complaint) -> dict:
        context = {
            **self.get_serializer_context(),
            "timeline": public_timeline(complaint),
            "deadlines": deadlines.explain(complaint),
        }
        return ComplaintDetailSerializer(complaint, context=context).data

    def fresh(self, complaint: Complaint) -> dict:
        return self.shown(self.get_queryset().get(pk=complaint.pk))

    # --- filing ------------------------------------------------------------------------------------

    def create(self, request, *args, **kwargs):
        scopes = getattr(request.user, "scopes", ())
        if not any(scope in scopes for scope in FILING_SCOPES):
            raise exceptions.PermissionDenied(_("These credentials may not file complaints."))
        channel = Channel.HOTLINE if ApiScope.HOTLINE in scopes else Channel.API
        data = self.validated(ComplaintFileSerializer)
        files = data.pop("attachments", None) or []
        if channel == Channel.HOTLINE and not (data.get("external_reference") or "").strip():
            raise ValidationError({"external_reference": [_("Give the hotline's work-order number.")]})
        if channel == Channel.HOTLINE:
            filing = hotline.file_once(data=data, channel=channel, actor=request.user, files=files)
        else:
            filed = services.complaint_file(data=data, channel=channel, actor=request.user, files=files)
            filing = hotline.Filing(filed.complaint, filed.secret, True)
        complaint = filing.complaint
        if not filing.created:
            body = ComplaintFiledBeforeSerializer(complaint).data
            return Response(body, status=status.HTTP_200_OK)
        body = ComplaintFiledSerializer({**_filed_fields(complaint), "secret": filing.secret}).data
        return Response(body, status=status.HTTP_201_CREATED)

    # --- the handler's steps -----------------------------------------------------------------------

    @extend_schema(
        summary="Accept and assign to the handling organization (intake officers)",
        request=ComplaintAcceptSerializer,
        responses={200: ComplaintDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, tracking_code=None):
        complaint = self.get_object()
        data = self.validated(ComplaintAcceptSerializer)
        handler = Organization.objects.filter(pk=data["handling_organization"], is_active=True).first()
        complaint = services.complaint_accept(
            complaint=complaint, handling_organization=handler, note=data["note"], actor=request.user
        )
        return Response(self.fresh(complaint))

    @extend_schema(
        summary="Decline (不予受理) with the reason and an explanation for the complainant (intake officers)",
        request=ComplaintDeclineSerializer,
        responses={200: ComplaintDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, tracking_code=None):
        complaint = self.get_object()
        data = self.validated(ComplaintDeclineSerializer)
        complaint = services.complaint_decline(
            complaint=complaint, reason=data["reason"], explanation=data["explanation"], actor=request.user
        )
        return Response(self.fresh(complaint))

    @extend_schema(
        summary="The written reply (the handling organization's staff)",
        description="The complainant may then ask for a review within the review period.",
        request=ComplaintReplySerializer,
        responses={200: ComplaintDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, tracking_code=None):
        complaint = self.get_object()
        data = self.validated(ComplaintReplySerializer)
        complaint = services.complaint_reply(complaint=complaint, text=data["text"], actor=request.user)
        return Response(self.fresh(complaint))

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def _filed_fields(complaint: Complaint) -> dict:
    return {"tracking_code": complaint.tracking_code, "status": complaint.status, "accept_due": complaint.accept_due}
