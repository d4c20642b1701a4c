"""What every import job stores, whatever it imports: the file, where it stands, its counts and its rows'
problems. An app's job model adds the organization it belongs to (core knows no organizations) and what
is particular to it (kind, mode, counts of what was written)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .choices import ImportStatus


class ImportJobBase(TimeStampedModel):
    """One uploaded CSV/XLSX file: checked first (dry run), then imported on confirmation."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # [{"row": n, "field": f, "message": m}]
    message = models.TextField(_("message"), blank=True)
    # The uploader's language: the worker renders row errors in it (messages are stored rendered).
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Set once when someone confirms the previewed job; the import task only runs confirmed jobs.
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in (ImportStatus.PENDING, ImportStatus.VALIDATING) else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))
