from rest_framework import serializers

from ..models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "uscc",
            "kind",
            "kind_display",
            "level",
            "level_display",
            "division_code",
            "parent",
            "depth",
            "is_active",
        ]
        read_only_fields = fields

    def get_parent(self, organization) -> int | None:
        parents = self.context.get("parent_ids", {})
        return parents.get(organization.path[: -Organization.steplen])
