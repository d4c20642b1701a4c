"""/api/v1/commitments/pledges/: read in the shape the caller may see; every change a service call."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from core.api.scope import require_in_scope, require_some_scope, with_own_organization
from core.choices import Action
from organizations.models import Organization

from ... import services
from ...choices import PledgeKind
from ...models import Pledge
from ..filters import PledgeFilter
from ..serializers import InternalPledgeSerializer, PledgeInputSerializer, PledgeSummarySerializer
from . import examples
from .acts import PledgeActsMixin
from .common import ERRORS, PledgeScopeMixin, measurement_of, pledge_shapes

# Who enters and changes pledges: the pledging body's staff (and API clients with the write scope), or a
# supervisor over it. The service checks the same again for every channel.
WRITING = (Action.CHANGE, Action.SUPERVISE)
# What a list row reads (PledgeSummarySerializer), not the pledge's texts.
LIST_COLUMNS = (
    "id",
    "kind",
    "organization__name",
    "title",
    "theme",
    "service_area",
    "year",
    "parent_id",
    "starts_on",
    "due_on",
    "progress",
    "indicator",
    "fulfilment",
    "settled_on",
    "status",
    "published_at",
)


@extend_schema_view(
    list=extend_schema(
        summary="Credit pledges (信用承诺)",
        description="Anonymous callers: published public pledges. Signed-in users and API clients also see the "
        "pledges their roles reach (drafts and internal pledges of their own organization, everything in a "
        "supervisor's jurisdiction). Newest first, cursor pages, no total count.",
    ),
    retrieve=extend_schema(
        summary="One pledge: milestones, the progress timeline, evidence files, its parts and its measurement",
        description="In full (`shape: internal`) for callers whose roles reach the pledging body; otherwise "
        "(`shape: public`) without who entered it, who reported each step or uploaded each file. Out of the "
        "caller's reach (a draft or an internal pledge of another body): 404.",
        responses={200: pledge_shapes(), 404: ERRORS[404]},
        examples=[examples.DETAIL],
    ),
    create=extend_schema(
        summary="Enter a draft pledge (write scope for the client's own organization; staff; supervisors)",
        description="The organization defaults to the API client's own. The pledge stays a draft until a "
        "reviewer or a supervisor publishes it (an internal pledge is never published).",
        request=PledgeInputSerializer,
        responses={201: InternalPledgeSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        examples=[examples.CREATE, examples.CREATE_STREET],
    ),
    partial_update=extend_schema(
        summary="Change a draft (the pledging body's staff; a published pledge is corrected instead)",
        request=PledgeInputSerializer,
        responses={200: InternalPledgeSerializer, **ERRORS},
        examples=[examples.UPDATE],
    ),
)
class PledgeViewSet(
    PledgeActsMixin,
    PledgeScopeMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    serializer_class = PledgeSummarySerializer
    filterset_class = PledgeFilter
    queryset = Pledge.objects.none()  # for the schema; get_queryset scopes every request
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        # Writes see what reads see: an act on a visible pledge the caller may not do is the service's 403.
        pledges = self.visible().select_related("organization")
        if self.action == "list":
            return pledges.only(*LIST_COLUMNS)
        return self.detailed(pledges) if self.action == "retrieve" else pledges

    # --- reading -----------------------------------------------------------------------------------

    def retrieve(self, request, *args, **kwargs):
        return Response(self.represent(self.get_object()))

    # --- entering and changing ---------------------------------------------------------------------

    def create(self, request, *args, **kwargs):
        user = request.user
        require_some_scope(user, WRITING, message=_("These credentials may not enter pledges."))
        data = self.validated(PledgeInputSerializer)
        if data.get("kind") != PledgeKind.CIVIL_SERVANT:
            active = Organization.objects.filter(is_active=True)
            data = with_own_organization(data, "organization", actor=user, organizations=active)
        pledge = services.pledge_create(data=data, actor=user)
        return Response(self.written(pledge), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        pledge = self.get_object()
        data = self.validated(PledgeInputSerializer, partial=True)
        self.require_target_scope(data)
        pledge = services.pledge_update(pledge=pledge, data=data, actor=request.user)
        return Response(self.written(pledge))

    # --- shared by the acts ------------------------------------------------------------------------

    def validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def require_target_scope(self, data: dict) -> None:
        """A change may not move a pledge to a body outside the caller's reach (the organization, or the body
        of the civil servant it names): a field error, before the service runs."""
        targets = {"organization": data.get("organization")}
        person = data.get("civil_servant")
        if person is not None:
            targets["civil_servant"] = person.organization
        require_in_scope(
            self.request.user,
            targets,
            actions=WRITING,
            message=_("You may only enter pledges of your own organization or within your jurisdiction."),
        )

    def written(self, pledge: Pledge) -> dict:
        """A pledge after a write, in full: whoever may write it sees its inside."""
        instance = self.fresh_instance(pledge)
        context = {**self.get_serializer_context(), "measurements": {instance.pk: measurement_of(instance)}}
        return InternalPledgeSerializer(instance, context=context).data
