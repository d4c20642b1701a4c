from django.contrib import admin

from .models import AuditEvent, CalendarDay, LedgerCheck, LedgerEntry, LedgerHead, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    """For what only services write (audit rows, the ledger, the outbox): the admin only looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "actor_repr", "action", "target_repr", "ip_address", "request_id"]
    list_filter = ["action"]
    search_fields = ["actor_repr", "target_repr", "request_id", "target_id"]
    show_full_result_count = False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Read-only here: imports go through the calendar page so that deadlines are recounted."""

    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "occurred_at", "record_type", "record_id", "version", "action", "hash"]
    list_filter = ["record_type", "action"]
    search_fields = ["=record_id", "=hash", "=document_hash"]
    ordering = ["-seq"]
    show_full_result_count = False


@admin.register(LedgerHead)
class LedgerHeadAdmin(ReadOnlyAdmin):
    list_display = ["seq", "hash", "updated_at"]


@admin.register(LedgerCheck)
class LedgerCheckAdmin(ReadOnlyAdmin):
    list_display = ["finished_at", "ok", "head_seq", "entries_checked", "records_checked", "mismatch_count"]
    list_filter = ["ok"]
