"""A small file of named columns whose every row goes through one write service, in one transaction.

The pledge progress and course completion imports work this way: the file is read whole (it is small —
at most `max_rows` data rows) once its header row is found and checked against the `Columns`; then every
row goes through the app's service inside one transaction that is kept only when writing and no row
failed (`undone_unless`): the check (dry run) always rolls it back, so its row errors are exactly the
service's field-level messages, and rows on the same thing are judged in order. An app subclasses
`RowwisePass` with `prepare` (load what the rows name, in a few queries) and `row` (one row's errors, or
none when the service took it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .jobs import undone_unless
from .reading import FileProblem, is_blank, locate_header, read_rows, text
from .reports import MAX_STORED_ERRORS, entry


@dataclass(frozen=True)
class Column:
    name: str  # the service's field (and the error report's column code)
    label: str  # the template's header
    required: bool
    aliases: tuple[str, ...]


def normalized_header(header: str) -> str:
    # Full-width brackets and signs of a Chinese input method, spaces, a required column's star, case.
    header = unicodedata.normalize("NFKC", header or "").strip().rstrip("*").strip()
    return re.sub(r"\s+", "", header).lower()


class Columns:
    """The columns a file may have, found by any of their names."""

    def __init__(self, columns: Iterable[Column]):
        self.columns = tuple(columns)
        self.by_name = {column.name: column for column in self.columns}
        self.aliases = {normalized_header(alias): column for column in self.columns for alias in column.aliases}

    def __iter__(self):
        return iter(self.columns)

    def find(self, header: str) -> Column | None:
        return self.aliases.get(normalized_header(header))

    def known(self, headers: list[str]) -> int:
        return sum(normalized_header(header) in self.aliases for header in headers)

    def template_headers(self) -> list[str]:
        """The header row of an empty import file: required columns starred (the star is ignored on return)."""
        return [f"{column.label}*" if column.required else column.label for column in self.columns]


@dataclass
class Report:
    rows: int = 0
    valid_rows: int = 0
    error_rows: int = 0
    entries: list[dict] = field(default_factory=list)
    rolled_back: bool = False

    def add(self, entries: list[dict]) -> None:
        room = max(MAX_STORED_ERRORS - len(self.entries), 0)
        self.entries.extend(entries[:room])


class RowwisePass:
    """Read the job's file, then put every row through `row()` in one transaction that is kept only when
    `write` and no row failed."""

    columns: Columns
    fallback_column = ""  # the column an error without a known field is reported on

    def __init__(self, job, *, write: bool, progress_key: str, max_rows: int, progress_every: int):
        self.job = job
        self.write = write
        self.actor = job.created_by
        self.report = Report()
        self.found: dict[str, int] = {}  # column name → its index in the file
        self.progress_key = progress_key
        self.max_rows = max_rows
        self.progress_every = progress_every

    # -- yours

    def prepare(self, data: list[tuple[int, list]]) -> None:
        """Load what the rows name, before the first row is written."""

    def row(self, number: int, cells: list) -> list[dict]:
        """Write one row through the service: its errors, or none."""
        raise NotImplementedError

    # -- the shared part

    def run(self) -> Report:
        storage = self.job.file.storage
        with storage.open(self.job.file.name, "rb") as handle:
            rows, _estimate = read_rows(handle, self.job.original_name)
            try:
                header_row, header_cells, data_rows = locate_header(rows, self.columns.known, min_matches=2)
                self._read_header(header_row, header_cells)
                data = []
                for number, cells in data_rows:
                    if is_blank(cells):
                        continue
                    if len(data) == self.max_rows:
                        raise FileProblem(
                            _("The file has more than %(count)d rows; split it into several files.")
                            % {"count": self.max_rows}
                        )
                    data.append((number, cells))
            finally:
                rows.close()  # while the file is still open: the readers clean up after themselves
        if not data:
            raise FileProblem(_("The file has a header row but no data rows."), self.report.entries)
        self.job.total_rows = len(data)
        type(self.job).objects.filter(pk=self.job.pk).update(total_rows=len(data))
        self.prepare(data)
        self._all_rows(data)
        return self.report

    def _read_header(self, header_row: int, cells: list) -> None:
        problems = []
        for index, cell in enumerate(cells):
            header = text(cell)
            if not header:
                continue
            column = self.columns.find(header)
            if column is None:
                message = _("Unknown column; it is ignored.")
                self.report.add(
                    [entry(header_row, field="", column=header, value=header, message=message, level="warning")]
                )
            elif column.name in self.found:
                message = _("This column appears %(count)d times; keep one.") % {"count": 2}
                problems.append(
                    entry(
                        header_row,
                        field=column.name,
                        code=column.name,
                        column=column.label,
                        value=header,
                        message=message,
                    )
                )
            else:
                self.found[column.name] = index
        for column in self.columns:
            if column.required and column.name not in self.found:
                message = _("This required column is missing.")
                problems.append(
                    entry(
                        header_row, field=column.name, code=column.name, column=column.label, value="", message=message
                    )
                )
        if problems:
            names = "、".join(problem["column"] for problem in problems)
            raise FileProblem(
                _("The header row (row %(row)d) cannot be used: %(problems)s.")
                % {"row": header_row, "problems": names},
                problems,
            )

    def cell(self, cells: list, name: str):
        index = self.found.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def error(self, number: int, name: str, cells: list, message) -> dict:
        column = self.columns.by_name.get(name) or self.columns.by_name[self.fallback_column or name]
        value = self.cell(cells, column.name)
        return entry(number, field=column.name, code=column.name, column=column.label, value=value, message=message)

    def errors_of(self, number: int, cells: list, error, *, field_columns: dict[str, str] | None = None) -> list[dict]:
        """A service's ValidationError as row errors, each on the column of its field (`field_columns`:
        field → column name, others on the fallback column; without it, the column of the field's name)."""

        def column(name: str) -> str:
            return name if field_columns is None else field_columns.get(name, self.fallback_column)

        if hasattr(error, "error_dict"):
            return [
                self.error(number, column(name), cells, message)
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        return [self.error(number, self.fallback_column, cells, message) for message in error.messages]

    def _all_rows(self, data: list[tuple[int, list]]) -> None:
        from core import imports  # through the package, where a test may watch publish_progress

        keep = (lambda: self.report.error_rows == 0) if self.write else (lambda: False)
        with undone_unless(keep) as outcome:
            for position, (number, cells) in enumerate(data, start=1):
                errors = self.row(number, cells)
                self.report.rows += 1
                if errors:
                    self.report.error_rows += 1
                    self.report.add(errors)
                else:
                    self.report.valid_rows += 1
                if position % self.progress_every == 0:
                    imports.publish_progress(self.progress_key, position)
        self.report.rolled_back = self.write and outcome["rolled_back"]
