"""Evidence files: never public, downloaded only in scope, every download audited."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
)
from rest_framework import permissions
from rest_framework.views import APIView

from core.choices import Action

from ... import services
from ...models import Evidence
from .common import ERRORS


class EvidenceDownloadView(APIView):
    """An evidence file, for callers whose roles reach the record (never public); every download is audited."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="dishonesty_evidence_download",
        summary="Download an evidence file (callers in scope only)",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        # The file as uploaded, with the content type of its kind (PDF, image, office document, …).
        responses={(200, "*/*"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        evidence = (
            Evidence.objects.in_scope(request.user, Action.VIEW)
            .select_related("record__subject_organization")
            .filter(pk=pk)
            .first()
        )
        if evidence is None:
            raise Http404
        opened = services.evidence_open(evidence=evidence, actor=request.user)
        return FileResponse(opened, as_attachment=True, filename=evidence.original_name)
