from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Milestone, Pledge, PPPResponsibility, ProgressReport


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    """Pledges change only through the workspace (services): the admin looks."""

    list_display = ["id", "title", "kind", "organization", "status", "fulfilment", "progress", "due_on"]
    list_filter = ["kind", "status", "fulfilment", "service_area"]
    search_fields = ["title", "counterparty", "project"]
    show_full_result_count = False


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["pledge", "title", "due_on", "done_on"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["pledge", "progress_before", "progress_after", "source", "reported_at", "reported_by_label"]


@admin.register(PPPResponsibility)
class PPPResponsibilityAdmin(ReadOnlyAdmin):
    list_display = ["pledge", "stage", "person_name", "from_on", "until_on"]
    list_filter = ["stage"]
