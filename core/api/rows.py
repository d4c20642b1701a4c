"""List pages read with `values()` and shaped exactly as a ModelSerializer shapes model instances.

A 20-row page through a ModelSerializer costs a public list most of its time: Django builds a model
instance per row (and one per related object), DRF rebuilds the serializer's fields on every request
and walks every field of every row through `get_attribute` and `to_representation`. A `RowSerializer`
is planned once from the serializer class itself — the same fields, in the same order, each read from
its column — and then turns plain rows into the same dicts: strings, integers, booleans and relation ids
pass through as they are (their DRF representation is the value itself), dates, times, decimals and
lists go through the very field objects DRF would use. Nothing is written here: the serializer stays
the contract (the OpenAPI schema, writes, the detail view), and a test holds both to the same output.

A field whose source is not a column of the model (a property, a method, a nested serializer) must
be given in `computed` as (the columns it needs, a function of their values → the represented value,
never a float); planning fails loudly otherwise, so a field added to the serializer cannot silently go
missing here.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

# DRF field types whose representation of a value of their column's own Python type is that value.
_AS_IS = (
    serializers.CharField,  # str(value) of a str
    serializers.ChoiceField,  # the choice's key, which is the stored value
    serializers.IntegerField,  # int(value) of an int
    serializers.BooleanField,  # True / False of a bool
)
_DATE_FIELD = serializers.DateField()


@dataclass(frozen=True)
class Computed:
    columns: tuple[str, ...]
    represent: Callable[..., object]  # the columns' values → the field's represented value


@dataclass(frozen=True)
class _Plan:
    columns: tuple[str, ...]  # what values() reads
    names: tuple[str, ...]  # the output fields, in the serializer's order
    read: Callable[[dict], tuple]  # a row → one raw value per output field (a computed one: a placeholder)
    converted: tuple[tuple[str, Callable], ...]  # fields whose raw value is not already their representation
    computed: tuple[tuple[str, Callable[[dict], tuple], Callable], ...]
    plain_json: bool  # no field can represent itself as a float (see core.api.renderers)


class RowSerializer:
    """`values()` rows → the dicts `serializer_class(many=True).data` would give for the same records.

    `computed`: {field name: Computed((column, …), function)} for fields that are not plain columns.
    `finish(row, data)`: a last step over each represented row with its raw columns (e.g. masking).
    """

    def __init__(
        self,
        serializer_class: type[serializers.ModelSerializer],
        *,
        computed: dict[str, Computed] | None = None,
        finish: Callable[[dict, dict], None] | None = None,
    ):
        self.serializer_class = serializer_class
        self.computed = dict(computed or {})
        self.finish = finish

    @functools.cached_property
    def plan(self) -> _Plan:
        serializer = self.serializer_class()  # unbound: its fields are built once, here
        model = self.serializer_class.Meta.model
        columns: list[str] = []
        names, sources, converted, computed = [], [], [], []
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            names.append(name)
            if name in self.computed:
                wanted = self.computed[name]
                columns += [column for column in wanted.columns if column not in columns]
                computed.append((name, _getter(wanted.columns), wanted.represent))
                sources.append(wanted.columns[0])
                continue
            column, converter = _column_of(model, name, field)
            if column not in columns:
                columns.append(column)
            sources.append(column)
            if converter is not None:
                converted.append((name, converter))
        unused = set(self.computed) - set(names)
        if unused:
            raise ImproperlyConfigured(f"{self.serializer_class.__name__} has no readable fields {sorted(unused)}")
        plain = all(_plain_json(field) for name, field in serializer.fields.items() if name not in self.computed)
        return _Plan(tuple(columns), tuple(names), _getter(sources), tuple(converted), tuple(computed), plain)

    def values(self, queryset: QuerySet) -> QuerySet:
        """The queryset reading just the columns the representation needs (one query, no instances)."""
        return queryset.values(*self.plan.columns)

    def represent(self, rows: Iterable[dict]) -> list[dict]:
        plan, finish = self.plan, self.finish
        zone = timezone.get_current_timezone()  # once per page, not once per datetime
        converted = [
            (name, functools.partial(convert.represent, zone=zone) if isinstance(convert, _AwareDatetime) else convert)
            for name, convert in plan.converted
        ]
        names, read, computed = plan.names, plan.read, plan.computed
        represented = []
        for row in rows:
            # Every field in the serializer's order first (a dict keeps a key's place when it is set again).
            data = dict(zip(names, read(row), strict=True))
            for name, convert in converted:
                value = data[name]
                if value is not None:
                    data[name] = convert(value)
            for name, columns, represent in computed:
                data[name] = represent(*columns(row))
            if finish is not None:
                finish(row, data)
            represented.append(data)
        return represented


def _plain_json(field) -> bool:
    if isinstance(field, serializers.ListField):
        return _plain_json(field.child)
    if isinstance(field, serializers.DecimalField):
        return getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING) is not False
    return isinstance(field, (*_AS_IS, serializers.DateField, serializers.DateTimeField, serializers.RelatedField))


def _getter(columns: Sequence[str]) -> Callable[[dict], tuple]:
    get = operator.itemgetter(*columns)
    return get if len(columns) > 1 else lambda row: (get(row),)


def _column_of(model, name: str, field) -> tuple[str, Callable | None]:
    source = field.source
    try:
        model_field = model._meta.get_field(source) if "." not in source and source != "*" else None
    except FieldDoesNotExist:
        model_field = None
    if model_field is None or not model_field.concrete:
        raise ImproperlyConfigured(
            f"{model.__name__}: the field {name!r} (source {source!r}) is not a column; give it in `computed`"
        )
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        if field.pk_field is not None or not model_field.many_to_one:
            raise ImproperlyConfigured(f"{model.__name__}.{name}: only plain foreign-key ids are supported")
        return model_field.attname, None  # DRF gives the related object's pk: the stored id
    if isinstance(field, serializers.RelatedField | serializers.BaseSerializer):
        raise ImproperlyConfigured(f"{model.__name__}.{name}: a nested or related field needs `computed`")
    if model_field.is_relation:
        raise ImproperlyConfigured(f"{model.__name__}.{name}: a relation read as {type(field).__name__}")
    if isinstance(field, _AS_IS) and not isinstance(field, serializers.MultipleChoiceField):
        return model_field.attname, None
    return model_field.attname, _converter(field)


def _converter(field) -> Callable:
    """DRF's own representation, or the same in fewer steps for ISO dates and aware datetimes."""
    if isinstance(field, serializers.DateTimeField):
        if _iso(field, "DATETIME_FORMAT") and not hasattr(field, "timezone") and settings.USE_TZ:
            return _AwareDatetime(field.to_representation)
    elif isinstance(field, serializers.DateField) and _iso(field, "DATE_FORMAT"):
        return _iso_date
    return field.to_representation


def _iso(field, setting: str) -> bool:
    output_format = getattr(field, "format", getattr(api_settings, setting))
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


def _iso_date(value):
    # DateField.to_representation: a date is given as its isoformat(), anything else as DRF says.
    return value.isoformat() if type(value) is datetime.date else _DATE_FIELD.to_representation(value)


class _AwareDatetime:
    """DateTimeField.to_representation of an aware value: in the current time zone, "+00:00" written "Z"."""

    def __init__(self, drf_representation: Callable):
        self.drf_representation = drf_representation

    def __call__(self, value):
        return self.represent(value, zone=timezone.get_current_timezone())

    def represent(self, value, *, zone):
        if type(value) is not datetime.datetime or value.tzinfo is None:
            return self.drf_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
