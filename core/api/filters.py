"""Query filters every app's API shares: ids checked against the database's range, whatever the filterset."""

import django_filters
from django import forms

from .bounds import BIGINT_MAX, BIGINT_MIN
from .filtering import FilterBackend as _SkippingFilterBackend

ID_MIN = 1


class IdFilter(django_filters.NumberFilter):
    """An id (or any whole number that lands in an integer column): `12` filters, `1.5`, `-3` or a 20-digit
    number is a field error in the caller's language. django-filter's NumberFilter takes any decimal up to
    1e50 and hands it to the database, where SQLite overflows (a 500) and PostgreSQL compares as numeric."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # max_value above is the bound


class FilterBackend(_SkippingFilterBackend):
    """django-filter's backend (skipping filtersets a query does not use, see core.api.filtering), with every number filter held to the database's integer range (a plain
    NumberFilter, declared by an app that did not use IdFilter, included): out of range is a 400 on that field,
    never an overflow in the database."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            for number_filter in filterset.filters.values():
                if isinstance(number_filter, django_filters.NumberFilter):
                    bound_to_database_range(number_filter)
        return filterset


def bound_to_database_range(number_filter: django_filters.NumberFilter) -> None:
    extra = number_filter.extra
    low, high = extra.get("min_value"), extra.get("max_value")
    extra["min_value"] = BIGINT_MIN if low is None else max(low, BIGINT_MIN)
    extra["max_value"] = BIGINT_MAX if high is None else min(high, BIGINT_MAX)
    number_filter.__dict__.pop("_field", None)  # built before the bounds were set: built again with them
