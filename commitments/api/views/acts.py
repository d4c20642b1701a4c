"""The acts on one pledge: publish, withdraw, correct; report progress, add a milestone; settle, change by
lawful procedure, evaluate. Each is one service call; the service says who may act (403) and what is wrong
(400, per field)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ... import services
from ..serializers import (
    EvaluateSerializer,
    InternalPledgeSerializer,
    LawfulChangeSerializer,
    MilestoneInputSerializer,
    PledgeCorrectionSerializer,
    PledgeMilestoneSerializer,
    PledgeReasonSerializer,
    PledgeSettledSerializer,
    ProgressInputSerializer,
    ReportedProgressSerializer,
    SettleSerializer,
)
from . import examples
from .common import ERRORS, measurement_of

DONE = {200: InternalPledgeSerializer, **ERRORS}


class PledgeActsMixin:
    # --- the publication life cycle ----------------------------------------------------------------

    @extend_schema(
        summary="Publish a draft (a reviewer of the pledging body or a supervisor; not whoever entered it)",
        description="One transaction: the status, a ledger entry and the push to the national platform. An "
        "internal pledge is never published (400).",
        request=None,
        responses=DONE,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        pledge = services.pledge_publish(pledge=self.get_object(), actor=request.user)
        return Response(self.written(pledge))

    @extend_schema(
        summary="Withdraw a pledge with the reason (a supervisor over the pledging body)",
        request=PledgeReasonSerializer,
        responses=DONE,
        examples=[examples.WITHDRAW],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        pledge = self.get_object()
        reason = self.validated(PledgeReasonSerializer)["reason"]
        pledge = services.pledge_withdraw(pledge=pledge, reason=reason, actor=request.user)
        return Response(self.written(pledge))

    @extend_schema(
        summary="Correct a published pledge: a new version, the old one kept (the pledging body's staff, "
        "reason required)",
        description="Only the fields given change; the reason goes into the history and the ledger.",
        request=PledgeCorrectionSerializer,
        responses=DONE,
        examples=[examples.CORRECT],
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        pledge = self.get_object()
        data = self.validated(PledgeCorrectionSerializer, partial=True)
        reason = data.pop("reason", "")
        self.require_target_scope(data)
        pledge = services.pledge_correct(pledge=pledge, data=data, reason=reason, actor=request.user)
        return Response(self.written(pledge))

    # --- how it is kept ----------------------------------------------------------------------------

    @extend_schema(
        summary="Report progress, with what was done and the files that show it (the pledging body's staff)",
        description="JSON, or multipart/form-data with evidence `files`. Going down needs the reason; a "
        "pledge with parts is rolled up from them and a measured pledge is measured, so neither takes "
        "reports; a settled pledge takes no more. The report joins the pledge's public timeline.",
        request=ProgressInputSerializer,
        responses={201: ReportedProgressSerializer, **ERRORS},
        examples=[examples.PROGRESS, examples.PROGRESS_BACK, examples.PROGRESS_DONE],
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        pledge = self.get_object()
        data = self.validated(ProgressInputSerializer)
        milestone = None
        if data.get("milestone") is not None:
            milestone = pledge.milestones.filter(pk=data["milestone"]).first()
            if milestone is None:
                raise ValidationError({"milestone": [_("This pledge has no such milestone.")]})
        report = services.pledge_report_progress(
            pledge=pledge,
            progress=data["progress"],
            note=data["note"],
            reason=data.get("reason", ""),
            milestone=milestone,
            files=data.get("files") or [],
            source="api",
            actor=request.user,
        )
        body = ReportedProgressSerializer(report, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add a milestone, due on a date or a number of working days after the start (staff)",
        request=MilestoneInputSerializer,
        responses={201: PledgeMilestoneSerializer, **ERRORS},
        examples=[examples.MILESTONE, examples.MILESTONE_WORKING_DAYS, examples.MILESTONE_ADDED],
    )
    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        pledge = self.get_object()
        data = self.validated(MilestoneInputSerializer)
        milestone = services.milestone_add(
            pledge=pledge,
            title=data["title"],
            due_on=data.get("due_on"),
            working_days=data.get("working_days"),
            actor=request.user,
        )
        return Response(PledgeMilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    # --- the supervisor's side ---------------------------------------------------------------------

    @extend_schema(
        summary="Settle a pledge: fulfilled, partly fulfilled or breached (a supervisor over the pledging body)",
        description="Fulfilled needs the work done (100 %, unless measured). A breach proposes a dishonesty "
        "record against the pledging body, returned with the pledge; a broken PPP duty names the project "
        "stage and the day, and is traced to whoever answered for that stage then.",
        request=SettleSerializer,
        responses={200: PledgeSettledSerializer, **ERRORS},
        examples=[examples.SETTLE, examples.SETTLE_BREACHED],
    )
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        pledge = self.get_object()
        data = self.validated(SettleSerializer)
        pledge, record = services.pledge_settle(
            pledge=pledge,
            outcome=data["outcome"],
            note=data["note"],
            on=data.get("settled_on"),
            breach_stage=data.get("breach_stage", ""),
            breach_occurred_on=data.get("breach_occurred_on"),
            actor=request.user,
        )
        instance = self.fresh_instance(pledge)
        context = {**self.get_serializer_context(), "measurements": {instance.pk: measurement_of(instance)}}
        body = PledgeSettledSerializer({"pledge": instance, "dishonesty_record": record}, context=context).data
        return Response(body)

    @extend_schema(
        summary="Change a pledge by lawful procedure (§12: a supervisor, with the ground and the approval)",
        description="The legal ground, the approving authority and its document; for an investment promise or "
        "contract also how the companies' losses are compensated. Without them the change is refused.",
        request=LawfulChangeSerializer,
        responses=DONE,
        examples=[examples.CHANGE],
    )
    @action(detail=True, methods=["post"], url_path="change-lawfully", url_name="change-lawfully")
    def change_lawfully(self, request, pk=None):
        pledge = self.get_object()
        data = self.validated(LawfulChangeSerializer)
        pledge = services.pledge_change_lawfully(
            pledge=pledge,
            ground=data["ground"],
            approved_by=data["approved_by"],
            document=data["document"],
            compensation=data.get("compensation", ""),
            reason=data["reason"],
            actor=request.user,
        )
        return Response(self.written(pledge))

    @extend_schema(
        summary="Evaluate how a pledge is kept (承诺兑现评价: a supervisor's score 0–100 and comment)",
        request=EvaluateSerializer,
        responses=DONE,
        examples=[examples.EVALUATE],
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        pledge = self.get_object()
        data = self.validated(EvaluateSerializer)
        pledge = services.pledge_evaluate(
            pledge=pledge, score=data["score"], comment=data["comment"], actor=request.user
        )
        return Response(self.written(pledge))
