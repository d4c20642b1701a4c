"""GET /api/v1/civil-servants/{id}/file/?purpose=…: a civil servant's credit file as one timeline, for
whoever may open it; every call is an opening, logged with its purpose (via "api") and shown to the servant."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations.models import CivilServant

from .. import access
from ..choices import FilePurpose
from ..services import files as services


class FileQuerySerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(
        choices=FilePurpose.choices,
        required=False,
        help_text="Why the file is opened (required for staff; the servant's own account needs none).",
    )
    detail = serializers.CharField(max_length=200, required=False, help_text="The purpose in the caller's words.")


class FileEntrySerializer(serializers.Serializer):
    day = serializers.DateField()
    source = serializers.CharField(help_text="The source app and record type, e.g. dishonesty_records.record.")
    source_label = serializers.CharField()
    source_id = serializers.IntegerField()
    title = serializers.CharField()
    detail = serializers.CharField()
    state = serializers.CharField()
    until = serializers.DateField(allow_null=True)
    reference = serializers.CharField()
    adverse = serializers.BooleanField()


class FileCivilServantSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    staff_number = serializers.CharField()
    position = serializers.CharField()
    organization = serializers.CharField(source="organization.name")
    resident_id = serializers.CharField(source="masked_resident_id", help_text="Masked, always.")


class CreditFileSerializer(serializers.Serializer):
    civil_servant = FileCivilServantSerializer()
    entries = FileEntrySerializer(many=True)


class CivilServantFileView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="civil_servant_file",
        summary="A civil servant's credit file: one timeline, every entry naming its source",
        description="For the servant's personnel officers, a supervisor with a live grant (its purpose only), "
        "and the servant themself. Every call is logged as an opening with its purpose and shown to the "
        "servant. The ID number is masked.",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Civil servant id"),
            FileQuerySerializer,
        ],
        responses={
            200: CreditFileSerializer,
            400: OpenApiResponse(description="No purpose, an unknown one, or not the purpose of the caller's grant"),
            401: OpenApiResponse(description="Not signed in / no token"),
            404: OpenApiResponse(description="No such person within the caller's reach"),
        },
    )
    def get(self, request, pk: int):
        person = CivilServant.objects.select_related("organization").filter(pk=pk).first()
        if person is None or access.file_access(request.user, person) is None:
            raise Http404
        query = FileQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            credit_file = services.file_open(
                civil_servant=person,
                purpose=query.validated_data.get("purpose", ""),
                detail=query.validated_data.get("detail", ""),
                actor=request.user,
                via="api",
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
        return Response(CreditFileSerializer({"civil_servant": person, "entries": credit_file.entries}).data)


urlpatterns = [path("civil-servants/<int:pk>/file/", CivilServantFileView.as_view(), name="civil-servant-file")]
