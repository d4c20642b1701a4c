"""Bulk import of licence and penalty disclosures from CSV and XLSX files, set-based.

An `ImportJob` goes through two passes over the same stored file, each run by a Celery task:

    upload → pending → validating → previewed → (confirmed) → importing → done
                              └→ failed: the file cannot be read           └→ failed: nothing / the rest not saved

`check_job` is the dry run: every row is parsed and validated and matched against existing records;
nothing but the job is written. `run_job` runs the same pipeline again (the database may have moved
on since the preview) and writes the valid rows. Rows are read in a streaming fashion and handled in
batches: one query per batch finds existing records, one calendar load per batch counts deadlines,
then the records are written in bulk (`insert_records` / `update_records`: bulk_create / bulk_update,
through COPY on PostgreSQL) with one audit row per record (DESIGN.md §7: bulk paths audit too).

Re-importing a file updates the drafts it created instead of adding duplicates: rows are matched on
(authority, decision number); a matching draft takes the row's values (columns the file lacks become
empty, exactly as a first import would have left them), a matching published record is a row error.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import hashlib
import io
import itertools
import logging
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import request_context
from core.audit import actor_label, audit_log, audit_log_many
from core.bulk import insert_records, update_records
from core.calendar import WorkingCalendar
from core.choices import Action
from core.identifiers import normalize_uscc
from core.publication import PublicationStatus
from organizations.models import Organization

from . import national, services, validation
from .choices import ImportMode, ImportStatus
from .models import ImportJob

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx")
# Enough to show every distinct mistake of a systematically broken file without storing megabytes.
MAX_STORED_ERRORS = 10_000
# Real templates often carry a title line or two above the header row.
HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 3
# The calendar of a batch must reach past its latest decision by more than 7 working days can span.
CALENDAR_LOOKAHEAD = datetime.timedelta(days=60)
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


# --- the services the views call ------------------------------------------------------------------


@transaction.atomic
def job_create(*, kind: str, organization: Organization, upload, mode: str, actor, language: str) -> ImportJob:
    """Store the uploaded file as a pending job; the caller enqueues `check_import` after commit."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    job = ImportJob.objects.create(
        kind=kind,
        organization=organization,
        created_by=actor,
        file=upload,
        original_name=upload.name[:200],
        file_sha256=digest.hexdigest(),
        mode=mode,
        language=language or settings.LANGUAGE_CODE,
    )
    audit_log(
        actor=actor,
        action="disclosures.import.upload",
        target=job,
        after={"kind": kind, "mode": mode, "file": job.original_name, "sha256": job.file_sha256},
        scope_path=organization.path,
    )
    return job


def confirmation_refusal(job: ImportJob) -> str | None:
    """Why this job cannot be confirmed now, or None when it can."""
    if job.status != ImportStatus.PREVIEWED:
        return _("Only a checked import waiting for confirmation can be confirmed.")
    if job.confirmed_at:
        return _("This import is already confirmed and queued.")
    if job.mode == ImportMode.ALL_OR_NOTHING and job.error_rows:
        return _("Nothing can be imported all-or-nothing while rows have errors: correct the file and upload it again.")
    if not job.valid_rows:
        return _("The file has no valid row to import.")
    return None


@transaction.atomic
def job_confirm(*, job: ImportJob, actor) -> bool:
    """Mark a previewed job confirmed (once); the caller enqueues `run_import` after commit."""
    job = ImportJob.objects.select_for_update().select_related("organization").get(pk=job.pk)
    if confirmation_refusal(job):
        return False
    job.confirmed_at = timezone.now()
    job.save(update_fields=["confirmed_at", "updated_at"])
    audit_log(actor=actor, action="disclosures.import.confirm", target=job, scope_path=job.organization.path)
    return True


def check_job(job_id: int) -> str:
    """The dry run (task `check_import`). A job past validation is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[ImportStatus.PENDING, ImportStatus.VALIDATING]).update(
        status=ImportStatus.VALIDATING, processed_rows=0, updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    cache.delete(progress_key(job_id))  # a redelivered task starts counting afresh
    job = _load(job_id)
    with _job_context(job):
        try:
            report = Importer(job, write=False).run()
        except FileProblem as problem:
            return _fail(job, problem.message, problem.entries)
        except Exception:
            logger.exception("import job %s: the check failed", job_id)
            _fail(job, _("The file could not be checked because of an internal error; try again later."))
            raise
        _store_report(job, report, status=ImportStatus.PREVIEWED)
    return job.status


def run_job(job_id: int) -> str:
    """The import proper (task `run_import`), for a confirmed preview only; anything else is a no-op."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PREVIEWED, confirmed_at__isnull=False).update(
        status=ImportStatus.IMPORTING, processed_rows=0, updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    cache.delete(progress_key(job_id))  # a redelivered task starts counting afresh
    job = _load(job_id)
    all_or_nothing = job.mode == ImportMode.ALL_OR_NOTHING
    with _job_context(job):
        importer = Importer(job, write=True, commit_each_batch=not all_or_nothing)
        try:
            report = _run_in_one_transaction(importer) if all_or_nothing else importer.run()
        except FileProblem as problem:
            return _fail(job, problem.message, problem.entries)
        except IntegrityError:
            # Someone saved the same decision number between our lookup and our insert.
            logger.warning("import job %s: a concurrent write collided with the import", job_id, exc_info=True)
            message = (
                _(
                    "Nothing was imported: a record with one of these decision numbers was saved meanwhile. Check the file again."
                )
                if all_or_nothing
                else _(
                    "The import stopped: a record with one of these decision numbers was saved meanwhile. The rows before it are saved; upload the file again to add the rest (drafts are updated, not duplicated)."
                )
            )
            return _fail(job, message, importer.report.entries, None if all_or_nothing else importer.report)
        except Exception:
            logger.exception("import job %s: the import failed", job_id)
            _fail(job, _("The import stopped because of an internal error."), importer.report.entries)
            raise
        if report.rolled_back:
            message = _("Nothing was imported: %(count)d rows have errors now (the data changed since the check).") % {
                "count": report.error_rows
            }
            _store_report(job, report, status=ImportStatus.FAILED, message=message)
        else:
            _store_report(job, report, status=ImportStatus.DONE)
    return job.status


class _RollBack(Exception):
    pass


def _run_in_one_transaction(importer: Importer) -> Report:
    try:
        with transaction.atomic():
            report = importer.run()
            if report.error_rows:
                raise _RollBack
    except _RollBack:
        report.rolled_back = True
        report.created = report.updated = 0
    return report


def _load(job_id: int) -> ImportJob:
    return ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)


@contextlib.contextmanager
def _job_context(job: ImportJob):
    """The uploader's language for messages, and the job as the request id of its audit rows."""
    context = request_context.RequestContext(request_id=f"import-job-{job.pk}")
    with translation.override(job.language or settings.LANGUAGE_CODE), request_context.bound(context):
        yield


def _fail(job: ImportJob, message: str, entries: Iterable[dict] = (), saved: Report | None = None) -> str:
    """A failed job; `saved` carries the counts of rows already committed (accept-valid mode)."""
    job.status = ImportStatus.FAILED
    job.message = str(message)
    job.errors = list(entries)[:MAX_STORED_ERRORS]
    job.finished_at = timezone.now()
    fields = ["status", "message", "errors", "finished_at", "updated_at"]
    if saved is not None:
        job.created_count, job.updated_count = saved.created, saved.updated
        fields += ["created_count", "updated_count"]
    job.save(update_fields=fields)
    cache.delete(progress_key(job.pk))
    return job.status


def _store_report(job: ImportJob, report: Report, *, status: str, message: str = "") -> None:
    job.status = status
    job.total_rows = job.processed_rows = report.rows
    job.valid_rows, job.error_rows = report.valid_rows, report.error_rows
    job.created_count, job.updated_count = report.created, report.updated
    job.errors = report.entries
    if report.dropped_entries and not message:
        message = _("Only the first %(count)d problems are listed; correct them and check the file again.") % {
            "count": MAX_STORED_ERRORS
        }
    job.message = str(message)
    if status != ImportStatus.PREVIEWED:
        job.finished_at = timezone.now()
    job.save()
    cache.delete(progress_key(job.pk))


# --- live progress ----------------------------------------------------------------------------------


def progress_key(job_id: int) -> str:
    return f"disclosures:import-progress:{job_id}"


def live_progress(job: ImportJob) -> int:
    """Rows processed so far. An all-or-nothing import runs in one transaction whose UPDATEs nobody
    else can see before it commits, so the worker also reports progress through the shared cache."""
    if job.status not in RUNNING_STATUSES:
        return job.processed_rows
    return max(job.processed_rows, cache.get(progress_key(job.pk), 0))


def live_percent(job: ImportJob) -> int:
    if not job.total_rows:
        return job.progress_percent
    return min(100, round(100 * live_progress(job) / job.total_rows))


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
    return {
        "row": row,
        "field": field_name or spec.attribute,
        "code": spec.code,
        "column": spec.label,
        "value": _shown(value),
        "message": str(message),
        "level": "error",
    }


# --- organizations ---------------------------------------------------------------------------------


class OrganizationDirectory:
    """Every organization, loaded once per job: the authority and source columns resolve against it."""

    def __init__(self, organizations: Iterable[Organization], changeable_ids: Iterable[int]):
        self.by_id: dict[int, Organization] = {}
        self.by_uscc: dict[str, Organization] = {}
        self.by_name: dict[str, list[Organization]] = defaultdict(list)
        for organization in organizations:
            self.by_id[organization.pk] = organization
            if organization.uscc:
                self.by_uscc[organization.uscc] = organization
            self.by_name[organization.name].append(organization)
        for organization in self.by_id.values():
            if organization.short_name not in self.by_name:
                self.by_name[organization.short_name].append(organization)
        self.changeable_ids = frozenset(changeable_ids)

    @classmethod
    def load(cls, user) -> OrganizationDirectory:
        fields = ("id", "name", "short_name", "uscc", "path", "depth", "numchild")
        return cls(
            Organization.objects.only(*fields),
            Organization.objects.for_user(user, Action.CHANGE).values_list("id", flat=True),
        )


# --- the pipeline ----------------------------------------------------------------------------------


@dataclass
class RowCheck:
    number: int
    fields: dict | None  # the record's field values when the row is valid
    errors: list[dict]
    existing_pk: int | None = None

    @property
    def key(self) -> tuple[int, str]:
        return self.fields["authority"].pk, self.fields["decision_number"]


@dataclass
class Report:
    rows: int = 0
    valid_rows: int = 0
    error_rows: int = 0
    created: int = 0  # planned in the dry run, done in the import
    updated: int = 0
    entries: list[dict] = field(default_factory=list)
    dropped_entries: int = 0
    rolled_back: bool = False

    def add(self, entries: list[dict]) -> None:
        room = MAX_STORED_ERRORS - len(self.entries)
        self.entries.extend(entries[: max(room, 0)])
        self.dropped_entries += max(len(entries) - max(room, 0), 0)


class Importer:
    """One pass over a job's file: check every row and, when `write`, save the valid ones."""

    def __init__(self, job: ImportJob, *, write: bool, commit_each_batch: bool = False):
        self.job = job
        self.kind = job.kind
        self.model = services.MODELS[job.kind]
        self.write = write
        self.commit_each_batch = commit_each_batch
        self.actor = job.created_by
        self.actor_label = actor_label(job.created_by)
        self.today = timezone.localdate()
        self.directory = OrganizationDirectory.load(job.created_by)
        self.rules = services.load_publicity_rules()
        self.editable = services.EDITABLE_FIELDS[job.kind]
        self.editable_set = frozenset(self.editable)
        concrete = self.model._meta.concrete_fields
        self.positions = {f.name: index for index, f in enumerate(concrete)}
        self.blank_row = [f.get_default() for f in concrete]
        self.fresh_defaults = [(index, f.get_default) for index, f in enumerate(concrete) if callable(f.default)]
        self.resolved: dict[tuple, Organization] = {}
        self.update_fields = [*self.editable, *DERIVED_FIELDS, "subject_grams", "import_job", "updated_at"]
        self.first_row_of: dict[tuple[int, str], int] = {}
        self.report = Report()
        self.layout: Layout | None = None

    def run(self) -> Report:
        storage = self.job.file.storage
        with storage.open(self.job.file.name, "rb") as handle:
            rows, estimate = read_rows(handle, self.job.original_name)
            try:
                self._read(rows, estimate)
            finally:
                rows.close()  # while the file is still open: the readers clean up after themselves
        if not self.report.rows:
            raise FileProblem(_("The file has a header row but no data rows."), self.layout.warnings)
        return self.report

    def _read(self, rows: Iterator[tuple[int, list]], estimate: int | None) -> None:
        self.layout, data_rows = read_layout(rows, self.kind)
        self.report.add(self.layout.warnings)
        if self.job.status == ImportStatus.VALIDATING and estimate:
            self._set_total(max(estimate - self.layout.header_row, 0))
        filled = ((number, cells) for number, cells in data_rows if not _is_blank(cells))
        for batch in _batched(filled, BATCH_SIZE):
            if self.commit_each_batch:
                with transaction.atomic():
                    self._batch(batch)
            else:
                self._batch(batch)
            self._report_progress()

    # -- one batch

    def _batch(self, rows: list[tuple[int, list]]) -> None:
        checks = [self._check_row(number, cells) for number, cells in rows]
        valid = [check for check in checks if check.fields is not None]
        existing = self._existing(valid)
        creates, updates = [], []
        for check in valid:
            found = existing.get(check.key)
            if found is None:
                creates.append(check)
            elif found[1] == PublicationStatus.DRAFT:
                check.existing_pk = found[0]
                updates.append(check)
            else:
                check.errors.append(
                    self._error(
                        check.number,
                        "decision_number",
                        check.fields["decision_number"],
                        _("This decision is already published: correct the published record instead."),
                    )
                )
                check.fields = None
        self.report.rows += len(checks)
        for check in checks:
            if check.errors:
                self.report.error_rows += 1
                self.report.add(check.errors)
            else:
                self.report.valid_rows += 1
        doomed = self.write and not self.commit_each_batch and self.report.error_rows
        if self.write and not doomed and (creates or updates):
            self._save(creates, updates)
        self.report.created += len(creates)
        self.report.updated += len(updates)

    def _existing(self, valid: list[RowCheck]) -> dict[tuple[int, str], tuple[int, str]]:
        """(authority, decision number) → (id, status) of the records that are not withdrawn, in one query."""
        if not valid:
            return {}
        keys = {check.key for check in valid}
        rows = (
            self.model.objects.filter(authority_id__in={k[0] for k in keys}, decision_number__in={k[1] for k in keys})
            .exclude(status=PublicationStatus.WITHDRAWN)
            .values_list("id", "authority_id", "decision_number", "status")
        )
        return {(a, n): (pk, status) for pk, a, n, status in rows if (a, n) in keys}

    def _save(self, creates: list[RowCheck], updates: list[RowCheck]) -> None:
        now = timezone.now()
        new_records = [self._record(check) for check in creates]
        changed_records = [self._record(check, pk=check.existing_pk, now=now) for check in updates]
        records = new_records + changed_records
        decided = [record.decided_on for record in records]
        calendar = _DeadlineMemo.load(min(decided), max(decided) + CALENDAR_LOOKAHEAD)
        for record in records:
            services.apply_derived(self.kind, record, calendar=calendar, rules=self.rules)
        note = {"import_job": self.job.pk, "file": self.job.original_name, "sha256": self.job.file_sha256}
        if new_records:
            insert_records(self.model, new_records)
            audit_log_many(
                actor=self.actor,
                action=f"{self.model.record_type}.create",
                targets=new_records,
                changes={"after": note},
                scope_path_of=_authority_path,
            )
        if changed_records:
            update_records(self.model, changed_records, self.update_fields)
            audit_log_many(
                actor=self.actor,
                action=f"{self.model.record_type}.update",
                targets=changed_records,
                changes={"after": note},
                scope_path_of=_authority_path,
            )

    def _record(self, check: RowCheck, *, pk: int | None = None, now=None):
        # Positional construction: Model(**kwargs) resolves every missing field's default by name and
        # costs ~3x more per row (80 µs vs 25 µs for these 48 columns), the largest Python cost here.
        values = list(self.blank_row)
        for index, make_default in self.fresh_defaults:
            values[index] = make_default()
        positions = self.positions
        for name, value in check.fields.items():
            values[positions[name]] = value.pk if name in ORGANIZATION_ATTRIBUTES else value
        values[positions["import_job"]] = self.job.pk
        if pk is None:
            values[positions["created_by"]] = self.actor.pk
            values[positions["created_by_label"]] = self.actor_label
        else:
            values[positions["id"]], values[positions["updated_at"]] = pk, now
        record = self.model(*values)
        # Cache the organizations on the record: derived fields and audit rows read their paths.
        record.authority, record.data_source = check.fields["authority"], check.fields["data_source"]
        return record

    # -- one row

    def _check_row(self, number: int, cells: list) -> RowCheck:
        values: dict = {}
        errors: list[dict] = []
        width = len(cells)
        for index, spec, empty in self.layout.value_columns:
            raw = cells[index] if index < width else None
            if raw is None or raw == "":
                values[spec.attribute] = list(empty) if isinstance(empty, list) else empty
                continue
            value, error = national.parse_cell(spec, raw)
            values[spec.attribute] = value
            if error:
                errors.append(_entry(number, spec, raw, error))
        for attribute in ORGANIZATION_ATTRIBUTES:
            organization, error = self._organization(number, attribute, cells)
            values[attribute] = organization
            if error:
                errors.append(error)
        cleaned, field_errors = validation.validate(self.kind, values, check_unique=False, today=self.today)
        failed = {error["field"] for error in errors}
        for name, messages in field_errors.items():
            if name in failed:
                continue  # the cell could not be read; "required" would only repeat that
            for message in messages:
                errors.append(self._error(number, name, self._raw(name, cells), message))
        if errors:
            return RowCheck(number, None, errors)
        check = RowCheck(number, self._fields(cleaned), [])
        first = self.first_row_of.setdefault(check.key, number)
        if first != number:
            message = _("The same authority and decision number are already in row %(row)d of this file.") % {
                "row": first
            }
            return RowCheck(number, None, [self._error(number, "decision_number", check.key[1], message)])
        return check

    def _fields(self, cleaned: dict) -> dict:
        """The record's values; an empty one is left out so that the model's default applies (a blank
        XK_ZT means a valid licence, not an empty state)."""
        editable = self.editable_set
        return {
            name: value for name, value in cleaned.items() if name in editable and value is not None and value != ""
        }

    def _organization(self, number: int, attribute: str, cells: list) -> tuple[Organization | None, dict | None]:
        columns = self.layout.organization_columns.get(attribute, {})
        name_column, code_column = columns.get("org_name"), columns.get("org_uscc")
        name = _text(cells[name_column[0]]) if name_column and name_column[0] < len(cells) else ""
        raw_code = cells[code_column[0]] if code_column and code_column[0] < len(cells) else None
        # A file names the same few organizations on every row: resolve each combination once.
        key = (attribute, name, raw_code)
        if key in self.resolved:
            return self.resolved[key], None
        organization, error = self._resolve_organization(number, attribute, name_column, name, code_column, raw_code)
        if error is None:
            self.resolved[key] = organization
        return organization, error

    def _resolve_organization(
        self, number: int, attribute: str, name_column, name: str, code_column, raw_code
    ) -> tuple[Organization | None, dict | None]:
        """By unified social credit code first, then by name; neither given: the job's organization."""
        code = normalize_uscc(_text(raw_code))
        directory = self.directory
        if code:
            used, value = code_column, raw_code
            organization = directory.by_uscc.get(code)
            if organization is None:
                message = _("No organization with the unified social credit code %(code)s is registered.")
                return None, _entry(number, used[1], value, message % {"code": code})
        elif name:
            used, value = name_column, name
            matches = directory.by_name.get(name, [])
            if len(matches) != 1:
                message = (
                    _("Several organizations are named “%(name)s”; give its unified social credit code.")
                    if matches
                    else _("No organization named “%(name)s” is registered; give its unified social credit code.")
                )
                return None, _entry(number, used[1], value, message % {"name": name})
            organization = matches[0]
        else:
            used, value = None, ""
            organization = directory.by_id.get(self.job.organization_id, self.job.organization)
        if attribute == "authority" and organization.pk not in directory.changeable_ids:
            spec = used[1] if used else self.layout.fallback_specs[attribute]
            message = _("You may not enter records for %(organization)s.") % {"organization": organization.name}
            return None, _entry(number, spec, value or organization.name, message)
        return organization, None

    def _raw(self, name: str, cells: list):
        located = self.layout.by_attribute.get(name)
        if located is None and name in ORGANIZATION_ATTRIBUTES:
            columns = self.layout.organization_columns.get(name, {})
            located = columns.get("org_uscc") or columns.get("org_name")
        if located is None:
            return None
        return cells[located[0]] if located[0] < len(cells) else None

    def _error(self, number: int, name: str, raw, message: str) -> dict:
        located = self.layout.by_attribute.get(name)
        spec = located[1] if located else self.layout.fallback_specs.get(name)
        if spec is None:  # a field outside the standard's columns: report it under its own name
            spec = national.FieldSpec(code="", label=name, attribute=name)
        return _entry(number, spec, raw, message, field_name=name)

    # -- progress

    def _set_total(self, total: int) -> None:
        self.job.total_rows = total
        ImportJob.objects.filter(pk=self.job.pk).update(total_rows=total)

    def _report_progress(self) -> None:
        processed = self.report.rows
        cache.set(progress_key(self.job.pk), processed, PROGRESS_TTL_SECONDS)
        if not transaction.get_connection().in_atomic_block:
            # Outside a transaction this one-row UPDATE is what the progress bar reads.
            ImportJob.objects.filter(pk=self.job.pk).update(processed_rows=processed)


def _authority_path(record) -> str:
    return record.authority.path


class _DeadlineMemo(WorkingCalendar):
    """A batch's calendar that counts each decision date's deadline once: rows share few dates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._deadlines: dict[tuple[datetime.date, int], object] = {}

    def add_working_days(self, start: datetime.date, working_days: int):
        key = (start, working_days)
        if key not in self._deadlines:
            self._deadlines[key] = super().add_working_days(start, working_days)
        return self._deadlines[key]


# --- what the pages offer for download ------------------------------------------------------------


def template_headers(kind: str, variant: str) -> list[str]:
    """The header row of an empty import file: national codes, or the standard's Chinese names
    (required ones starred; the star is ignored when the file comes back)."""
    specs = [spec for spec in national.SPECS[kind] if spec.kind != "computed"]
    if variant == "codes":
        return [spec.code for spec in specs]
    return [f"{spec.label}*" if spec.required else spec.label for spec in specs]


def error_report_header() -> list[str]:
    return [_("Row"), _("Column code"), _("Column name"), _("Value"), _("Message")]


def error_report_rows(job: ImportJob) -> Iterator[list]:
    for entry in job.errors:
        message = entry.get("message", "")
        if entry.get("level") == "warning":
            message = _("Warning: %(message)s") % {"message": message}
        yield [entry.get("row", ""), entry.get("code", ""), entry.get("column", ""), entry.get("value", ""), message]
