"""Complaint attachments: PDF and images only, checked by their content (core.uploads), images stripped of
their metadata (GPS, camera, time) before they are stored, kept in private storage (core.private_files)."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core import uploads

from ..models import ComplaintAttachment

ALLOWED = ("pdf", "jpg", "jpeg", "png")
MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


@dataclass
class Checked:
    name: str
    extension: str
    data: bytes
    metadata_removed: bool


def check(files, errors: dict) -> list[Checked]:
    """The files ready to store, or field errors under "attachments" (then nothing is stored)."""
    files = [f for f in files or () if f]
    if not files:
        return []
    if len(files) > MAX_FILES:
        errors["attachments"] = [_("At most %(n)d files.") % {"n": MAX_FILES}]
        return []
    problems = uploads.upload_problems(files, allowed=ALLOWED, max_bytes=MAX_BYTES, untrusted=True)
    checked = []
    if not problems:
        for upload in files:
            upload.seek(0)
            original = upload.read()
            upload.seek(0)
            try:
                cleaned = uploads.cleaned_upload(upload).read()
            except ValueError as exc:
                problems.append(str(exc))
                continue
            name = os.path.basename(upload.name)[:200]
            extension = name.rsplit(".", 1)[-1].lower()
            checked.append(Checked(name, extension, cleaned, cleaned != original))
    if problems:
        errors["attachments"] = problems
        return []
    return checked


def store(complaint, checked: list[Checked], *, event=None) -> list[ComplaintAttachment]:
    stored = []
    for item in checked:
        attachment = ComplaintAttachment(
            complaint=complaint,
            original_name=item.name,
            content_type=CONTENT_TYPES[item.extension],
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest(),
            metadata_removed=item.metadata_removed,
            event=event,
        )
        # The stored name says nothing of the person or the matter (nor its code): the original is kept beside.
        attachment.file.save(f"{secrets.token_hex(16)}.{item.extension}", ContentFile(item.data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored
