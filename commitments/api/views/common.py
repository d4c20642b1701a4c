"""What the pledge views share: who sees what, the shapes a pledge is shown in, the measurement, error texts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer

from core import indicators
from core.access import scope_for
from core.choices import Action

from ... import selectors
from ...models import Evidence, Pledge, ProgressReport
from ..serializers import InternalPledgeSerializer, PublicPledgeSerializer

ERRORS = {
    400: OpenApiResponse(description="Field errors, or the move is not allowed now (non_field_errors)"),
    403: OpenApiResponse(description="The pledge is visible to the caller, but this act is not theirs to do"),
    404: OpenApiResponse(description="No such pledge within the caller's reach"),
}


def pledge_shapes(**kwargs) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="PledgeShown",
        serializers={serializer.SHAPE: serializer for serializer in (PublicPledgeSerializer, InternalPledgeSerializer)},
        resource_type_field_name="shape",
        **kwargs,
    )


def visible_pledges(user):
    """The one access rule: the public sees published public pledges; a signed-in caller also what its
    roles reach."""
    if user is None or not user.is_authenticated:
        return Pledge.objects.public()
    return Pledge.objects.for_user(user, Action.VIEW)


def measurement_of(pledge: Pledge) -> dict | None:
    """A measured pledge's value, target and monthly points (None for a reported pledge, or an indicator the
    portal no longer knows)."""
    if not pledge.indicator:
        return None
    try:
        measurement = selectors.measured(pledge)
        label = indicators.indicator(pledge.indicator).label
    except (LookupError, ValidationError):
        return None
    if measurement is None:
        return None
    return {
        "key": measurement.key,
        "label": str(label),
        "start": measurement.start,
        "end": measurement.end,
        "parameters": measurement.parameters,
        "met": measurement.met,
        "counted": measurement.counted,
        "value": measurement.value,
        "target": pledge.indicator_target,
        "meets_target": selectors.meets_target(pledge, measurement),
        "points": [
            {"month": point.month, "met": point.met, "counted": point.counted, "value": point.value}
            for point in measurement.points
        ],
    }


class PledgeScopeMixin:
    """Per request: what the caller sees, and whether it sees a pledge's inside."""

    @cached_property
    def view_scope(self):
        return scope_for(self.request.user, Action.VIEW)

    def may_see_inside(self, pledge: Pledge) -> bool:
        return self.view_scope.covers(pledge.organization.path)

    def visible(self):
        return visible_pledges(self.request.user)

    def detailed(self, pledges):
        """Everything a detail shows, in one query per relation: milestones, timeline, evidence, visible parts."""
        return pledges.prefetch_related(
            "milestones",
            Prefetch("progress_reports", queryset=ProgressReport.objects.order_by("id")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("id")),
            Prefetch("children", queryset=self.visible().order_by("id"), to_attr="visible_parts"),
        )

    def represent(self, pledge: Pledge) -> dict:
        serializer_class = InternalPledgeSerializer if self.may_see_inside(pledge) else PublicPledgeSerializer
        context = {**self.get_serializer_context(), "measurements": {pledge.pk: measurement_of(pledge)}}
        return serializer_class(pledge, context=context).data

    def fresh_instance(self, pledge: Pledge) -> Pledge:
        """A pledge as it stands after a service call, with what its detail shows."""
        return self.detailed(self.visible().select_related("organization")).get(pk=pledge.pk)

    def fresh(self, pledge: Pledge) -> dict:
        return self.represent(self.fresh_instance(pledge))
