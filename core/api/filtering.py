"""The API's filter backend."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, without building a filterset for a query that names none of its filters.

    Building and validating a filterset deep-copies every filter and makes a form class, for every request:
    most of a millisecond, spent on the plain first and next pages that filter nothing. A filterset with
    nothing to filter leaves the queryset as it is, so skipping it changes no answer. (A FilterSet that
    narrows even when no filter is asked for, in its own `filter_queryset`, must not rely on this backend.)
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = filterset_class.base_filters
        # Prefixes: a range filter's widget reads e.g. `decided_after` and `decided_before` for `decided`.
        if not any(parameter.startswith(name) for parameter in request.query_params for name in names):
            return queryset
        return super().filter_queryset(request, queryset, view)
