"""Credit checks of a government body or a civil servant by other systems."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import scope_for
from core.choices import Action
from core.publication import PublicationStatus
from organizations.models import CivilServant, Organization

from ... import selectors
from ...choices import SanctionKind, Stage
from ...models import DishonestyRecord, Sanction
from ..serializers import (
    CivilServantIntegritySerializer,
    EligibilitySerializer,
    IntegrityQuerySerializer,
    IntegrityRecordSerializer,
    IntegritySanctionSerializer,
    OrganizationIntegritySerializer,
)

# --- credit checks --------------------------------------------------------------------------------


def checked_on(request):
    query = IntegrityQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("on") or timezone.localdate()


def eligibility_data(eligibility, *, show_record=lambda record_id: True) -> dict:
    """Eligibility with its reasons; a reason resting on a record the caller may not see keeps its kind and
    date but names no record."""
    reasons = []
    for reason in eligibility.reasons:
        if show_record(reason.record_id):
            reasons.append(
                {
                    "code": reason.code,
                    "record_id": reason.record_id,
                    "reference": reason.reference,
                    "text": reason.text,
                    "until": reason.until,
                }
            )
            continue
        if reason.code == SanctionKind.HONOURS_INELIGIBILITY:
            text = _("Barred from honours and awards until %(date)s under a record not on public view.") % {
                "date": reason.until.isoformat()
            }
        else:
            text = _("An explanation or rectification owed under a record not on public view is overdue.")
        reasons.append({"code": reason.code, "record_id": None, "reference": "", "text": text, "until": reason.until})
    return EligibilitySerializer(
        {"eligible": eligibility.eligible, "reasons": reasons, "more_reasons": eligibility.more_reasons}
    ).data


INTEGRITY_EXAMPLE = OpenApiExample(
    "Barred from honours until the end of a sanction",
    value={
        "organization": {"id": 12, "name": "杭州市西湖区某局"},
        "uscc": "11330106002567894M",
        "checked_on": "2026-12-01",
        "records_shown": "public",
        "honours_eligibility": {
            "eligible": False,
            "reasons": [
                {
                    "code": "honours_ineligibility",
                    "record_id": 318,
                    "reference": "ZWSX-000318",
                    "text": "Barred from honours and awards until 2027-05-31 (拒不履行法院生效判决).",
                    "until": "2027-05-31",
                }
            ],
            "more_reasons": False,
        },
        "open_records": [
            {
                "id": 318,
                "reference": "ZWSX-000318",
                "category": "court_judgment_default",
                "category_display": "拒不履行法院生效判决 / 失信被执行人",
                "severity": "general",
                "facts_summary": "未履行法院生效判决确定的支付义务",
                "state": "rectifying",
                "state_display": "已公示，整改中",
                "rectification_state": "in_progress",
                "determined_on": "2026-11-20",
                "authority": {"id": 3, "name": "杭州市西湖区人民政府"},
                "end_date": "2027-11-20",
            }
        ],
        "active_sanctions": [
            {
                "id": 41,
                "record": 318,
                "record_reference": "ZWSX-000318",
                "kind": "honours_ineligibility",
                "kind_display": "取消评优评先资格",
                "authority": "杭州市西湖区人民政府",
                "reason": "拒不履行法院生效判决",
                "start_on": "2026-11-20",
                "end_on": "2027-05-31",
                "notice_text": "",
                "referred_to": "",
            }
        ],
        "open_record_count": 1,
        "category_counts": {"court_judgment_default": 1},
    },
    response_only=True,
)


class OrganizationIntegrityView(APIView):
    """Another system's credit check of a government body (any API client, any active body)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="organization_integrity",
        summary="Credit check of a government body: open records, sanctions, honours eligibility with reasons",
        description="For any authenticated API client or user, about any active body. Lists the records on "
        "public view (all records still counting, when the caller's roles reach the body), the sanctions in "
        "force and whether the body may receive honours and awards on `on` (today by default), with the "
        "reasons when it may not. Eligibility is computed from every record still counting — bars on honours "
        "in force and overdue explanations or rectifications — never typed in; a reason resting on a record "
        "the caller may not see names no record.",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Organization id"),
            IntegrityQuerySerializer,
        ],
        responses={
            200: OrganizationIntegritySerializer,
            400: OpenApiResponse(description="`on` is not a date"),
            401: OpenApiResponse(description="Credit checks are for authenticated callers"),
            404: OpenApiResponse(description="No such active body"),
        },
        examples=[INTEGRITY_EXAMPLE],
    )
    def get(self, request, pk: int):
        organization = Organization.objects.filter(pk=pk, is_active=True).first()
        if organization is None:
            raise Http404
        today = checked_on(request)
        public = not scope_for(request.user, Action.VIEW).covers(organization.path)
        summary = selectors.integrity_summary(organization, today=today, public=public)
        # A credit check answers from every record still counting, published or not; a caller outside the
        # body's reach learns that a bar or an overdue obligation exists, not the unpublished record behind it.
        eligibility = selectors.honours_eligibility(
            organization=organization,
            today=today,
            # Within reach the summary holds every sanction in force (when it lists them all): no second read.
            sanctions_in_force=summary.active_sanctions if not public and summary.all_sanctions_listed else None,
            counting=None if public else summary.counting,
        )
        shown = {record.pk for record in summary.open_records}
        if public:
            named = {reason.record_id for reason in eligibility.reasons} - shown
            shown |= set(DishonestyRecord.objects.public().filter(pk__in=named).values_list("pk", flat=True))
        return Response(
            {
                "organization": {"id": organization.pk, "name": organization.name},
                "uscc": organization.uscc,
                "checked_on": today,
                "records_shown": "public" if public else "all",
                "honours_eligibility": eligibility_data(
                    eligibility, show_record=lambda record_id: not public or record_id in shown
                ),
                "open_records": IntegrityRecordSerializer(summary.open_records, many=True).data,
                "open_record_count": summary.open_record_count,
                "active_sanctions": IntegritySanctionSerializer(summary.active_sanctions, many=True).data,
                "category_counts": summary.category_counts,
            }
        )


class CivilServantIntegrityView(APIView):
    """Whether a person may receive honours: for personnel officers and supervisors over their body only."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="civil_servant_integrity",
        summary="Honours eligibility of a civil servant (personnel officers and supervisors over their body)",
        description="404 unless the caller holds a personnel or supervisor role over the person's organization.",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Civil servant id"),
            IntegrityQuerySerializer,
        ],
        responses={
            200: CivilServantIntegritySerializer,
            400: OpenApiResponse(description="`on` is not a date"),
            401: OpenApiResponse(description="Not signed in"),
            404: OpenApiResponse(description="No such person within the caller's reach"),
        },
    )
    def get(self, request, pk: int):
        person = CivilServant.objects.select_related("organization").filter(pk=pk).first()
        if person is None or not self._may_check(person):
            raise Http404
        today = checked_on(request)
        records = DishonestyRecord.objects.filter(civil_servant=person).select_related("authority")
        sanctions = (
            Sanction.objects.in_force(today)
            .filter(record__civil_servant=person, record__stage=Stage.CONFIRMED)
            .exclude(record__status=PublicationStatus.WITHDRAWN)
            .select_related("record", "authority")
            .order_by("-id")
        )
        return Response(
            {
                "civil_servant": {
                    "id": person.pk,
                    "name": person.name,
                    "position": person.position,
                    "organization": {"id": person.organization_id, "name": person.organization.name},
                },
                "checked_on": today,
                "honours_eligibility": eligibility_data(
                    selectors.honours_eligibility(civil_servant=person, today=today)
                ),
                "open_records": IntegrityRecordSerializer(records.standing().order_by("-id")[:100], many=True).data,
                "active_sanctions": IntegritySanctionSerializer(sanctions[:100], many=True).data,
            }
        )

    def _may_check(self, person) -> bool:
        path = person.organization.path
        return any(scope_for(self.request.user, action).covers(path) for action in (Action.PERSONNEL, Action.SUPERVISE))
