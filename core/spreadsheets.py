"""Files people open in a spreadsheet program: CSV streamed, XLSX built in a temporary file.

Every export of every app writes through here, so that one guard keeps cells from being run as formulas
(CSV injection): a text cell that a spreadsheet would read as a formula gets a leading apostrophe, which
spreadsheets show as text. "Would read as a formula" is wider than `= + - @`: Excel and WPS also take the
full-width signs a Chinese input method types (＝ ＋ － ＠) and other compatibility forms of them (﹦ ﹢ ﹣),
and skip leading blanks (spaces, the full-width space, zero-width characters) before the sign; a leading
tab, carriage return or line feed is neutralised as well.
"""

from __future__ import annotations

import csv
import functools
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator

FORMULA_SIGNS = frozenset("=+-@")
# Neutralised wherever they stand at the start, even with no sign after them.
LEADING_CONTROLS = frozenset("\t\r\n")

_OTHER, _BLANK, _TRIGGER = 0, 1, 2


@functools.lru_cache(maxsize=4096)
def _lead_kind(char: str) -> int:
    if char in LEADING_CONTROLS or unicodedata.normalize("NFKC", char)[:1] in FORMULA_SIGNS:
        return _TRIGGER
    if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
        return _BLANK
    return _OTHER


def spreadsheet_safe(value):
    """The value as a spreadsheet should show it: text that would start a formula, prefixed with '."""
    if not isinstance(value, str):
        return value
    for char in value:
        kind = _lead_kind(char)
        if kind == _OTHER:
            return value
        if kind == _TRIGGER:
            return "'" + value
    return value


class _Echo:
    """A file-like whose write() hands the line back, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """UTF-8 with a byte-order mark, which Excel needs to read Chinese text correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([spreadsheet_safe(value) for value in header])
    for row in rows:
        yield writer.writerow([spreadsheet_safe(value) for value in row])


def xlsx_file(header: list[str], rows: Iterable[list], *, title: str = "Sheet1"):
    """An .xlsx written row by row (openpyxl write-only) into a temporary file, ready to stream.

    In a workbook a text cell is never run, whatever it starts with; only openpyxl itself would store a
    string starting with "=" as a formula, so such cells are marked as text explicitly.
    """
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)

    def cells(values):
        for value in values:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
            yield value

    sheet.append(list(cells(header)))
    for row in rows:
        sheet.append(list(cells(row)))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    try:
        workbook.save(handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(header: list[str], rows: Iterable[list], filename: str):
    """A CSV download streamed as it is written."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(header: list[str], rows: Iterable[list], filename: str, *, title: str):
    """An XLSX download. A zip archive is only complete at its end, so the workbook is built in a
    temporary file first."""
    from django.http import FileResponse

    return FileResponse(
        xlsx_file(header, rows, title=title), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
