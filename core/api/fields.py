"""Serializer fields shared by every app's API."""

import functools

from django.utils import translation
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class EnumField(serializers.ChoiceField):
    """A choice field documented as its own named enum (`<enum_name>Enum`), so that choice sets sharing a
    field name across apps ("kind", "status", "stage") do not collide in the OpenAPI schema."""

    def __init__(self, choices, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField
    match_subclasses = True

    def get_name(self):
        return f"{self.target.enum_name}Enum"

    def map_serializer_field(self, auto_schema, direction):
        values = [value for value in self.target.choices if value not in ("", None)]
        return {
            "type": "string",
            "enum": values,
            "description": "\n".join(f"* `{value}` - {label}" for value, label in self.target.choices.items()),
        }


def enum(choices_class, name: str, **kwargs) -> EnumField:
    """An output (read-only unless told otherwise) choice field named after its choice set."""
    kwargs.setdefault("read_only", True)
    return EnumField(choices_class.choices, enum_name=name, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.Field):
    """The label of a choice, as `get_<field>_display()` gives it, without its per-row cost.

    DRF reaches `get_<field>_display` through callable inspection and a gettext per row; on a 20-row page
    of nested records that was most of the response time. Labels are looked up once per model, field and
    language. `choices` names them for a property that is not a model field (e.g. a computed state)."""

    def __init__(self, field_name: str, *, choices=None, **kwargs):
        kwargs.update(read_only=True, source="*")
        self.choice_field, self.explicit_choices = field_name, tuple(choices or ())
        super().__init__(**kwargs)

    def to_representation(self, instance):
        value = getattr(instance, self.choice_field)
        labels = _labels(type(instance), self.choice_field, self.explicit_choices, translation.get_language())
        return labels.get(value, "" if value is None else str(value))


@functools.cache
def _labels(model, field_name: str, explicit_choices: tuple, language: str | None) -> dict:
    choices = explicit_choices or model._meta.get_field(field_name).flatchoices
    return {value: str(label) for value, label in choices}


class ConstantField(serializers.Field):
    """A read-only value fixed by the serializer, documented as that one value: the discriminator of a response
    that comes in several shapes (`"shape": "internal"`). With it each shape of a `oneOf` matches only its own
    responses; without it a fuller shape also matches the leaner ones and every response fails `oneOf`."""

    def __init__(self, value: str, *, component_name: str, **kwargs):
        self.value, self.component_name = value, component_name
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return self.value


class ConstantFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ConstantField
    match_subclasses = True

    def get_name(self):
        return self.target.component_name

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "enum": [self.target.value]}
