"""Uploads checked by their bytes (core.uploads), for every app that takes files."""

import pytest

from core.uploads import content_problem, upload_problems
from tests import files
from tests.files import upload

EVIDENCE_KINDS = ("pdf", "ofd", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "txt", "zip")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("判决书.pdf", files.PDF),
        ("现场.png", files.png()),
        ("现场.jpg", files.JPEG),
        ("现场.JPEG", files.JPEG),
        ("说明.docx", files.office_open_xml(files.DOCX_MAIN)),
        ("台账.xlsx", files.xlsx()),
        ("说明.doc", files.ole2("WordDocument")),
        ("台账.xls", files.ole2("Workbook")),
        ("公文.ofd", files.zip_of({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<x/>"})),
        ("材料.zip", files.zip_of({"a.txt": b"x"})),
        ("说明.txt", "情况说明：已整改。".encode()),
        ("说明.txt", "情况说明：已整改。".encode("gb18030")),
        ("说明.txt", "\ufeff情况说明".encode("utf-16")),
    ],
)
def test_files_whose_bytes_are_what_their_name_says_are_accepted(name, content):
    assert upload_problems([upload(name, content)], allowed=EVIDENCE_KINDS, max_bytes=1 << 20) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("判决书.pdf", files.HTML, "判决书.pdf is a web page (HTML), not a PDF document."),
        ("现场.png", files.ELF_PROGRAM, "现场.png is a program, not a PNG image."),
        ("现场.png", files.WINDOWS_PROGRAM, "现场.png is a program, not a PNG image."),
        ("现场.jpg", files.png(), "现场.jpg is a PNG image, not a JPEG image."),
        ("判决书.pdf", b"%PDX garbage", "判决书.pdf is not a PDF document, although its name ends in .pdf."),
        (
            "说明.docx",
            files.office_open_xml(files.DOCM_MAIN),
            "说明.docx is a ZIP archive, not a Word document (.docx).",
        ),
        (
            "台账.xlsx",
            b"CF_XDR_MC,CF_WSH\n",
            "台账.xlsx is not an Excel workbook (.xlsx), although its name ends in .xlsx.",
        ),
        (
            "台账.xlsx",
            files.ole2("Workbook"),
            "台账.xlsx is an old Excel 97–2003 workbook (.xls), not an Excel workbook (.xlsx).",
        ),
        (
            "说明.doc",
            files.ole2("Workbook"),
            "说明.doc is an old Excel 97–2003 workbook (.xls), not an old Word 97–2003 document (.doc).",
        ),
        ("材料.zip", b"PK\x03\x04 not really", "材料.zip is not a ZIP archive, although its name ends in .zip."),
        ("说明.txt", files.WINDOWS_PROGRAM, "说明.txt is a program, not a text file."),
        ("空.pdf", b"", "空.pdf is empty."),
        ("脚本.exe", files.WINDOWS_PROGRAM, "脚本.exe: files of this kind are not accepted"),
    ],
)
def test_files_that_are_not_what_their_name_says_are_refused_by_name(name, content, message):
    with _in_english():
        problems = upload_problems([upload(name, content)], allowed=EVIDENCE_KINDS, max_bytes=1 << 20)
    assert len(problems) == 1 and problems[0].startswith(message)


def test_a_file_over_the_limit_is_refused_by_name():
    big = upload("判决书.pdf", files.PDF + b" " * (1 << 20))
    with _in_english():
        assert upload_problems([big], allowed=["pdf"], max_bytes=1 << 20) == ["判决书.pdf is larger than 1 MB."]


def test_every_file_gets_its_own_message_and_the_good_ones_none():
    batch = [upload("好.pdf", files.PDF), upload("坏.pdf", files.HTML), upload("空.png", b"")]
    with _in_english():
        problems = upload_problems(batch, allowed=["pdf", "png"], max_bytes=1 << 20)
    assert [p.split(" ", 1)[0] for p in problems] == ["坏.pdf", "空.png"]


def test_a_kind_without_a_check_is_refused_rather_than_trusted():
    with _in_english():
        assert "cannot be checked" in content_problem(upload("图.webp", b"RIFF....WEBP"))


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("处罚.csv", "CF_XDR_MC,CF_WSH\n杭州某某公司,罚〔2026〕1号\n".encode(), True),
        ("处罚.csv", "CF_XDR_MC,CF_WSH\n杭州某某公司,罚〔2026〕1号\n".encode("gb18030"), True),
        ("处罚.csv", files.xlsx(), False),  # a workbook renamed
        ("处罚.csv", "\ufeffCF_XDR_MC".encode("utf-16"), False),  # the importer reads UTF-8 and GB18030 only
        ("处罚.xlsx", files.xlsx(), True),
        ("处罚.xlsx", files.zip_of({"a.txt": b"x"}), False),
    ],
)
def test_import_files_are_text_or_a_real_workbook(name, content, accepted):
    assert (content_problem(upload(name, content)) is None) is accepted


def test_the_file_can_still_be_read_from_the_start_after_the_check():
    checked = upload("台账.xlsx", files.xlsx())
    assert content_problem(checked) is None
    assert checked.read(4) == b"PK\x03\x04"


def _in_english():
    from django.utils import translation

    return translation.override("en")
