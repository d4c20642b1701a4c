import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import IdFilter

from ..choices import OrganizationKind, OrganizationLevel
from ..models import Organization


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices)
    level = django_filters.ChoiceFilter(choices=OrganizationLevel.choices)
    within = IdFilter(method="filter_within", label=_("Within the subtree of this organization (id)"))
    name = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name contains"))
    uscc = django_filters.CharFilter(field_name="uscc")

    class Meta:
        model = Organization
        fields = ["kind", "level", "within", "name", "uscc"]

    def filter_within(self, queryset, name, value):
        root = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(path__startswith=root) if root else queryset.none()
