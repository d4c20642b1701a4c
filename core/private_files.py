"""Files that must never be public (complaint attachments and the like): where they live, how they leave.

`private_storage` keeps them on disk under `settings.PRIVATE_MEDIA_ROOT`, which must lie outside MEDIA_ROOT
and STATIC_ROOT (nothing the web server or whitenoise hands out), and gives them no URL: `url()` raises. A
model field points at it with `models.FileField(storage=get_private_storage, ...)` so migrations name the
callable, not a path.

`serve_private` is the only way out: the view has already decided the principal may see the file; this
writes the audit row (who, which file, why) and answers with a download that a browser will neither render
nor guess the type of, and that no cache keeps.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.functional import cached_property

from .audit import audit_log


def _private_root() -> Path:
    root = Path(getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.BASE_DIR) / "var" / "private")
    return root.resolve()


def _inside(path: Path, other) -> bool:
    if not other:
        return False
    other = Path(other).resolve()
    return path == other or other in path.parents or path in other.parents


class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage at PRIVATE_MEDIA_ROOT, files 0600 and folders 0700, with no URL."""

    def __init__(self):
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @cached_property
    def base_location(self):
        root = _private_root()
        for setting in ("MEDIA_ROOT", "STATIC_ROOT"):
            if _inside(root, getattr(settings, setting, None)):
                raise ImproperlyConfigured(
                    f"PRIVATE_MEDIA_ROOT ({root}) must lie outside {setting} ({getattr(settings, setting)})."
                )
        return str(root)

    @cached_property
    def base_url(self):
        return None  # url() raises: a private file has no address

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("PRIVATE_MEDIA_ROOT", "MEDIA_ROOT", "STATIC_ROOT"):
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def deconstruct(self):
        return ("core.private_files.PrivateStorage", (), {})


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    """For `FileField(storage=get_private_storage)`."""
    return private_storage


_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]')


def _ascii(text: str) -> str:
    return _UNSAFE.sub("_", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()).strip(" .")


def content_disposition(download_name: str) -> str:
    """`attachment` with a plain-ASCII `filename` for old clients and the real name as RFC 5987 `filename*`."""
    name = _UNSAFE.sub("_", os.path.basename(download_name.replace("\\", "/"))).strip() or "download"
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    ascii_stem, ascii_extension = _ascii(stem) or "download", _ascii(extension)
    fallback = f"{ascii_stem}.{ascii_extension}" if ascii_extension else ascii_stem
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def serve_private(
    request,
    *,
    storage_name: str,
    download_name: str,
    content_type: str,
    audit_target,
    audit_action: str,
    actor,
    reason: str = "",
) -> FileResponse:
    """The private file `storage_name` as a download named `download_name`, for a principal the caller has
    already found entitled to it. One audit row (`audit_action` on `audit_target`, by `actor`, with the file
    name and `reason`) is written before the response; the request's address and id go in it through
    core.request_context. A missing file is a 404, and nothing is audited."""
    try:
        opened = private_storage.open(storage_name, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        raise Http404 from error
    try:
        audit_log(
            actor=actor,
            action=audit_action,
            target=audit_target,
            after={"file": download_name, "size": opened.size, "reason": reason, "method": request.method},
        )
    except BaseException:
        opened.close()
        raise
    response = FileResponse(opened, content_type=content_type)
    response["Content-Disposition"] = content_disposition(download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Pragma"] = "no-cache"
    return response
