"""The checks of an uploaded import file before anything is stored: a .csv or .xlsx name, not empty, not
too large, and bytes of the kind the name says (core.uploads)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import content_problem

from .reading import MAX_UPLOAD_BYTES, file_suffix


def check_import_upload(upload, *, max_bytes: int = MAX_UPLOAD_BYTES):
    """The upload, or a ValidationError (code file_type, file_size or file_empty) for the form's field."""
    suffix = file_suffix(upload.name)
    if not suffix:
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB; at most %(limit)d MB can be uploaded. Split it into several files.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": max_bytes // 1024 // 1024},
            code="file_size",
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="file_empty")
    problem = content_problem(upload, suffix)
    if problem:
        raise ValidationError(problem, code="file_type")
    return upload


def file_digest(upload) -> str:
    """SHA-256 of the upload, read in chunks; the file is rewound for whoever stores it."""
    import hashlib

    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
