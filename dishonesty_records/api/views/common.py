"""What the API views share: the shapes a record is shown in, error responses, scope per request."""

from __future__ import annotations

from django.utils.functional import cached_property
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
)

from core.access import scope_for
from core.choices import Action

from ...models import DishonestyRecord
from ..serializers import (
    InternalRecordSerializer,
    PublicCivilServantRecordSerializer,
    PublicRecordSerializer,
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


def files_of(validated: dict) -> list:
    return list(validated.pop("files", None) or [])


class RecordScopeMixin:
    """Per request: the scope in which the caller may see a record's inside."""

    @cached_property
    def view_scope(self):
        return scope_for(self.request.user, Action.VIEW)

    def may_see_inside(self, record: DishonestyRecord) -> bool:
        return self.view_scope.covers(record.subject_organization.path)
