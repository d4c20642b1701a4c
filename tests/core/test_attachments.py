"""Attachments from the public: checked (core.uploads, untrusted), stripped (core.sanitize), kept and handed out
privately (core.private_files)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation

from core.models import AuditEvent
from core.private_files import content_disposition, private_storage, serve_private
from core.uploads import cleaned_upload, pdf_problems, stored_facts, strip_image_metadata, upload_problems
from tests import files
from tests.files import upload
from tests.permissions import OWN_ORG

# A real 1×1 grey baseline JPEG (as an encoder writes it): SOI, APP0 JFIF, DQT, SOF0, DHT ×2, SOS … EOI.
BASELINE_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a"
    "333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffc0000b080001000101011100ffc4"
    "001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d"
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435"
    "363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798"
    "999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4"
    "f5f6f7f8f9faffda0008010100003f002bffd9"
)
APP0 = BASELINE_JPEG[2:20]
FRAME_TO_END = BASELINE_JPEG[20:]  # DQT, SOF0, DHT, SOS, the scan, EOI


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def exif_with_gps() -> bytes:
    """APP1 EXIF: IFD0 with one entry, the GPS IFD pointer (tag 0x8825), and a GPS IFD saying 30°N 120°E."""
    gps_ifd_offset = 8 + 2 + 12 + 4
    ifd0 = struct.pack(">H", 1) + struct.pack(">HHII", 0x8825, 4, 1, gps_ifd_offset) + struct.pack(">I", 0)
    gps = struct.pack(">H", 2)
    gps += struct.pack(">HHI4s", 0x0001, 2, 2, b"N\x00\x00\x00")  # GPSLatitudeRef
    gps += struct.pack(">HHI4s", 0x0003, 2, 2, b"E\x00\x00\x00")  # GPSLongitudeRef
    gps += struct.pack(">I", 0)
    return segment(0xE1, b"Exif\x00\x00" + b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + gps)


ICC = segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"\x00" * 16)
ADOBE = segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")


def jpeg_with_metadata() -> bytes:
    return (
        b"\xff\xd8"
        + APP0
        + exif_with_gps()
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + "<x:xmpmeta>杭州</x:xmpmeta>".encode())
        + segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x00")  # IPTC
        + segment(0xE2, b"MPF\x00MM\x00\x2a")  # multi-picture index: its second image carries its own EXIF
        + ICC
        + ADOBE
        + segment(0xFE, b"taken at 30.27N 120.15E")
        + FRAME_TO_END[:-2]
        + segment(0xFE, b"a comment after the scan")
        + b"\xff\xd9"
        + b"trailing bytes: a second picture or a ZIP"
    )


def markers(jpeg: bytes) -> list[int]:
    """The markers of the segments before the first scan."""
    found, position = [], 2
    while jpeg[position + 1] != 0xDA:
        found.append(jpeg[position + 1])
        position += 2 + struct.unpack_from(">H", jpeg, position + 2)[0]
    return found


def test_a_jpeg_loses_exif_gps_xmp_iptc_and_comments_and_keeps_its_picture_byte_for_byte():
    stripped = strip_image_metadata(jpeg_with_metadata(), "jpg")
    assert stripped == b"\xff\xd8" + APP0 + ICC + ADOBE + FRAME_TO_END
    assert b"Exif" not in stripped and b"\x88\x25" not in stripped and b"comment" not in stripped
    assert markers(stripped) == [0xE0, 0xE2, 0xEE, 0xDB, 0xC0, 0xC4, 0xC4]


def test_a_clean_jpeg_comes_out_as_it_went_in():
    assert strip_image_metadata(BASELINE_JPEG, "jpeg") == BASELINE_JPEG


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, each checksum verified."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    found, position = [], 8
    while position < len(png):
        length, kind = struct.unpack_from(">I4s", png, position)
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack_from(">I", png, position + 8 + length)
        assert zlib.crc32(kind + data) == crc, kind
        found.append((kind, data))
        position += 12 + length
    return found


def png_with_metadata() -> bytes:
    plain = chunks(files.png())
    header, rest = plain[0], plain[1:]
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(*header)
        + chunk(b"gAMA", struct.pack(">I", 45455))
        + chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1))
        + chunk(b"tEXt", b"Comment\x00taken at 30.27N 120.15E")
        + chunk(b"iTXt", b"Author\x00\x00\x00\x00\x00" + "张三".encode())
        + chunk(b"zTXt", b"Software\x00\x00" + zlib.compress(b"phone"))
        + chunk(b"eXIf", b"MM\x00\x2a\x00\x00\x00\x08\x00\x00")
        + chunk(b"tIME", struct.pack(">HBBBBB", 2026, 12, 3, 11, 0, 0))
        + chunk(b"vpAg", b"\x00" * 9)  # an ancillary chunk we do not know goes too
        + b"".join(chunk(*c) for c in rest)
        + b"after the end"
    )


def test_a_png_loses_its_text_exif_and_time_chunks_and_still_parses():
    stripped = strip_image_metadata(png_with_metadata(), "png")
    parsed = chunks(stripped)
    assert [kind for kind, _ in parsed] == [b"IHDR", b"gAMA", b"pHYs", b"IDAT", b"IEND"]
    assert dict(parsed)[b"IDAT"] == dict(chunks(files.png()))[b"IDAT"]
    assert zlib.decompress(dict(parsed)[b"IDAT"]) == b"\x00\x80"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (BASELINE_JPEG[:-40], "jpg"),  # cut inside the scan
        (BASELINE_JPEG[:100], "jpg"),  # cut inside a table
        (b"\xff\xd8" + APP0 + b"\xff\xd9", "jpg"),  # no frame, no scan (what tests.files.JPEG is)
        (files.png()[:-12], "png"),  # no IEND
        (files.png()[:30], "png"),
        (files.png().replace(b"IDAT", b"IDAt"), "png"),  # checksum no longer matches
        (files.png(), "gif"),
    ],
)
def test_an_image_that_cannot_be_read_to_its_end_raises_value_error(content, kind):
    with pytest.raises(ValueError):
        strip_image_metadata(content, kind)


def english():
    return translation.override("en")


UNTRUSTED = {"allowed": ["pdf", "jpg", "jpeg", "png"], "max_bytes": 1 << 20, "untrusted": True}


def pdf_with(body: bytes) -> bytes:
    return files.PDF.replace(b"trailer", body + b"\ntrailer")


def object_stream(content: bytes) -> bytes:
    return (
        b"4 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(content)
        + content
        + b"\nendstream\nendobj"
    )


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b"4 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj", "JavaScript"),
        (b"4 0 obj<</S/J#61vaScript/J#53(app.alert(1))>>endobj", "JavaScript"),  # hex-escaped names
        (b"4 0 obj<</S /Foo /#4a#53 (app.alert(1))>>endobj", "JavaScript"),
        (b"1 0 obj<</OpenAction<</S/JavaScript/JS 5 0 R>>>>endobj", "JavaScript"),
        (b"4 0 obj<</S/Launch/F(cmd.exe)>>endobj", "Launch"),
        (b"4 0 obj<</Names<</EmbeddedFiles 5 0 R>>>>endobj", "EmbeddedFile"),
        (b"4 0 obj<</Type/EmbeddedFile/Length 0>>stream\n\nendstream endobj", "EmbeddedFile"),
        (b"4 0 obj<</Subtype/RichMedia>>endobj", "RichMedia"),
        (b"4 0 obj<</AcroForm<</XFA 6 0 R>>>>endobj", "XFA"),
        (object_stream(zlib.compress(b"5 0 <</S/JavaScript/JS(app.alert(1))>>")), "JavaScript"),
    ],
)
def test_a_pdf_with_active_content_is_refused_by_name(body, found):
    with english():
        problems = upload_problems([upload("举报材料.pdf", pdf_with(body))], **UNTRUSTED)
    assert problems == [
        f"举报材料.pdf contains active content ({found}), such as scripts or embedded files, and is not accepted."
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"1 0 obj<</OpenAction[3 0 R/FitH null]>>endobj",  # open at the first page: not active
        b"4 0 obj<</Title(JavaScript in the title is only text)/Subject(/JSON)>>endobj",
        object_stream(zlib.compress(b"5 0 <</Type/Annot/Subtype/Link/A<</S/URI/URI(https://example.org/)>>>>")),
    ],
)
def test_a_plain_pdf_is_accepted(body):
    assert upload_problems([upload("举报材料.pdf", pdf_with(body))], **UNTRUSTED) == []


def test_short_names_met_by_chance_in_compressed_image_data_do_not_refuse_a_scan():
    image = (
        b"5 0 obj<</Type/XObject/Subtype/Image/Filter/FlateDecode/Length 9>>stream\nx\x9c/JS /XFA(\nendstream endobj"
    )
    assert pdf_problems(pdf_with(image), name="扫描件.pdf") == []
    assert pdf_problems(pdf_with(image.replace(b"/JS ", b"/Launch ")), name="扫描件.pdf") != []


def test_the_pdf_check_stays_linear_on_a_file_made_of_stream_keywords():
    import time

    started = time.monotonic()
    assert pdf_problems(b"%PDF-1.7\n" + b"/ObjStm stream\n" * 200_000, name="坏.pdf") != []
    assert pdf_problems(b"%PDF-1.7\n" + b"<</Type/ObjStm>>" * 200_000, name="坏.pdf") == []
    assert time.monotonic() - started < 5


def test_a_pdf_whose_object_stream_cannot_be_opened_is_refused():
    with english():
        problems = pdf_problems(pdf_with(object_stream(b"not deflated at all")), name="举报材料.pdf")
    assert problems == ["举报材料.pdf contains compressed parts that cannot be checked, so it is not accepted."]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("举报材料.pdf", files.WINDOWS_PROGRAM, "举报材料.pdf is a program, not a PDF document."),
        ("举报材料.pdf", files.ELF_PROGRAM, "举报材料.pdf is a program, not a PDF document."),
        ("现场.jpg", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(24), "现场.jpg is a program, not a JPEG image."),
        ("现场.png", b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + bytes(24), "现场.png is a program, not a PNG image."),
        ("现场.jpg", BASELINE_JPEG[:-40], "现场.jpg is not a readable image."),
        ("现场.png", files.png()[:-12], "现场.png is not a readable image."),
        ("说明.docx", files.office_open_xml(files.DOCX_MAIN), "说明.docx: files of this kind are not accepted"),
        ("大.pdf", files.PDF + b" " * (1 << 20), "大.pdf is larger than 1 MB."),
    ],
)
def test_programs_damaged_images_other_kinds_and_big_files_from_the_public_are_refused(name, content, message):
    with english():
        problems = upload_problems([upload(name, content)], **{**UNTRUSTED, "allowed": [*UNTRUSTED["allowed"], "docx"]})
    assert len(problems) == 1 and problems[0].startswith(message)


def test_a_program_is_refused_by_its_header_whatever_the_name_in_every_check():
    with english():
        for name in ("判决书.pdf", "现场.png", "现场.jpg", "说明.txt"):
            problems = upload_problems([upload(name, files.WINDOWS_PROGRAM)], allowed=[name[-3:]], max_bytes=1 << 20)
            assert problems and "is a program" in problems[0]


def test_what_is_stored_is_the_stripped_image_and_its_facts_describe_what_is_stored():
    checked = upload("../../现场.jpg", jpeg_with_metadata())
    assert upload_problems([checked], **UNTRUSTED) == []
    cleaned = cleaned_upload(checked)
    assert cleaned.name == "现场.jpg"
    assert cleaned.read() == b"\xff\xd8" + APP0 + ICC + ADOBE + FRAME_TO_END
    facts = stored_facts(cleaned)
    assert facts["size"] == len(b"\xff\xd8" + APP0 + ICC + ADOBE + FRAME_TO_END)
    assert cleaned_upload(upload("举报材料.pdf", files.PDF)).read() == files.PDF


def test_cleaning_an_unreadable_image_raises_the_field_message():
    with english(), pytest.raises(ValueError, match=r"^现场\.png is not a readable image\.$"):
        cleaned_upload(upload("现场.png", files.png()[:-12]))


# --- private storage and serving ----------------------------------------------------------------------


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


def test_the_private_storage_lies_outside_media_and_static_and_has_no_url(private_root):
    name = private_storage.save("complaints/2026/举报材料.pdf", ContentFile(files.PDF))
    path = Path(private_storage.path(name)).resolve()
    assert path.is_relative_to(Path(private_root).resolve())
    for root in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not path.is_relative_to(Path(root).resolve())
    assert path.stat().st_mode & 0o077 == 0
    with pytest.raises(ValueError):
        private_storage.url(name)


def test_the_default_private_root_is_outside_the_default_media_and_static_roots():
    default = Path(settings.BASE_DIR) / "var" / "private"
    for root in (Path(settings.BASE_DIR) / "var" / "media", Path(settings.BASE_DIR) / "staticfiles"):
        assert not default.is_relative_to(root) and not root.is_relative_to(default)


def test_a_private_root_under_media_root_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    with pytest.raises(ImproperlyConfigured):
        private_storage.path("x.pdf")


@pytest.mark.django_db
def test_serve_private_answers_a_download_that_is_not_rendered_nor_cached_and_audits_it(private_root, world):
    from csp.middleware import CSPMiddleware

    name = private_storage.save("complaints/attachment.pdf", ContentFile(files.PDF))
    actor = world.user(OWN_ORG)
    request = RequestFactory().get("/staff/complaints/1/attachments/1/")
    before = AuditEvent.objects.count()
    response = serve_private(
        request,
        storage_name=name,
        download_name="举报材料.pdf",
        content_type="application/pdf",
        audit_target=world.department,
        audit_action="complaint.attachment_download",
        actor=actor,
        reason="办理投诉",
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.target_id) == (
        "complaint.attachment_download",
        actor,
        str(world.department.pk),
    )
    assert event.after["file"] == "举报材料.pdf" and event.after["reason"] == "办理投诉"
    response = CSPMiddleware(lambda request: response)(request)  # the site-wide policy does not replace sandbox
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''" + quote("举报材料.pdf", safe="")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == files.PDF


@pytest.mark.django_db
def test_a_missing_private_file_is_404_and_not_audited(private_root, world):
    before = AuditEvent.objects.count()
    with pytest.raises(Http404):
        serve_private(
            RequestFactory().get("/"),
            storage_name="complaints/none.pdf",
            download_name="none.pdf",
            content_type="application/pdf",
            audit_target=world.department,
            audit_action="complaint.attachment_download",
            actor=world.user(OWN_ORG),
        )
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("report.pdf", 'attachment; filename="report.pdf"'),
        ('../../etc/"pass"\r\nX: y.pdf', 'attachment; filename="_pass___X: y.pdf"'),
        ("现场 photo.jpg", "attachment; filename=\"photo.jpg\"; filename*=UTF-8''" + quote("现场 photo.jpg", safe="")),
        ("说明", "attachment; filename=\"download\"; filename*=UTF-8''" + quote("说明", safe="")),
    ],
)
def test_the_download_name_is_safe_and_kept_for_every_client(name, header):
    assert content_disposition(name) == header
