"""Serializer fields shared by every app's API."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
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
