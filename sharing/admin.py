from django.contrib import admin

from .models import DeliveryAttempt, OutboxEntry, Reconciliation


class ReadOnlyAdmin(admin.ModelAdmin):
    """The outbox is changed by the pusher and the replay action only, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxEntry)
class OutboxEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "record_type", "record_id", "version", "action", "status", "attempts", "created_at")
    list_filter = ("status", "record_type", "action")
    show_full_result_count = False


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ("id", "entry_id", "number", "outcome", "http_status", "started_at")
    show_full_result_count = False


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    list_display = ("id", "ran_at", "ok")
