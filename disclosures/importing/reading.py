"""Reading an uploaded CSV or XLSX file: encodings, the header row in either variant, rows."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import logging
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.identifiers import mask_identifier

from .. import national
from ..choices import ImportStatus
from ..models import Disclosure

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx")
# Enough to show every distinct mistake of a systematically broken file without storing megabytes.
MAX_STORED_ERRORS = 10_000
# Real templates often carry a title line or two above the header row.
HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 3
PROGRESS_TTL_SECONDS = 6 * 60 * 60
DERIVED_FIELDS = ["publish_deadline", "deadline_provisional", "publicity_min_ends_on", "publicity_ends_on"]
ORGANIZATION_ATTRIBUTES = ("authority", "data_source")
# A required column may be stood in for by another: XK_WSH falls back to the licence number (validation.py).
COLUMN_STAND_INS = {"license": {"decision_number": "license_number"}}
RUNNING_STATUSES = frozenset({ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.IMPORTING})


class FileProblem(Exception):
    """The file as a whole cannot be imported: unreadable, or its header lacks a required column."""

    def __init__(self, message: str, entries: Iterable[dict] = ()):
        super().__init__(message)
        self.message = message
        self.entries = list(entries)


def progress_key(job_id: int) -> str:
    return f"disclosures:import-progress:{job_id}"


# --- reading the file -------------------------------------------------------------------------------


def file_suffix(name: str) -> str:
    name = (name or "").lower()
    return next((suffix for suffix in ALLOWED_SUFFIXES if name.endswith(suffix)), "")


def read_rows(handle, name: str) -> tuple[Iterator[tuple[int, list]], int | None]:
    """(row number as the spreadsheet shows it, cells) for every row, and an estimate of the row count."""
    if file_suffix(name) == ".xlsx":
        return _xlsx_rows(handle)
    return _csv_rows(handle)


def _csv_rows(handle) -> tuple[Iterator[tuple[int, list]], int | None]:
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


def _xlsx_rows(handle) -> tuple[Iterator[tuple[int, list]], int | None]:
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


def _is_blank(cells: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return str(value).strip()


def _shown(value) -> str:
    return _text(value)[:200]


def _batched(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# --- the header ------------------------------------------------------------------------------------


@dataclass
class Layout:
    """Which column of the file holds which field of the national standard."""

    kind: str
    header_row: int
    columns: dict[int, national.FieldSpec]
    warnings: list[dict]

    def __post_init__(self):
        # (index, spec, what parse_cell makes of an empty cell): most cells of a sparse file are
        # empty, and knowing their value up front saves a parse per empty cell.
        self.value_columns = [
            (i, s, national.parse_cell(s, None)[0])
            for i, s in self.columns.items()
            if s.kind not in ("org_name", "org_uscc")
        ]
        self.organization_columns: dict[str, dict[str, tuple[int, national.FieldSpec]]] = defaultdict(dict)
        self.by_attribute: dict[str, tuple[int, national.FieldSpec]] = {}
        for index, spec in self.columns.items():
            if spec.kind in ("org_name", "org_uscc"):
                self.organization_columns[spec.attribute][spec.kind] = (index, spec)
            else:
                self.by_attribute.setdefault(spec.attribute, (index, spec))
        self.fallback_specs = {}
        for spec in national.SPECS[self.kind]:
            self.fallback_specs.setdefault(spec.attribute, spec)


def read_layout(rows: Iterator[tuple[int, list]], kind: str) -> tuple[Layout, Iterator[tuple[int, list]]]:
    """Find the header row (the first with enough known columns) and check it; returns the data rows."""
    peeked = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not peeked or all(_is_blank(cells) for _number, cells in peeked):
        raise FileProblem(_("The file is empty."))
    chosen = None
    for position, (_number, cells) in enumerate(peeked):
        columns, _unknown = national.header_index([_text(c) for c in cells], kind)
        if len(columns) >= MIN_HEADER_MATCHES:
            chosen = position
            break
    if chosen is None:
        chosen = next(p for p, (_n, cells) in enumerate(peeked) if not _is_blank(cells))
    header_row, header_cells = peeked[chosen]
    headers = [_text(c) for c in header_cells]
    columns, unknown = national.header_index(headers, kind)
    _check_header(kind, header_row, headers, columns)
    warnings = [_header_warning(kind, header_row, header) for header in unknown]
    layout = Layout(kind=kind, header_row=header_row, columns=columns, warnings=warnings)
    return layout, itertools.chain(peeked[chosen + 1 :], rows)


def _check_header(kind: str, header_row: int, headers: list[str], columns: dict) -> None:
    entries = []
    by_code: dict[str, list[int]] = defaultdict(list)
    for index, spec in columns.items():
        by_code[spec.code].append(index)
    for indexes in by_code.values():
        if len(indexes) > 1:
            spec = columns[indexes[0]]
            entries.append(
                _entry(
                    header_row,
                    spec,
                    "、".join(headers[i] for i in indexes),
                    _("This column appears %(count)d times; keep one.") % {"count": len(indexes)},
                )
            )
    present = {spec.attribute for spec in columns.values()}
    stand_ins = COLUMN_STAND_INS.get(kind, {})
    for spec in national.SPECS[kind]:
        if not spec.required or spec.kind in ("org_name", "org_uscc", "computed"):
            continue  # without authority columns every row is entered for the job's organization
        if spec.attribute in present or stand_ins.get(spec.attribute) in present:
            continue
        entries.append(_entry(header_row, spec, "", _("This required column is missing.")))
    if entries:
        codes = "、".join(f"{e['code']} {e['column']}" for e in entries)
        raise FileProblem(
            _("The header row (row %(row)d) cannot be used: %(problems)s.") % {"row": header_row, "problems": codes},
            entries,
        )


def _header_warning(kind: str, header_row: int, header: str) -> dict:
    computed = next(
        (
            spec
            for spec in national.SPECS[kind]
            if spec.kind == "computed" and header.strip().upper() in (spec.code, spec.label)
        ),
        None,
    )
    message = (
        _("Computed by the system from the decision date; the column is ignored.")
        if computed
        else _("Unknown column; it is ignored.")
    )
    return {
        "row": header_row,
        "field": "",
        "code": computed.code if computed else "",
        "column": computed.label if computed else header,
        "value": header,
        "message": message,
        "level": "warning",
    }


def _entry(row: int, spec: national.FieldSpec, value, message: str, *, field_name: str = "") -> dict:
    shown = _shown(value)
    return {
        "row": row,
        "field": field_name or spec.attribute,
        "code": spec.code,
        "column": spec.label,
        # The job's page and error report are read by the whole organization: a mistyped ID number
        # is still someone's, so it is shown masked (the row number finds it in the file).
        "value": mask_identifier(shown) if spec.attribute in Disclosure.personal_data_fields else shown,
        "message": str(message),
        "level": "error",
    }
