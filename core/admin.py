from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .access import scope_for
from .choices import Action
from .models import AuditEvent, CalendarDay, CalendarYear, LedgerCheck, LedgerEntry, LedgerHead, Notification
from .services import calendar_year_mark_complete


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


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Years are marked complete through the service (audited, deadlines recounted), here or on the page."""

    list_display = ["year", "complete", "source", "marked_by", "marked_at"]
    list_filter = ["complete"]
    actions = ["mark_complete"]

    @admin.action(description=_("Mark the selected years complete (the whole State Council notice is loaded)"))
    def mark_complete(self, request, queryset):
        if not scope_for(request.user, Action.ADMINISTER).everything:
            self.message_user(request, _("Only administrators mark a year complete."), messages.ERROR)
            return
        for row in queryset.filter(complete=False):
            try:
                calendar_year_mark_complete(year=row.year, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, _("%(year)d is marked complete.") % {"year": row.year}, messages.SUCCESS)


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
    list_display = ["finished_at", "ok", "head_seq", "entries_checked", "records_checked", "mismatch_count", "workers"]
    list_filter = ["ok"]
