"""Evidence files of pledges: whoever may see the pledge may download them (the public: of published public
pledges)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.views import APIView

from core.api.bounds import BIGINT_MAX

from ...models import Evidence
from .common import ERRORS, visible_pledges


class PledgeEvidenceDownloadView(APIView):
    permission_classes = [permissions.AllowAny]  # the default anonymous and per-client throttles still apply

    @extend_schema(
        operation_id="pledge_evidence_download",
        summary="Download an evidence file of a pledge the caller can see",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        # The file as uploaded, with the content type of its kind (PDF, image, office document, …).
        responses={(200, "*/*"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        if pk > BIGINT_MAX:
            raise Http404
        visible = visible_pledges(request.user).values("pk")
        evidence = Evidence.objects.filter(pk=pk, pledge__in=visible).first()
        if evidence is None:
            raise Http404
        try:
            opened = evidence.file.open("rb")
        except OSError:  # the row outlived its file (a restore without media): nothing to serve
            raise Http404 from None
        return FileResponse(opened, as_attachment=True, filename=evidence.original_name)
