"""Uploaded files checked by what they contain, not by what they are called.

A name ending in .pdf says nothing: an HTML page or a program renamed to 判决书.pdf would otherwise be kept
as evidence and handed to the next reader. Every app that takes files (evidence, imports, later complaint
attachments) asks `upload_problems` for the whole check — kind allowed, not empty, not too large, and the
bytes being of the kind the name says — and shows the messages, each naming its file, under the field.

What is verified per kind:
- pdf: the `%PDF-` header; png and jpg/jpeg: their signatures;
- docx, xlsx: a ZIP archive whose `[Content_Types].xml` declares a Word document or an Excel workbook
  (macro-enabled .docm/.xlsm declare other types and are refused); ofd: a ZIP archive with `OFD.xml`;
- doc, xls: an OLE2 compound file (its header and root directory entry) holding a `WordDocument`, or a
  `Workbook` / `Book` stream; the streams themselves are not parsed;
- zip: an archive whose central directory can be read; what is inside is not inspected;
- txt, csv: text — no NUL byte, and UTF-8 or GB18030 (txt also UTF-16 with a byte-order mark).
An extension with no check here is refused rather than trusted.

Files from the public (complaint attachments) are checked with `untrusted=True`: only PDF and PNG/JPEG are
taken, a PDF with active content (scripts, launch actions, embedded files, XFA) is refused and an image must
be readable to its end (core.sanitize). What is stored is then `cleaned_upload(upload)`: the image without its
metadata (EXIF with the GPS position, XMP, IPTC, comments, text chunks), a PDF as it came; kept in
core.private_files.private_storage and handed out only by core.private_files.serve_private.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import struct
import zipfile
from collections.abc import Callable, Iterable, Sequence

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .sanitize import pdf_active_content, pdf_problems, strip_image_metadata

__all__ = [
    "UNTRUSTED_KINDS",
    "cleaned_upload",
    "content_problem",
    "pdf_active_content",
    "pdf_problems",
    "stored_facts",
    "strip_image_metadata",
    "upload_problems",
]

HEAD_BYTES = 64 * 1024
_READ_CHUNK = 1 << 20
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_WORD_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_EXCEL_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _extension(name: str) -> str:
    base = (name or "").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


# --- what the bytes are -------------------------------------------------------------------------------


def _is_pdf(upload, head: bytes) -> bool:
    return head.startswith(b"%PDF-")


def _is_png(upload, head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(upload, head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _zip_names(upload, head: bytes) -> list[str] | None:
    if not head.startswith(_ZIP_SIGNATURES):
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)


def _zip_member(upload, name: str, limit: int = 256 * 1024) -> bytes | None:
    try:
        with zipfile.ZipFile(upload) as archive, archive.open(name) as member:
            return member.read(limit)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return None  # missing, damaged, compressed in a way we cannot read, or encrypted
    finally:
        upload.seek(0)


def _office_open_xml(main_content_type: bytes) -> Callable:
    def check(upload, head: bytes) -> bool:
        names = _zip_names(upload, head)
        if not names or "[Content_Types].xml" not in names:
            return False
        content_types = _zip_member(upload, "[Content_Types].xml")
        return content_types is not None and main_content_type in content_types

    return check


def _is_ofd(upload, head: bytes) -> bool:
    names = _zip_names(upload, head)
    return bool(names) and any(name.lower() == "ofd.xml" for name in names)


def _is_zip(upload, head: bytes) -> bool:
    return _zip_names(upload, head) is not None


def _ole2(*stream_names: str) -> Callable:
    needles = [name.encode("utf-16-le") for name in stream_names]

    def check(upload, head: bytes) -> bool:
        if not head.startswith(_OLE2_SIGNATURE) or len(head) < 512:
            return False
        (sector_shift,) = struct.unpack_from("<H", head, 30)
        (first_directory_sector,) = struct.unpack_from("<I", head, 48)
        if sector_shift not in (9, 12):
            return False
        upload.seek((first_directory_sector + 1) << sector_shift)
        root = upload.read(128)
        upload.seek(0)
        if root[:20] != "Root Entry".encode("utf-16-le"):
            return False
        return _contains_any(upload, needles)

    return check


def _contains_any(upload, needles: list[bytes]) -> bool:
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    upload.seek(0)
    try:
        while chunk := upload.read(_READ_CHUNK):
            window = tail + chunk
            if any(needle in window for needle in needles):
                return True
            tail = window[-overlap:]
        return False
    finally:
        upload.seek(0)


def _text(*, utf16: bool) -> Callable:
    def check(upload, head: bytes) -> bool:
        if utf16 and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _decodes(head[2:], "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be")
        if b"\x00" in head:
            return False
        return _decodes(head, "utf-8") or _decodes(head, "gb18030")

    return check


def _decodes(data: bytes, encoding: str) -> bool:
    # Not final: a character cut in two at the end of the head is not an error.
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


KINDS: dict[str, tuple[object, Callable]] = {
    "pdf": (gettext_lazy("a PDF document"), _is_pdf),
    "png": (gettext_lazy("a PNG image"), _is_png),
    "jpg": (gettext_lazy("a JPEG image"), _is_jpeg),
    "jpeg": (gettext_lazy("a JPEG image"), _is_jpeg),
    "ofd": (gettext_lazy("an OFD document"), _is_ofd),
    "docx": (gettext_lazy("a Word document (.docx)"), _office_open_xml(_WORD_MAIN)),
    "xlsx": (gettext_lazy("an Excel workbook (.xlsx)"), _office_open_xml(_EXCEL_MAIN)),
    "doc": (gettext_lazy("an old Word 97–2003 document (.doc)"), _ole2("WordDocument")),
    "xls": (gettext_lazy("an old Excel 97–2003 workbook (.xls)"), _ole2("Workbook", "Book")),
    "zip": (gettext_lazy("a ZIP archive"), _is_zip),
    "txt": (gettext_lazy("a text file"), _text(utf16=True)),
    "csv": (gettext_lazy("a CSV text file (UTF-8 or GB18030)"), _text(utf16=False)),
}

# What a file given the wrong name most often turns out to be, said in the message.
_DISGUISES: list[tuple[object, Callable[[bytes], bool]]] = [
    (
        gettext_lazy("a program"),
        lambda head: head.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")),
    ),
    (gettext_lazy("a script"), lambda head: head.startswith(b"#!")),
    (
        gettext_lazy("a web page (HTML)"),
        lambda head: any(tag in head[:4096].lower() for tag in (b"<html", b"<!doctype html", b"<script", b"<svg")),
    ),
]


def _looks_like(upload, head: bytes) -> str:
    for label, matches in _DISGUISES:
        if matches(head):
            return str(label)
    for extension in ("pdf", "png", "jpg", "docx", "xlsx", "ofd", "doc", "xls", "zip"):
        label, matches = KINDS[extension]
        if matches(upload, head):
            return str(label)
    return ""


# --- the checks apps call -----------------------------------------------------------------------------


def content_problem(upload, extension: str | None = None) -> str | None:
    """Why the bytes of `upload` are not of the kind its name (or `extension`) says, or None when they are."""
    name = upload.name
    extension = (extension or _extension(name)).lower().lstrip(".")
    if extension not in KINDS:
        return _("%(name)s: files of this kind cannot be checked and are not accepted.") % {"name": name}
    label, matches = KINDS[extension]
    head = _head(upload)
    if matches(upload, head):
        return None
    found = _looks_like(upload, head)
    if found:
        return _("%(name)s is %(found)s, not %(kind)s.") % {"name": name, "kind": label, "found": found}
    return _("%(name)s is not %(kind)s, although its name ends in .%(extension)s.") % {
        "name": name,
        "kind": label,
        "extension": extension,
    }


def upload_problems(files: Iterable, *, allowed: Sequence[str], max_bytes: int, untrusted: bool = False) -> list[str]:
    """Every reason to refuse these files, each message naming its file: a kind not in `allowed`
    (extensions without the dot), empty, larger than `max_bytes`, or bytes not of the named kind.

    `untrusted=True` (files from the public): only the kinds of UNTRUSTED_KINDS are taken whatever `allowed`
    says, a PDF must carry no active content and an image must be readable to its end."""
    allowed = [extension.lower() for extension in allowed]
    if untrusted:
        allowed = [extension for extension in allowed if extension in UNTRUSTED_KINDS]
    problems = []
    for upload in files:
        extension = _extension(upload.name)
        if extension not in allowed:
            problems.append(
                _("%(name)s: files of this kind are not accepted (allowed: %(allowed)s).")
                % {"name": upload.name, "allowed": ", ".join(allowed)}
            )
        elif not upload.size:
            problems.append(_("%(name)s is empty.") % {"name": upload.name})
        elif upload.size > max_bytes:
            problems.append(
                _("%(name)s is larger than %(mb)d MB.") % {"name": upload.name, "mb": max_bytes // (1024 * 1024)}
            )
        elif problem := content_problem(upload, extension):
            problems.append(problem)
        elif untrusted:
            problems += _untrusted_problems(upload, extension)
    return problems


UNTRUSTED_KINDS = ("pdf", "png", "jpg", "jpeg")


def _whole(upload) -> bytes:
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return data


def _untrusted_problems(upload, extension: str) -> list[str]:
    data = _whole(upload)
    if extension == "pdf":
        return pdf_problems(data, name=upload.name)
    try:
        strip_image_metadata(data, extension)
    except ValueError:
        return [_("%(name)s is not a readable image.") % {"name": upload.name}]
    return []


def cleaned_upload(upload) -> ContentFile:
    """What to store of an upload that passed `upload_problems(..., untrusted=True)`: a JPEG or PNG without
    its metadata, anything else as it came; named as the upload (without any path). Raises ValueError, whose
    text is the message for the field, when the image cannot be read."""
    name = os.path.basename(upload.name)
    extension = _extension(name)
    data = _whole(upload)
    if extension in ("png", "jpg", "jpeg"):
        try:
            data = strip_image_metadata(data, extension)
        except ValueError as error:
            raise ValueError(_("%(name)s is not a readable image.") % {"name": name}) from error
    return ContentFile(data, name=name)


def stored_facts(upload) -> dict:
    """What is kept beside a stored file: its name as uploaded (without any path), its size and its SHA-256,
    so a later reader can tell the file they open is the one that was checked."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"original_name": os.path.basename(upload.name)[:200], "size": upload.size, "sha256": digest.hexdigest()}
