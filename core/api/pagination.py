from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Keyset pagination on the primary key: constant cost at any depth, no count(*)."""

    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
