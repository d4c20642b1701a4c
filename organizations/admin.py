from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import ApiClient, CivilServant, Organization, RoleAssignment, User


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "short_name", "kind", "level", "uscc", "is_active"]
    search_fields = ["name", "short_name", "uscc"]
    list_filter = ["kind", "level", "is_active"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organization"]
    readonly_fields = ["granted_by"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Organization"), {"fields": ("full_name", "organization")}))
    list_display = ["username", "full_name", "organization", "is_active", "is_superuser"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    inlines = [RoleAssignmentInline]


@admin.register(CivilServant)
class CivilServantAdmin(admin.ModelAdmin):
    """Never shows the whole ID number; personnel officers use the logged reveal in the workspace."""

    list_display = ["name", "staff_number", "organization", "position", "rank", "masked_resident_id", "is_active"]
    list_select_related = ["organization"]
    search_fields = ["name", "staff_number"]
    exclude = ["resident_id"]
    readonly_fields = ["masked_resident_id"]
    autocomplete_fields = ["organization"]

    def has_add_permission(self, request):
        return False  # added through the workspace form, which validates and audits


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "token_prefix", "scopes", "last_used_at", "revoked_at"]
    readonly_fields = [
        "token_prefix",
        "token_hash",
        "created_by",
        "last_used_at",
        "revoked_at",
        "scopes",
        "organization",
    ]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False  # tokens are issued by `create_api_client` or the workspace page, shown once
