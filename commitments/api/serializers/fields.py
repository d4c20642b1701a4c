"""Small pieces the pledge shapes share."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import EnumField, EnumFieldExtension

# Dates a pledge can sensibly carry: a made-up year 1 or 9999 is a field error, not months of working days
# counted (milestones) or twelve thousand monthly points measured.
EARLIEST, LATEST = datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)


class BlankableEnumField(EnumField):
    """A choice set of its own name where "" means "not given" (a department pledge has no service area)."""

    def __init__(self, choices, *, enum_name: str, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(choices, enum_name=enum_name, **kwargs)


class BlankableEnumFieldExtension(EnumFieldExtension):
    target_class = BlankableEnumField
    priority = 1

    def get_name(self):
        return f"{self.target.enum_name}OrBlankEnum"

    def map_serializer_field(self, auto_schema, direction):
        schema = super().map_serializer_field(auto_schema, direction)
        schema["enum"] = [*schema["enum"], ""]
        return schema


def blankable(choices_class, name: str, **kwargs) -> BlankableEnumField:
    kwargs.setdefault("read_only", True)
    return BlankableEnumField(choices_class.choices, enum_name=name, **kwargs)


class PledgeDateField(serializers.DateField):
    """An ISO date between 1990 and 2100."""

    default_error_messages = {"out_of_range": _("Give a date from 1990 to 2100.")}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            self.fail("out_of_range")
        return day


class PledgeOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_field(PledgeOrganizationSerializer)
class OrganizationField(serializers.Field):
    """The pledging body as {id, name} (read from the row's select_related organization)."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, pledge):
        return {"id": pledge.organization_id, "name": pledge.organization.name}
