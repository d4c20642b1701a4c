from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api.pagination import CursorPagination

from ..models import Organization
from .filters import OrganizationFilter
from .serializers import OrganizationSerializer


class OrganizationPagination(CursorPagination):
    ordering = "path"  # depth-first order of the tree, unique
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


_EXAMPLE = OpenApiExample(
    "A municipal department",
    value={
        "id": 3,
        "name": "杭州市发展和改革委员会",
        "short_name": "市发改委",
        "uscc": "11330100002489596W",
        "kind": "department",
        "kind_display": "政府部门",
        "level": "city",
        "level_display": "市级",
        "division_code": "330100",
        "parent": 1,
        "depth": 2,
        "is_active": True,
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(summary="List government bodies", examples=[_EXAMPLE]),
    retrieve=extend_schema(summary="One government body", examples=[_EXAMPLE]),
)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """The city's tree of government bodies (public). `within=<id>` limits to one subtree."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    pagination_class = OrganizationPagination

    def get_queryset(self):
        return Organization.objects.for_user(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._load_parent_ids(page or [])
        return page

    def get_object(self):
        organization = super().get_object()
        self._load_parent_ids([organization])
        return organization

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["parent_ids"] = getattr(self, "_parent_ids", {})
        return context

    def _load_parent_ids(self, organizations):
        """Parent ids for a whole page in one query (the tree stores paths, not parent keys)."""
        parent_paths = {o.path[: -Organization.steplen] for o in organizations if o.depth > 1}
        self._parent_ids = dict(Organization.objects.filter(path__in=parent_paths).values_list("path", "id"))
