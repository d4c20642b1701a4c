"""The header row of a disclosure file in either variant (national codes or Chinese names) and its row
problems; reading the file itself (encodings, streamed rows) is core.imports.reading."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.identifiers import mask_identifier
from core.imports import choices as import_choices
from core.imports import progress as import_progress
from core.imports import reading as core_reading
from core.imports import reports as import_reports
from core.imports.reading import FileProblem, file_suffix, locate_header, read_rows
from core.imports.reading import batched as _batched
from core.imports.reading import is_blank as _is_blank
from core.imports.reading import shown as _shown
from core.imports.reading import text as _text

from .. import national
from ..models import Disclosure

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
# Reading files, their limits and the progress in the cache are shared with every import (core.imports).
MAX_UPLOAD_BYTES = core_reading.MAX_UPLOAD_BYTES
ALLOWED_SUFFIXES = core_reading.ALLOWED_SUFFIXES
MAX_STORED_ERRORS = import_reports.MAX_STORED_ERRORS
HEADER_SEARCH_ROWS = core_reading.HEADER_SEARCH_ROWS
MIN_HEADER_MATCHES = 3
PROGRESS_TTL_SECONDS = import_progress.PROGRESS_TTL_SECONDS
DERIVED_FIELDS = ["publish_deadline", "deadline_provisional", "publicity_min_ends_on", "publicity_ends_on"]
ORGANIZATION_ATTRIBUTES = ("authority", "data_source")
# A required column may be stood in for by another: XK_WSH falls back to the licence number (validation.py).
COLUMN_STAND_INS = {"license": {"decision_number": "license_number"}}
RUNNING_STATUSES = import_choices.RUNNING_STATUSES

__all__ = [
    "FileProblem",
    "Layout",
    "_batched",
    "_entry",
    "_is_blank",
    "_shown",
    "_text",
    "file_suffix",
    "progress_key",
    "read_layout",
    "read_rows",
]


def progress_key(job_id: int) -> str:
    return import_progress.progress_key("disclosures", job_id)


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
    header_row, header_cells, data_rows = locate_header(
        rows, lambda headers: len(national.header_index(headers, kind)[0]), min_matches=MIN_HEADER_MATCHES
    )
    headers = [_text(c) for c in header_cells]
    columns, unknown = national.header_index(headers, kind)
    _check_header(kind, header_row, headers, columns)
    warnings = [_header_warning(kind, header_row, header) for header in unknown]
    layout = Layout(kind=kind, header_row=header_row, columns=columns, warnings=warnings)
    return layout, data_rows


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
    # The job's page and error report are read by the whole organization: a mistyped ID number
    # is still someone's, so it is shown masked (the row number finds it in the file).
    return import_reports.entry(
        row,
        field=field_name or spec.attribute,
        code=spec.code,
        column=spec.label,
        value=mask_identifier(shown) if spec.attribute in Disclosure.personal_data_fields else shown,
        message=message,
    )
