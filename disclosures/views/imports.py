"""Staff pages for bulk import, on the shared job pages of core.imports.views: upload, live progress of
the check and the import, confirmation, error report and empty templates (with the exports beside them).
The work itself is in disclosures.importing, run by Celery.

A job belongs to an organization: only users who may enter records for it (CHANGE scope) see it;
anyone else gets 404, exactly like a job that does not exist.
"""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from core.choices import Action
from core.imports import check_import_upload
from core.imports.views import ImportJobViews, require
from organizations.models import Organization

from .. import importing, tasks
from ..choices import ImportMode
from ..models import ImportJob
from .exports import ExportFilterForm

KINDS = dict(ImportJob._meta.get_field("kind").choices)
TEMPLATE_VARIANTS = ("codes", "names")


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Records"),
        choices=ImportJob._meta.get_field("kind").choices,
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"),
        queryset=Organization.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Rows without a deciding authority or data source are entered for this organization."),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("When some rows have errors"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=gettext_lazy(
            "CSV (UTF-8 or GB18030) or Excel .xlsx, at most 50 MB. The header row may use the national codes "
            "(CF_XDR_MC …) or their Chinese names. Uploading a file again updates the drafts it created."
        ),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_file(self):
        return check_import_upload(self.cleaned_data["file"], max_bytes=importing.MAX_UPLOAD_BYTES)


class DisclosureImportViews(ImportJobViews):
    namespace = "disclosures"
    name_prefix = "import"
    engine = importing
    form_class = ImportUploadForm
    check_task = tasks.check_import
    run_task = tasks.run_import
    report_name = "import"
    template_route = "templates/<slug:kind>/<slug:variant>.<slug:file_format>"
    status_json = False
    list_template = "disclosures/imports/list.html"
    detail_template = "disclosures/imports/detail.html"
    status_template = "disclosures/imports/_status.html"
    templates_include = "disclosures/imports/_templates.html"
    texts = {
        "list_title": gettext_lazy("Import and export"),
        "job_title": gettext_lazy("Import"),
        "upload_heading": gettext_lazy("Upload a file of licences or penalties"),
        "importing": gettext_lazy("Saving the valid rows as drafts…"),
        "confirm_step": gettext_lazy("When you confirm, the rows are saved as drafts; a reviewer publishes them."),
        "confirmed": gettext_lazy("Import confirmed; the rows are being saved as drafts."),
    }

    def jobs(self, request):
        return ImportJob.objects.for_user(request.user, Action.CHANGE).select_related("organization", "created_by")

    def organizations(self, request):
        return require(Organization.objects.for_user(request.user, Action.CHANGE).filter(is_active=True))

    def upload_initial(self, request):
        return {"organization": request.user.organization_id, "kind": request.GET.get("kind", "penalty")}

    def start(self, request, data):
        return importing.job_create(
            kind=data["kind"],
            organization=data["organization"],
            upload=data["file"],
            mode=data["mode"],
            actor=request.user,
            language=translation.get_language(),
        )

    def list_context(self, request):
        # One filter form per kind for the export; distinct ids, the same GET names as the staff list.
        export_forms = [(kind, label, ExportFilterForm(auto_id=f"export-{kind}-%s")) for kind, label in KINDS.items()]
        return {"kinds": KINDS, "export_forms": export_forms}

    def upload_context(self, request):
        return {"kinds": KINDS}

    def detail_context(self, request, job):
        earlier = (
            ImportJob.objects.filter(organization=job.organization, file_sha256=job.file_sha256, pk__lt=job.pk)
            .only("id", "created_at", "status", "original_name", "kind", "organization")
            .order_by("-id")
            .first()
        )
        return {"earlier": earlier}

    def template_file(self, kind: str, variant: str):
        if kind not in KINDS or variant not in TEMPLATE_VARIANTS:
            return None
        return importing.template_headers(kind, variant), f"{kind}-import-template-{variant}", kind


urlpatterns = DisclosureImportViews().urlpatterns("staff/disclosures/imports/")
