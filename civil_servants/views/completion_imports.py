"""Course completions from a file, on the shared job pages of core.imports.views: upload, live progress of
the check and the import, confirmation, error report, empty templates and a JSON status. The work is in
civil_servants.importing, run by Celery.

The pages are for personnel officers; an import outside one's personnel scope answers 404, exactly like
one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from core.access import scope_for
from core.choices import Action
from core.imports.views import ImportJobViews

from .. import importing, tasks
from ..forms import CompletionUploadForm


class CompletionImportViews(ImportJobViews):
    namespace = "civil_servants"
    name_prefix = "completion_import"
    engine = importing
    form_class = CompletionUploadForm
    check_task = tasks.check_completion_import
    run_task = tasks.run_completion_import
    report_name = "completion-import"
    list_limit = 50
    template_name = "course-completions-template"
    template_sheet = "completions"
    list_template = "civil_servants/education/imports/list.html"
    status_template = "civil_servants/education/imports/_status.html"
    templates_include = "civil_servants/education/imports/_templates.html"
    texts = {
        "list_title": gettext_lazy("Completion imports"),
        "job_title": gettext_lazy("Completion import"),
        "upload_heading": gettext_lazy("Upload a file of course completions"),
        "importing": gettext_lazy("Recording the completion of every row…"),
        "confirm_step": gettext_lazy("When you confirm, every row is saved at once, or none is if one fails."),
        "confirmed": gettext_lazy("Import confirmed; the completions are being saved."),
    }

    def jobs(self, request):
        return importing.jobs_for(request.user).select_related("organization", "created_by")

    def organizations(self, request):
        if scope_for(request.user, Action.PERSONNEL).is_empty:
            raise PermissionDenied
        return importing.importing_organizations(request.user)


urlpatterns = CompletionImportViews().urlpatterns("staff/education/imports/")
