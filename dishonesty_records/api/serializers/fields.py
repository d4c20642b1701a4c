"""Small pieces every shape uses: subjects, the authority, evidence upload fields."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ChoiceLabelField, enum

from ...choices import (
    SanctionKind,
    SubjectKind,
)

# Sanctions the public sees on a body's public record: the notice itself and the bar on honours.
# A referral for accountability and its outcome stay inside.
PUBLIC_SANCTION_KINDS = (SanctionKind.NOTICE_OF_CRITICISM, SanctionKind.HONOURS_INELIGIBILITY)


def files_field(help_text=None):
    return serializers.ListField(
        # Kind, size, content and emptiness are the service's to check: its messages name the file.
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        write_only=True,
        help_text=help_text or _("Evidence files (multipart/form-data, repeat the field for several)."),
    )


# --- small pieces ---------------------------------------------------------------------------------


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicSubjectSerializer(serializers.Serializer):
    """Who the record is about, as named when it was published (a draft: when it was proposed)."""

    kind = enum(SubjectKind, "DishonestySubjectKind", source="subject_kind")
    kind_display = ChoiceLabelField("subject_kind")
    name = serializers.CharField(source="subject_name", help_text=_("The body's or the civil servant's name."))
    position = serializers.CharField(source="subject_position", help_text=_("A civil servant's position."))
    organization = serializers.SerializerMethodField(
        help_text=_("The body itself, or the body the civil servant served in.")
    )

    @extend_schema_field(OrganizationRefSerializer)
    def get_organization(self, record) -> dict:
        return {
            "id": record.subject_organization_id,
            "name": record.subject_organization_name or record.subject_organization.name,
        }


class PublicOrganizationSubjectSerializer(PublicSubjectSerializer):
    uscc = serializers.CharField(source="subject_uscc", help_text=_("The body's unified social credit code."))


class InternalSubjectSerializer(PublicOrganizationSubjectSerializer):
    civil_servant = serializers.IntegerField(source="civil_servant_id", allow_null=True)


@extend_schema_field(OrganizationRefSerializer(allow_null=True))
class AuthorityField(serializers.Field):
    """FollowTheMoney's `authority`: the supervising body that confirmed the record, as published."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, record):
        if not record.authority_id:
            return None
        return {"id": record.authority_id, "name": record.authority_name or record.authority.name}
