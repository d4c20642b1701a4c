"""Staff pages for reporting pledge progress from a file, on the shared job pages of core.imports.views:
upload, live progress of the check and the import, confirmation, error report, empty templates and a JSON
status. The work is in commitments.importing, run by Celery.

A job belongs to an organization: staff of it and supervisors over it (those who may report its pledges'
progress) see it; anyone else gets 404, exactly like a job that does not exist.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from core import imports
from core.imports.views import ImportJobViews, require
from organizations.models import Organization

from .. import importing, tasks
from ..models import ProgressImport


class ProgressUploadForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"),
        queryset=Organization.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Only pledges of this organization (and the bodies under it) are reported."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=gettext_lazy(
            "CSV (UTF-8 or GB18030) or Excel .xlsx, at most 10 MB: 承诺编号 (XYCN-000123 or the number), 进度 "
            "(0 to 100), 进展说明, and when progress goes down 进度回退原因; 里程碑 (a milestone's title) is optional."
        ),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_file(self):
        return imports.check_import_upload(self.cleaned_data["file"], max_bytes=importing.MAX_UPLOAD_BYTES)


class ProgressImportViews(ImportJobViews):
    namespace = "commitments"
    name_prefix = "progress_import"
    engine = importing
    form_class = ProgressUploadForm
    check_task = tasks.check_progress_import
    run_task = tasks.run_progress_import
    report_name = "progress-import"
    template_name = "pledge-progress-template"
    template_sheet = "progress"
    list_template = "commitments/imports/list.html"
    status_template = "commitments/imports/_status.html"
    templates_include = "commitments/imports/_templates.html"
    texts = {
        "list_title": gettext_lazy("Progress imports"),
        "job_title": gettext_lazy("Progress import"),
        "upload_heading": gettext_lazy("Upload a file of pledge progress"),
        "importing": gettext_lazy("Reporting the progress of every row…"),
        "confirm_step": gettext_lazy("When you confirm, every row is reported at once, or none is if one fails."),
        "confirmed": gettext_lazy("Import confirmed; the progress reports are being saved."),
    }

    def jobs(self, request):
        return ProgressImport.objects.for_reporter(request.user).select_related("organization", "created_by")

    def organizations(self, request):
        return require(importing.reporting_organizations(request.user))


urlpatterns = ProgressImportViews().urlpatterns("staff/pledges/progress-imports/")
