"""The API's filter backend, and a FilterSet for filters applied together."""

import django_filters
from django.http import QueryDict
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


class DeclaredFilterSet(django_filters.FilterSet):
    """A FilterSet whose filters only declare and validate the query (and document it in the schema), and
    whose subclass applies the cleaned values together in `filter_queryset`.

    Its filters are never called, so they need no per-request copies: the filters and one form class are
    shared by every request (django-filter otherwise deep-copies every filter and makes a new form class for
    each one; a form instance still copies its fields, so nothing shared is ever changed)."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = self.base_filters

    def filter_queryset(self, queryset):
        raise NotImplementedError("a DeclaredFilterSet applies its cleaned values itself")

    def get_form_class(self):
        cls = type(self)
        if "_shared_form_class" not in cls.__dict__:
            cls._shared_form_class = super().get_form_class()
        return cls._shared_form_class
