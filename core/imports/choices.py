from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    """Where an import job stands: upload → pending → validating → previewed → (confirmed) → importing → done,
    or failed at any step."""

    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking")
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A worker is (or should be) busy with the job: the pages poll, the live count comes from the cache.
RUNNING_STATUSES = frozenset({ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.IMPORTING})
