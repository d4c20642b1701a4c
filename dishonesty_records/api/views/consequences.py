"""Obligations, credit-repair applications and sanctions: in scope only, changes through the services."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.choices import Action

from ... import services
from ...models import Obligation, RepairApplication, Sanction
from ..filters import ObligationFilter, RepairApplicationFilter, SanctionFilter
from ..serializers import (
    AcceptSerializer,
    DishonestyReasonSerializer,
    ObligationSerializer,
    RepairApplicationSerializer,
    ReturnSerializer,
    SanctionOutcomeSerializer,
    SanctionSerializer,
    SubmissionInputSerializer,
    SubmissionSerializer,
)
from .common import ERRORS, files_of

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
