from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, pagination

from .bounds import BIGINT_MAX, BIGINT_MIN


class CursorPagination(pagination.CursorPagination):
    """DRF's cursor pagination, except that a cursor the caller made up or mangled is a 400 on `cursor`
    (DRF answers 404, as if the list did not exist), and so is a position the ordering field cannot hold
    (a word where an id belongs, a NUL byte, an id past the database's range) instead of a 500."""

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            cursor, valid = None, False
        else:
            valid = cursor is None or cursor.position is None or self._holds(cursor.position)
        if not valid:
            raise exceptions.ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return cursor

    def _holds(self, position: str) -> bool:
        if "\x00" in position:
            return False
        try:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        except (AttributeError, FieldDoesNotExist):
            return True  # an ordering across a relation: left to the database
        try:
            value = field.to_python(position)
        except DjangoValidationError:
            return False
        return not isinstance(value, int) or BIGINT_MIN <= value <= BIGINT_MAX


class IdCursorPagination(CursorPagination):
    """Keyset pagination on the primary key: constant cost at any depth, no count(*)."""

    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
