"""/api/v1/dishonesty-records/: read in the shape the caller may see; every change a service call."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.scope import require_in_scope, require_some_scope, with_own_organization
from core.choices import Action
from organizations.models import Organization

from ... import services
from ...choices import SubjectKind
from ...models import DishonestyRecord, Sanction
from ..filters import DishonestyRecordFilter
from ..serializers import (
    PUBLIC_SANCTION_KINDS,
    ConfirmSerializer,
    CorrectionSerializer,
    DishonestyReasonSerializer,
    InternalRecordSerializer,
    ObjectionSerializer,
    ProposalSerializer,
    PublicCivilServantRecordSerializer,
    PublicRecordSerializer,
    RepairApplicationSerializer,
    RepairApplySerializer,
    SanctionImposeSerializer,
    SanctionSerializer,
)
from .common import ERRORS, RecordScopeMixin, files_of, record_shapes

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

    PROPOSING = (Action.CHANGE, Action.SUPERVISE)

    def _require_proposal_scope(self, data: dict, *, default_organization: bool) -> None:
        """Staff propose for their own organization, supervisors within their jurisdiction; a token with
        only the read scope proposes nothing (403). Someone else's body or person is a field error."""
        user = self.request.user
        require_some_scope(user, self.PROPOSING, message=_("These credentials may not propose records."))
        person = data.get("civil_servant")
        if person is not None:
            require_in_scope(
                user,
                {"civil_servant": person.organization},
                actions=self.PROPOSING,
                message=_("You may propose records only about civil servants of your own organization or jurisdiction."),
            )
        kind = data.get("subject_kind")
        if kind == SubjectKind.CIVIL_SERVANT:
            return
        if default_organization and kind is not None:
            active = Organization.objects.filter(is_active=True)
            data.update(with_own_organization(data, "subject_organization", actor=user, organizations=active))
        require_in_scope(
            user,
            {"subject_organization": data.get("subject_organization")},
            actions=self.PROPOSING,
            message=_("You may propose records only for your own organization or within your jurisdiction."),
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
