"""/api/v1/dishonesty-records/ and what hangs off a record: thin viewsets over the restricted querysets.

Reading: anonymous callers see records on public view; signed-in users and API clients also see what their
roles reach (`for_user`). Anything else answers 404 like a missing record. Each record is shown in the shape
the caller may see (serializers.py). Writing: every change is a service call; the service decides who may
act (403), refuses illegal moves with its own message (400) and names bad fields (400, per field).
Actions on a record need a role over it: a record the caller sees only because it is public is 404 there.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import scope_for
from core.audit import audit_log
from core.choices import Action
from core.publication import PublicationStatus
from organizations.models import CivilServant, Organization

from .. import selectors, services
from ..choices import SanctionKind, Stage, SubjectKind
from ..models import DishonestyRecord, Evidence, Obligation, RepairApplication, Sanction
from .filters import DishonestyRecordFilter, ObligationFilter, RepairApplicationFilter, SanctionFilter
from .serializers import (
    PUBLIC_SANCTION_KINDS,
    AcceptSerializer,
    CivilServantIntegritySerializer,
    ConfirmSerializer,
    CorrectionSerializer,
    DishonestyReasonSerializer,
    EligibilitySerializer,
    IntegrityQuerySerializer,
    IntegrityRecordSerializer,
    IntegritySanctionSerializer,
    InternalRecordSerializer,
    ObjectionSerializer,
    ObligationSerializer,
    OrganizationIntegritySerializer,
    ProposalSerializer,
    PublicCivilServantRecordSerializer,
    PublicRecordSerializer,
    RepairApplicationSerializer,
    RepairApplySerializer,
    ReturnSerializer,
    SanctionImposeSerializer,
    SanctionOutcomeSerializer,
    SanctionSerializer,
    SubmissionInputSerializer,
    SubmissionSerializer,
)


def record_shapes(**kwargs) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="DishonestyRecordShown",
        serializers={
            serializer.SHAPE: serializer
            for serializer in (InternalRecordSerializer, PublicRecordSerializer, PublicCivilServantRecordSerializer)
        },
        resource_type_field_name="shape",
        **kwargs,
    )


ERRORS = {
    400: OpenApiResponse(description="Field errors, or the move is not allowed now (non_field_errors)"),
    403: OpenApiResponse(description="Not allowed for this caller"),
    404: OpenApiResponse(description="No such record within the caller's reach"),
}
PROPOSAL_EXAMPLE = OpenApiExample(
    "A body that does not carry out a court judgment",
    value={
        "subject_kind": "organization",
        "category": "court_judgment_default",
        "severity": "general",
        "facts": "该单位作为被执行人，未按照（2026）浙0106执123号判决书履行支付义务，逾期六个月。",
        "facts_summary": "未履行法院生效判决确定的支付义务",
        "occurred_on": "2026-05-12",
        "source_kind": "court",
        "source_document_number": "（2026）浙0106执123号",
        "source_issuing_body": "杭州市西湖区人民法院",
        "source_document_date": "2026-10-30",
    },
    request_only=True,
)


def files_of(validated: dict) -> list:
    return list(validated.pop("files", None) or [])


class RecordScopeMixin:
    """Per request: the scope in which the caller may see a record's inside."""

    @cached_property
    def view_scope(self):
        return scope_for(self.request.user, Action.VIEW)

    def may_see_inside(self, record: DishonestyRecord) -> bool:
        return self.view_scope.covers(record.subject_organization.path)


# --- records --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Dishonesty records (政务失信记录)",
        description="Anonymous callers: records on public view. Signed-in users and API clients also see the "
        "records their roles reach, in full (`shape: internal`). A civil servant's record outside the caller's "
        "reach shows only name, position, organization, category, summary of facts, determination date, "
        "authority and end of publicity. Newest first, cursor pages, no total count.",
        responses={200: record_shapes(many=True)},
    ),
    retrieve=extend_schema(summary="One dishonesty record", responses={200: record_shapes(), 404: ERRORS[404]}),
    create=extend_schema(
        summary="Propose a record (write scope for the client's own organization; staff; supervisors)",
        description="JSON, or multipart/form-data with evidence `files`. The subject may object within the "
        "objection period; a supervisor then confirms or dismisses.",
        request=ProposalSerializer,
        responses={201: InternalRecordSerializer, 400: ERRORS[400], 401: None, 403: ERRORS[403]},
        examples=[PROPOSAL_EXAMPLE],
    ),
    partial_update=extend_schema(
        summary="Amend a proposal before the ruling",
        request=ProposalSerializer,
        responses={200: InternalRecordSerializer, **ERRORS},
    ),
)
class DishonestyRecordViewSet(
    RecordScopeMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    serializer_class = InternalRecordSerializer
    filterset_class = DishonestyRecordFilter
    queryset = DishonestyRecord.objects.none()  # for the schema; get_queryset scopes every request
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        user = self.request.user
        records = DishonestyRecord.objects.select_related("subject_organization", "authority")
        if not user.is_authenticated:
            public_sanctions = Sanction.objects.filter(kind__in=PUBLIC_SANCTION_KINDS).order_by("id")
            return records.public().prefetch_related(Prefetch("sanctions", queryset=public_sanctions))
        if self.action in ("list", "retrieve"):
            records = records.for_user(user, Action.VIEW)
        else:
            records = records.in_scope(user, Action.VIEW)
        return records.prefetch_related(
            "obligations",
            Prefetch("sanctions", queryset=Sanction.objects.select_related("authority").order_by("id")),
            "evidence",
            "repair_applications",
        )

    # --- reading -----------------------------------------------------------------------------------

    @cached_property
    def _shapes(self):
        context = self.get_serializer_context()
        return {
            "internal": InternalRecordSerializer(context=context),
            "public": PublicRecordSerializer(context=context),
            "public_civil_servant": PublicCivilServantRecordSerializer(context=context),
        }

    def represent(self, record: DishonestyRecord) -> dict:
        if self.may_see_inside(record):
            shape = "internal"
        elif record.subject_kind == SubjectKind.CIVIL_SERVANT:
            shape = "public_civil_servant"
        else:
            shape = "public"
        return self._shapes[shape].to_representation(record)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([self.represent(record) for record in page])

    def retrieve(self, request, *args, **kwargs):
        return Response(self.represent(self.get_object()))

    def fresh(self, record: DishonestyRecord) -> dict:
        """A record as it stands after a service call, in the caller's shape."""
        return self.represent(self.get_queryset().get(pk=record.pk))

    # --- proposing ---------------------------------------------------------------------------------

    def create(self, request, *args, **kwargs):
        serializer = ProposalSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        files = files_of(data)
        self._require_proposal_scope(data, default_organization=True)
        record = services.record_propose(data=data, actor=request.user, files=files)
        return Response(self.fresh(record), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        serializer = ProposalSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in ("files", "origin_record_type", "origin_record_id"):
            data.pop(name, None)  # evidence and the link to a source are given with the proposal only
        self._require_proposal_scope(data, default_organization=False)
        record = services.record_update(record=record, data=data, actor=request.user)
        return Response(self.fresh(record))

    def _proposal_scopes(self):
        user = self.request.user
        return scope_for(user, Action.CHANGE), scope_for(user, Action.SUPERVISE)

    def _require_proposal_scope(self, data: dict, *, default_organization: bool) -> None:
        """Staff propose for their own organization, supervisors within their jurisdiction; a token with
        only the read scope proposes nothing (403). Someone else's body or person is a field error."""
        scopes = self._proposal_scopes()
        if all(scope.is_empty for scope in scopes):
            raise PermissionDenied(_("These credentials may not propose records."))

        def covered(organization) -> bool:
            return any(scope.covers(organization.path) for scope in scopes)

        person = data.get("civil_servant")
        if person is not None and not covered(person.organization):
            raise ValidationError(
                {
                    "civil_servant": [
                        _("You may propose records only about civil servants of your own organization or jurisdiction.")
                    ]
                }
            )
        kind = data.get("subject_kind")
        if kind == SubjectKind.CIVIL_SERVANT:
            return
        organization = data.get("subject_organization")
        if organization is None and default_organization and kind is not None:
            organization_id = getattr(self.request.user, "organization_id", None)
            organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
            if organization is not None:
                data["subject_organization"] = organization
        if organization is not None and not covered(organization):
            raise ValidationError(
                {
                    "subject_organization": [
                        _("You may propose records only for your own organization or within your jurisdiction.")
                    ]
                }
            )

    # --- the subject's side ------------------------------------------------------------------------

    @extend_schema(
        summary="Object to a proposal (申辩) within the objection period (the subject's staff)",
        request=ObjectionSerializer,
        responses={200: InternalRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="object", url_name="object")
    def file_objection(self, request, pk=None):
        serializer = ObjectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        record = services.record_object(
            record=self.get_object(), statement=data["statement"], files=files_of(data), actor=request.user
        )
        return Response(self.fresh(record))

    @extend_schema(
        summary="Declare no objection, so that the ruling need not wait (the subject's staff)",
        request=None,
        responses={200: InternalRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="waive-objection", url_name="waive-objection")
    def waive_objection(self, request, pk=None):
        record = services.record_waive_objection(record=self.get_object(), actor=request.user)
        return Response(self.fresh(record))

    @extend_schema(
        summary="Apply for credit repair (信用修复) after the minimum publicity period (the subject's staff)",
        description="multipart/form-data with `statement` and at least one evidence file in `files`. Refused "
        "before the minimum publicity period ends, with the date it becomes possible.",
        request=RepairApplySerializer,
        responses={201: RepairApplicationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def repair(self, request, pk=None):
        serializer = RepairApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        application = services.repair_apply(
            record=self.get_object(), statement=data["statement"], files=files_of(data), actor=request.user
        )
        return Response(
            RepairApplicationSerializer(application, context=self.get_serializer_context()).data, status=201
        )

    # --- the supervisor's side ---------------------------------------------------------------------

    @extend_schema(
        summary="Confirm a proposal with reasons (a supervisor over the subject; not the proposer)",
        description="Starts the written explanation and, when a requirement is given, the rectification, with "
        "deadlines in working days; sets the publicity periods from the determination date.",
        request=ConfirmSerializer,
        responses={200: InternalRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        record = services.record_confirm(
            record=self.get_object(),
            actor=request.user,
            reason=data["reason"],
            determined_on=data.get("determined_on"),
            severity=data.get("severity") or None,
            publication_allowed=data["publication_allowed"],
            publication_restriction=data["publication_restriction"],
            explanation_required=data["explanation_required"],
            explanation_working_days=data.get("explanation_working_days"),
            rectification_requirement=data["rectification_requirement"],
            rectification_working_days=data.get("rectification_working_days"),
        )
        return Response(self.fresh(record))

    @extend_schema(
        summary="Dismiss a proposal with reasons (a supervisor over the subject)",
        request=DishonestyReasonSerializer,
        responses={200: InternalRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        reason = self._validated(DishonestyReasonSerializer)["reason"]
        record = services.record_dismiss(record=self.get_object(), reason=reason, actor=request.user)
        return Response(self.fresh(record))

    @extend_schema(
        summary="Publish a confirmed record (a supervisor over the subject)",
        description="One transaction: the status, a ledger entry and an outbox row for the national platform.",
        request=None,
        responses={200: InternalRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        record = services.record_publish(record=self.get_object(), actor=request.user)
        return Response(self.fresh(record))

    @extend_schema(
        summary="Withdraw a published record with a reason; its sanctions are lifted (a supervisor)",
        request=DishonestyReasonSerializer,
        responses={200: InternalRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        reason = self._validated(DishonestyReasonSerializer)["reason"]
        record = services.record_withdraw(record=self.get_object(), reason=reason, actor=request.user)
        return Response(self.fresh(record))

    @extend_schema(
        summary="Correct a published record: a new version, the old one kept (a supervisor, reason required)",
        request=CorrectionSerializer,
        responses={200: InternalRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        data = self._validated(CorrectionSerializer)
        reason = data.pop("reason")
        record = services.record_correct(record=self.get_object(), data=data, reason=reason, actor=request.user)
        return Response(self.fresh(record))

    @extend_schema(
        summary="Impose a sanction: notice of criticism, bar on honours until a date, referral (a supervisor)",
        request=SanctionImposeSerializer,
        responses={201: SanctionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def sanctions(self, request, pk=None):
        data = self._validated(SanctionImposeSerializer)
        sanction = services.sanction_impose(
            record=self.get_object(),
            actor=request.user,
            kind=data["kind"],
            reason=data["reason"],
            start_on=data.get("start_on"),
            end_on=data.get("end_on"),
            notice_text=data["notice_text"],
            referred_to=data["referred_to"],
        )
        return Response(SanctionSerializer(sanction).data, status=status.HTTP_201_CREATED)

    def _validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- obligations, repairs, sanctions, evidence ----------------------------------------------------


class InScopeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Only what the caller's roles reach (no public part): anonymous 401, out of reach 404."""

    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    model = None

    def scoped(self):
        return self.model.objects.for_user(self.request.user, Action.VIEW)

    def _validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="Written explanations and rectifications owed (政务失信 consequences)"),
    retrieve=extend_schema(summary="One obligation with what was handed in"),
)
class ObligationViewSet(InScopeViewSet):
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilter
    model = Obligation
    queryset = Obligation.objects.none()

    def get_queryset(self):
        return self.scoped().select_related("record").prefetch_related("submissions__evidence")

    def fresh(self, obligation) -> dict:
        return ObligationSerializer(
            self.get_queryset().get(pk=obligation.pk), context=self.get_serializer_context()
        ).data

    @extend_schema(
        summary="Hand in the explanation or the rectification report (the subject's staff)",
        request=SubmissionInputSerializer,
        responses={201: SubmissionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = self._validated(SubmissionInputSerializer)
        submission = services.obligation_submit(
            obligation=self.get_object(), text=data["text"], files=files_of(data), actor=request.user
        )
        return Response(
            SubmissionSerializer(submission, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Accept what was handed in (a supervisor)",
        request=AcceptSerializer,
        responses={200: ObligationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = self._validated(AcceptSerializer)
        obligation = services.obligation_accept(obligation=self.get_object(), note=data["note"], actor=request.user)
        return Response(self.fresh(obligation))

    @extend_schema(
        summary="Return what was handed in, with reasons and optionally more time (a supervisor)",
        request=ReturnSerializer,
        responses={200: ObligationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        data = self._validated(ReturnSerializer)
        obligation = services.obligation_return(
            obligation=self.get_object(),
            reason=data["reason"],
            extra_working_days=data.get("extra_working_days"),
            actor=request.user,
        )
        return Response(self.fresh(obligation))


@extend_schema_view(
    list=extend_schema(summary="Credit repair applications (信用修复)"),
    retrieve=extend_schema(
        summary="One credit repair application: its progress, the decision and its reasons",
        description="The applicant follows the application here: status, review deadline (10 working days), "
        "decision with reasons, and the date by which the deciding unit hears the result.",
    ),
)
class RepairApplicationViewSet(InScopeViewSet):
    serializer_class = RepairApplicationSerializer
    filterset_class = RepairApplicationFilter
    model = RepairApplication
    queryset = RepairApplication.objects.none()

    def get_queryset(self):
        return self.scoped().select_related("record").prefetch_related("evidence")

    def _decide(self, service):
        reason = self._validated(DishonestyReasonSerializer)["reason"]
        application = service(application=self.get_object(), reason=reason, actor=self.request.user)
        application = self.get_queryset().get(pk=application.pk)
        return Response(RepairApplicationSerializer(application, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Approve: the record leaves public view (kept inside), with a ledger entry and a national push",
        request=DishonestyReasonSerializer,
        responses={200: RepairApplicationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(services.repair_approve)

    @extend_schema(
        summary="Reject with reasons (a supervisor)",
        request=DishonestyReasonSerializer,
        responses={200: RepairApplicationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(services.repair_reject)


@extend_schema_view(
    list=extend_schema(summary="Sanctions imposed after confirmed records"),
    retrieve=extend_schema(summary="One sanction"),
)
class SanctionViewSet(InScopeViewSet):
    serializer_class = SanctionSerializer
    filterset_class = SanctionFilter
    model = Sanction
    queryset = Sanction.objects.none()

    def get_queryset(self):
        return self.scoped().select_related("record", "authority")

    def fresh(self, sanction) -> dict:
        return SanctionSerializer(self.get_queryset().get(pk=sanction.pk)).data

    @extend_schema(
        summary="Lift a sanction with a reason (a supervisor)",
        request=DishonestyReasonSerializer,
        responses={200: SanctionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        reason = self._validated(DishonestyReasonSerializer)["reason"]
        sanction = services.sanction_lift(sanction=self.get_object(), reason=reason, actor=request.user)
        return Response(self.fresh(sanction))

    @extend_schema(
        summary="Record what came of a referral for accountability (a supervisor)",
        request=SanctionOutcomeSerializer,
        responses={200: SanctionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        data = self._validated(SanctionOutcomeSerializer)
        sanction = services.sanction_record_outcome(
            sanction=self.get_object(), outcome=data["outcome"], outcome_on=data["outcome_on"], actor=request.user
        )
        return Response(self.fresh(sanction))


class EvidenceDownloadView(APIView):
    """An evidence file, for callers whose roles reach the record (never public); every download is audited."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="dishonesty_evidence_download",
        summary="Download an evidence file (callers in scope only)",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS[404]},
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
        audit_log(actor=request.user, action="evidence.download", target=evidence, after={"record": evidence.record_id})
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


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
    return EligibilitySerializer({"eligible": eligibility.eligible, "reasons": reasons}).data


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
        eligibility = selectors.honours_eligibility(organization=organization, today=today)
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
