"""Reading an uploaded CSV or XLSX file row by row, whatever it imports.

CSV in UTF-8 (with or without BOM) or GB18030 — what Excel in China saves as “CSV” — and the first
worksheet of an .xlsx workbook; rows come with the number a spreadsheet shows, streamed, so a large file
is never held in memory. `locate_header` finds the header row below a title line or two.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx")
# Real templates often carry a title line or two above the header row.
HEADER_SEARCH_ROWS = 10

Rows = Iterator[tuple[int, list]]


class FileProblem(Exception):
    """The file as a whole cannot be imported: unreadable, or its header lacks a required column."""

    def __init__(self, message: str, entries: Iterable[dict] = ()):
        super().__init__(message)
        self.message = message
        self.entries = list(entries)


def file_suffix(name: str) -> str:
    name = (name or "").lower()
    return next((suffix for suffix in ALLOWED_SUFFIXES if name.endswith(suffix)), "")


def read_rows(handle, name: str) -> tuple[Rows, int | None]:
    """(row number as the spreadsheet shows it, cells) for every row, and an estimate of the row count."""
    if file_suffix(name) == ".xlsx":
        return _xlsx_rows(handle)
    return _csv_rows(handle)


def _csv_rows(handle) -> tuple[Rows, int | None]:
    encoding, lines = _csv_encoding_and_lines(handle)
    handle.seek(0)

    def rows():
        text = io.TextIOWrapper(handle, encoding=encoding, newline="")
        try:
            yield from enumerate(csv.reader(text), start=1)
        except csv.Error as exc:
            raise FileProblem(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc
        finally:
            text.detach()  # the caller closes the file

    return rows(), lines


def _csv_encoding_and_lines(handle) -> tuple[str, int]:
    """UTF-8 (with or without BOM) first, then GB18030 — what Excel in China saves as “CSV” — and the
    number of lines, for the progress bar (a cell may span lines: the exact count comes at the end).
    Neither encoding ever uses the byte 0x0A inside a character, so lines are counted on bytes."""
    for encoding in ("utf-8", "gb18030"):
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return ("utf-8-sig" if encoding == "utf-8" else encoding), lines
    raise FileProblem(_("The file is neither UTF-8 nor GB18030 text: save it as “CSV UTF-8” and upload it again."))


def _xlsx_rows(handle) -> tuple[Rows, int | None]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileProblem(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    if not workbook.worksheets:
        workbook.close()
        raise FileProblem(_("The workbook has no worksheet."))
    sheet = workbook.worksheets[0]
    estimate = sheet.max_row
    # Read-only mode trusts the stored dimension, which some writers get wrong: read every row.
    sheet.reset_dimensions()

    def rows():
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_xlsx_value(value) for value in values]
        finally:
            workbook.close()

    return rows(), estimate


def _xlsx_value(value):
    # Excel keeps numbers as floats: 12.0 typed in a text column should read "12", not "12.0".
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def is_blank(cells: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def text(value) -> str:
    """A cell as text: dates as ISO dates, numbers as written, surrounding blanks dropped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return str(value).strip()


def shown(value) -> str:
    """A cell as an error report shows it: text, at most 200 characters."""
    return text(value)[:200]


def batched(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def locate_header(rows: Rows, known_columns: Callable[[list[str]], int], *, min_matches: int) -> tuple[int, list, Rows]:
    """The header row — the first of the top rows with at least `min_matches` columns that
    `known_columns(headers)` recognises, else the first row that is not blank — its cells, and the data
    rows after it. An empty file (or one of blank rows only) is a FileProblem."""
    peeked = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not peeked or all(is_blank(cells) for _number, cells in peeked):
        raise FileProblem(_("The file is empty."))
    chosen = next(
        (p for p, (_n, cells) in enumerate(peeked) if known_columns([text(c) for c in cells]) >= min_matches),
        None,
    )
    if chosen is None:
        chosen = next(p for p, (_n, cells) in enumerate(peeked) if not is_blank(cells))
    header_row, header_cells = peeked[chosen]
    return header_row, header_cells, itertools.chain(peeked[chosen + 1 :], rows)
