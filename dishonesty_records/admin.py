from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import DishonestyRecord, Obligation, RepairApplication, Sanction


@admin.register(DishonestyRecord)
class DishonestyRecordAdmin(ReadOnlyAdmin):
    """Records change only through the workspace (services): the admin looks."""

    list_display = ["id", "subject_name", "category", "severity", "stage", "status", "rectification_state"]
    list_filter = ["stage", "status", "category", "severity", "rectification_state"]
    search_fields = ["subject_name", "subject_uscc", "source_document_number"]
    show_full_result_count = False


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ["record", "kind", "status", "due_on", "escalated_at"]
    list_filter = ["kind", "status"]


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ["record", "kind", "status", "start_on", "end_on"]
    list_filter = ["kind", "status"]


@admin.register(RepairApplication)
class RepairApplicationAdmin(ReadOnlyAdmin):
    list_display = ["record", "status", "review_due_on", "decided_at"]
    list_filter = ["status"]
