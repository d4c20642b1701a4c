from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import DeliveryAttempt, OutboxEntry, Reconciliation


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
