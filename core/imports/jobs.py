"""What every import job's worker does the same way: claim the job, speak the uploader's language, mark
its audit rows, and keep nothing of an all-or-nothing pass that had errors."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import request_context

from .choices import ImportStatus


@contextlib.contextmanager
def job_context(language: str, request_id: str):
    """The uploader's language for messages, and the job as the request id of its audit rows."""
    context = request_context.RequestContext(request_id=request_id)
    with translation.override(language or settings.LANGUAGE_CODE), request_context.bound(context):
        yield


def claim(model, job_id: int, *, statuses, to: str, **conditions) -> bool:
    """Move the job from one of `statuses` to `to`, counting afresh, only if it is there: a redelivered or
    doubled task finds nothing to claim."""
    return bool(
        model.objects.filter(pk=job_id, status__in=list(statuses), **conditions).update(
            status=to, processed_rows=0, updated_at=timezone.now()
        )
    )


class RolledBack(Exception):
    """Raised inside `transaction.atomic()` to undo a pass that must leave nothing behind."""


@contextlib.contextmanager
def undone_unless(keep):
    """Run the block in one transaction and roll it all back unless `keep()` says otherwise at its end
    (a dry run: never; an all-or-nothing import: when no row failed). Yields a dict whose "rolled_back"
    tells the caller what happened."""
    outcome = {"rolled_back": False}
    try:
        with transaction.atomic():
            yield outcome
            if not keep():
                raise RolledBack
    except RolledBack:
        outcome["rolled_back"] = True


def confirmation_refusal(job, *, all_or_nothing: bool) -> str | None:
    """Why this job cannot be confirmed now, or None when it can."""
    if job.status != ImportStatus.PREVIEWED:
        return _("Only a checked import waiting for confirmation can be confirmed.")
    if job.confirmed_at:
        return _("This import is already confirmed and queued.")
    if all_or_nothing and job.error_rows:
        return _("Nothing can be imported all-or-nothing while rows have errors: correct the file and upload it again.")
    if not job.valid_rows:
        return _("The file has no valid row to import.")
    return None
