"""What an untrusted file must lose, or must not carry, before it is kept: pure Python, no imaging library.

`strip_image_metadata` rewrites a JPEG or PNG without what says where and with what it was taken (EXIF with
its GPS position, XMP, IPTC, comments, text chunks) and keeps every byte of the picture itself. It parses the
whole file, so it doubles as the check that an image is readable: a damaged one raises ValueError.

`pdf_active_content` lists the active content a PDF carries (scripts, launch actions, embedded files, rich
media, XFA forms), looking at the names in the file, hex-escaped ones (`/J#61vaScript`) included, and inside
the compressed object streams where a PDF 1.5+ file may hide its dictionaries. `pdf_problems` turns that into
messages for the field. Both work on bytes; core.uploads wires them into the upload checks.
"""

from __future__ import annotations

import bisect
import re
import struct
import zlib

from django.utils.translation import gettext as _

# --- JPEG ---------------------------------------------------------------------------------------------

_SOI, _EOI, _SOS, _COM = 0xD8, 0xD9, 0xDA, 0xFE
_APP0, _APP2, _APP14 = 0xE0, 0xE2, 0xEE
# Markers that stand alone, without a length: TEM and the restart markers.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
# Start-of-frame markers (not DHT C4, JPG C8, DAC CC).
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _keep_jpeg_segment(marker: int, body: bytes) -> bool:
    if marker in (_APP0, _APP14):  # JFIF / JFXX; Adobe colour transform
        return True
    if marker == _APP2:  # only the ICC profile: APP2 also carries MPF, whose second images have their own EXIF
        return body.startswith(b"ICC_PROFILE\x00")
    return not (0xE0 <= marker <= 0xEF or marker == _COM)


def _strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("no JPEG start-of-image marker")
    out = bytearray(b"\xff\xd8")
    position, end = 2, len(data)
    seen_frame = seen_scan = False
    while True:
        if position >= end or data[position] != 0xFF:
            raise ValueError("a JPEG segment does not start with a marker")
        while position < end and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= end:
            raise ValueError("the JPEG ends inside a marker")
        marker = data[position]
        position += 1
        if marker == _EOI:
            if not (seen_frame and seen_scan):
                raise ValueError("a JPEG without a frame or a scan")
            out += b"\xff\xd9"
            return bytes(out)  # whatever follows the end of the image is dropped
        if marker in _STANDALONE or marker == _SOI or marker == 0x00:
            raise ValueError("a JPEG marker out of place")
        if position + 2 > end:
            raise ValueError("the JPEG ends inside a segment")
        (length,) = struct.unpack_from(">H", data, position)
        if length < 2 or position + length > end:
            raise ValueError("a JPEG segment runs past the end of the file")
        body = data[position + 2 : position + length]
        segment_end = position + length
        seen_frame |= marker in _SOF
        if marker == _SOS:
            if not seen_frame:
                raise ValueError("a JPEG scan before its frame")
            seen_scan = True
            segment_end = _scan_end(data, segment_end)
        if _keep_jpeg_segment(marker, body):
            out += b"\xff" + data[position - 1 : segment_end]  # the marker (without fill bytes) to the end
        position = segment_end


def _scan_end(data: bytes, position: int) -> int:
    """Where the entropy-coded data after a scan header ends: at the first marker that is neither a stuffed
    zero (FF 00) nor a restart marker (FF D0–D7), nor fill bytes before one."""
    end = len(data)
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= end:
            raise ValueError("the JPEG ends inside its image data")
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position += 2
        elif following == 0xFF:
            position += 1
        else:
            return position


# --- PNG ----------------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Critical chunks, then the ancillary chunks that change how the picture looks. Everything else (tEXt, zTXt,
# iTXt, eXIf, tIME, and any chunk we do not know) is dropped; an unknown critical chunk makes the file unreadable.
_PNG_KEPT = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"sBIT",
    b"pHYs",
    b"bKGD",
    b"cICP",
    b"mDCV",
    b"cLLI",
}
_PNG_CRITICAL = {b"IHDR", b"PLTE", b"IDAT", b"IEND"}


def _strip_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("no PNG signature")
    out = bytearray(_PNG_SIGNATURE)
    position, end = len(_PNG_SIGNATURE), len(data)
    first, seen_data = True, False
    while True:
        if position + 12 > end:
            raise ValueError("the PNG ends inside a chunk")
        length, kind = struct.unpack_from(">I4s", data, position)
        chunk_end = position + 12 + length
        if length > 0x7FFFFFFF or chunk_end > end:
            raise ValueError("a PNG chunk runs past the end of the file")
        if not kind.isalpha():
            raise ValueError("a PNG chunk without a name")
        (crc,) = struct.unpack_from(">I", data, chunk_end - 4)
        if zlib.crc32(data[position + 4 : chunk_end - 4]) != crc:
            raise ValueError("a PNG chunk whose checksum is wrong")
        if first and kind != b"IHDR":
            raise ValueError("a PNG that does not start with its header")
        if kind[0:1].isupper() and kind not in _PNG_CRITICAL:
            raise ValueError("a PNG with a critical chunk we cannot read")
        first = False
        seen_data |= kind == b"IDAT"
        if kind in _PNG_KEPT:
            out += data[position:chunk_end]
        position = chunk_end
        if kind == b"IEND":
            if not seen_data:
                raise ValueError("a PNG without image data")
            return bytes(out)  # whatever follows the end is dropped


def strip_image_metadata(data: bytes, kind: str) -> bytes:
    """`data` (a JPEG or PNG, by `kind`: "jpg", "jpeg" or "png") without its metadata, the picture unchanged.

    JPEG: APP1 (EXIF with GPS, XMP), APP3–APP13 (APP13: IPTC / Photoshop), APP15, COM and APP2 segments other
    than the ICC profile go; APP0 (JFIF), the ICC profile, APP14 (Adobe) and every frame, table and scan stay,
    the scans byte for byte. PNG: only the chunks of the picture and its colour stay (see _PNG_KEPT), with their
    checksums verified. Bytes after the end of the image are dropped. Raises ValueError when the file cannot be
    read to its end."""
    kind = kind.lower().lstrip(".")
    if kind in ("jpg", "jpeg"):
        return _strip_jpeg(data)
    if kind == "png":
        return _strip_png(data)
    raise ValueError(f"no metadata stripping for {kind!r}")


# --- PDF ----------------------------------------------------------------------------------------------

# Names whose presence means the document can act: run a script, start a program, carry files, play media,
# or hold an XFA form (which runs scripts of its own). /OpenAction alone is common (open at page 1) and is
# refused only through the script it would run, which always names /JavaScript or /JS.
_ACTIVE_NAMES = {
    b"JavaScript": "JavaScript",
    b"JS": "JavaScript",
    b"Launch": "Launch",
    b"EmbeddedFile": "EmbeddedFile",
    b"EmbeddedFiles": "EmbeddedFile",
    b"RichMedia": "RichMedia",
    b"XFA": "XFA",
}
# Short names are looked for only among the objects, not inside stream bodies: in 10 MB of compressed image
# data "/JS" followed by a delimiter turns up by chance about once in 25 files. Nothing is lost: a script
# action always names its type, /S /JavaScript, and the long names are looked for everywhere.
_SHORT_NAMES = {b"JS", b"XFA"}
# A name runs from "/" to whitespace or a delimiter (ISO 32000-1 §7.3.5).
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_INFLATE_BUDGET = 64 * 1024 * 1024  # all object streams of one file together, against decompression bombs


class UncheckablePdf(ValueError):
    """A compressed object stream that could not be opened to be checked."""


def _unescaped(raw: bytes) -> bytes:
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw) if b"#" in raw else raw


def _stream_bodies(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of every stream body, from the byte after `stream` to `endstream` (or the end of the
    file). One pass: a `stream` keyword inside a body is part of that body."""
    bodies, position = [], 0
    while match := _STREAM.search(data, position):
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        bodies.append((match.end(), end))
        position = end + 1
    return bodies


def _inflated(data: bytes, start: int, end: int, budget: int) -> bytes:
    try:
        inflated = zlib.decompressobj().decompress(data[start:end], budget + 1)
    except zlib.error as error:
        raise UncheckablePdf("an object stream that does not inflate") from error
    if len(inflated) > budget:
        raise UncheckablePdf("object streams larger than the budget")
    return inflated


def _active_in(data: bytes, bodies: list[tuple[int, int]]) -> tuple[set[str], list[int]]:
    """The active content named in `data` (short names only outside `bodies`), and where /ObjStm is named."""
    found, object_streams = set(), []
    starts = [start for start, _ in bodies]
    for match in _NAME.finditer(data):
        name = _unescaped(match.group(1))
        if name == b"ObjStm":
            object_streams.append(match.end())
        elif name in _ACTIVE_NAMES:
            if name in _SHORT_NAMES:
                index = bisect.bisect_right(starts, match.start()) - 1
                if index >= 0 and match.start() < bodies[index][1]:
                    continue  # inside a stream body
            found.add(_ACTIVE_NAMES[name])
    return found, object_streams


def pdf_active_content(data: bytes) -> list[str]:
    """The kinds of active content in a PDF ("JavaScript", "Launch", "EmbeddedFile", "RichMedia", "XFA"),
    sorted; empty for a plain document. The objects packed in compressed object streams (/Type /ObjStm,
    PDF 1.5+) are inflated and looked at too. Raises UncheckablePdf when such a stream cannot be inflated
    (another filter, encryption, damage) or all of them together pass the budget."""
    bodies = _stream_bodies(data)
    found, object_streams = _active_in(data, bodies)
    starts = [start for start, _ in bodies]
    budget, inflated_bodies = _INFLATE_BUDGET, set()
    for named_at in object_streams:
        index = bisect.bisect_left(starts, named_at)  # the first stream after the name is its own
        if index == len(bodies) or index in inflated_bodies:
            continue
        inflated_bodies.add(index)
        inflated = _inflated(data, *bodies[index], budget)
        budget -= len(inflated)
        found |= _active_in(inflated, [])[0]  # an object stream holds objects only, no streams
    return sorted(found)


def pdf_problems(data: bytes, *, name: str) -> list[str]:
    """Why a PDF from outside (named `name` in the messages) is refused: active content, or compressed parts
    that cannot be checked. Empty when it may be kept. The `%PDF-` header is upload_problems' check."""
    try:
        found = pdf_active_content(data)
    except UncheckablePdf:
        return [_("%(name)s contains compressed parts that cannot be checked, so it is not accepted.") % {"name": name}]
    if found:
        return [
            _("%(name)s contains active content (%(found)s), such as scripts or embedded files, and is not accepted.")
            % {"name": name, "found": ", ".join(found)}
        ]
    return []
