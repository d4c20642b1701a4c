"""API filters for pledges, declared for validation and the OpenAPI schema. They narrow the caller's queryset and
never widen it: the public sees published public pledges whatever `status` it asks for."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import IdFilter
from core.publication import PublicationStatus

from ..choices import DepartmentTheme, Fulfilment, PledgeKind, ServiceArea
from ..models import Pledge

# A title search of at most this many characters (longer says nothing more about a 200-character title).
MAX_QUERY_LENGTH = 100


class PledgeFilter(django_filters.FilterSet):
    organization = IdFilter(field_name="organization_id", label=_("The pledging organization (id)"))
    parent = IdFilter(field_name="parent_id", label=_("Parts of this pledge (id)"))
    kind = django_filters.ChoiceFilter(choices=PledgeKind.choices, label=_("Kind of pledge"))
    theme = django_filters.ChoiceFilter(choices=DepartmentTheme.choices, label=_("What a department pledges on"))
    service_area = django_filters.ChoiceFilter(
        choices=ServiceArea.choices, label=_("The public service a street or township pledges on")
    )
    year = IdFilter(field_name="year", min_value=1900, max_value=2999, label=_("Year of the list of practical things"))
    fulfilment = django_filters.ChoiceFilter(choices=Fulfilment.choices, label=_("Fulfilment"))
    status = django_filters.ChoiceFilter(choices=PublicationStatus.choices, label=_("Publication status"))
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("Due on or after"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("Due on or before"))
    q = django_filters.CharFilter(
        field_name="title",
        lookup_expr="icontains",
        max_length=MAX_QUERY_LENGTH,
        label=_("Title contains"),
    )

    class Meta:
        model = Pledge
        fields = [
            "organization",
            "parent",
            "kind",
            "theme",
            "service_area",
            "year",
            "fulfilment",
            "status",
            "due_after",
            "due_before",
            "q",
        ]
