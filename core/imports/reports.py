"""Row problems of an import, as stored on the job and as the downloadable error report lists them.

An entry is a dict: row (as the spreadsheet numbers it), field, code (a column code, may be empty),
column (its name), value (as the file had it, at most 200 characters), message (rendered in the
uploader's language), level ("error" or "warning"). The report is written through core.spreadsheets,
so no cell of it runs as a formula when opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from .reading import shown

# Enough to show every distinct mistake of a systematically broken file without storing megabytes.
MAX_STORED_ERRORS = 10_000


def entry(row: int, *, field: str, column: str, value, message, code: str = "", level: str = "error") -> dict:
    return {
        "row": row,
        "field": field,
        "code": code,
        "column": column,
        "value": shown(value),
        "message": str(message),
        "level": level,
    }


def error_report_header() -> list[str]:
    return [_("Row"), _("Column code"), _("Column name"), _("Value"), _("Message")]


def error_report_rows(entries: Iterable[dict]) -> Iterator[list]:
    for item in entries:
        message = item.get("message", "")
        if item.get("level") == "warning":
            message = _("Warning: %(message)s") % {"message": message}
        yield [item.get("row", ""), item.get("code", ""), item.get("column", ""), item.get("value", ""), message]


def error_report_response(entries: Iterable[dict], filename: str):
    """The report as a CSV download (UTF-8 with BOM, formula-safe)."""
    from core.spreadsheets import csv_response

    return csv_response(error_report_header(), error_report_rows(entries), filename)
