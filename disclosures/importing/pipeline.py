"""Checking rows against the standard and writing them in batches (COPY on PostgreSQL), with audit rows."""

from __future__ import annotations

import datetime
import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.base import ModelState
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_log_copied, audit_log_many
from core.bulk import CopyEncoder, copy_encoded, insert_records, update_records
from core.calendar import WorkingCalendar
from core.choices import Action
from core.identifiers import normalize_uscc
from core.principals import creator_fields
from core.publication import PublicationStatus
from organizations.models import Organization

from .. import national, services, validation
from ..choices import ImportStatus
from ..models import ImportJob
from .existing import ExistingRecords
from .reading import (
    BATCH_SIZE,
    DERIVED_FIELDS,
    MAX_STORED_ERRORS,
    ORGANIZATION_ATTRIBUTES,
    PROGRESS_TTL_SECONDS,
    FileProblem,
    Layout,
    _batched,
    _entry,
    _is_blank,
    _text,
    progress_key,
    read_layout,
    read_rows,
)

logger = logging.getLogger(__name__)


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
    record: object | None = None  # built by the checking thread when the import writes
    copy_line: str = ""  # the record as a COPY text line (PostgreSQL), made by the checking thread too

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
        self.creator = creator_fields(job.created_by)
        self.today = timezone.localdate()
        self.directory = OrganizationDirectory.load(job.created_by)
        # Loaded here: the checking thread must not open a database connection of its own.
        self.home_organization = self.directory.by_id.get(job.organization_id) or job.organization
        self.rules = services.load_publicity_rules()
        self.existing = ExistingRecords(self.model)
        self.editable = services.EDITABLE_FIELDS[job.kind]
        self.editable_set = frozenset(self.editable)
        concrete = self.model._meta.concrete_fields
        self.positions = {f.name: index for index, f in enumerate(concrete)}
        self.attnames = [f.attname for f in concrete]
        self.blank_row = [f.get_default() for f in concrete]
        # Only a callable default (list, dict) must be made afresh per row; NOT_PROVIDED is callable too.
        self.fresh_defaults = [
            (index, f.get_default) for index, f in enumerate(concrete) if f.has_default() and callable(f.default)
        ]
        self.resolved: dict[tuple, Organization] = {}
        self.update_fields = [*self.editable, *DERIVED_FIELDS, "subject_grams", "import_job", "updated_at"]
        self.first_row_of: dict[tuple[int, str], int] = {}
        # The whole holiday table, loaded here because the checking thread may not query: records
        # are built (deadlines counted) there.
        self.calendar = _DeadlineMemo.load_everything() if write else None
        # On PostgreSQL new records leave the checking thread as COPY text, so that the thread that
        # talks to the database holds the GIL as little as possible; their audit rows are written
        # inside PostgreSQL, batch by batch, from the ids above the last batch's highest.
        self.encoder = None
        if write and connection.vendor == "postgresql":
            self.encoder = CopyEncoder([f for f in self.model._meta.concrete_fields if not f.primary_key])
            self.audited_up_to = self.model.objects.aggregate(highest=Max("pk"))["highest"] or 0
        self.stamp = timezone.now()
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
        with self._checked_batches(data_rows) as batches:
            for checks in batches:
                if self.commit_each_batch:
                    with transaction.atomic():
                        self._batch(checks)
                else:
                    self._batch(checks)
                self._report_progress()

    @contextmanager
    def _checked_batches(self, data_rows: Iterator[tuple[int, list]]):
        """Rows checked in a second thread, a batch ahead of the one being written.

        Checking is pure Python; writing mostly waits for PostgreSQL, which psycopg does without
        holding the GIL. Overlapping the two keeps both cores of the machine busy. The checking
        thread touches no database connection (every organization is loaded beforehand), so the
        import still runs in this thread's one transaction.
        """
        handoff: queue.Queue = queue.Queue(maxsize=2)
        stopped = threading.Event()
        language = translation.get_language()

        def offer(item) -> bool:
            while not stopped.is_set():
                try:
                    handoff.put(item, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False

        def check_all() -> None:
            try:
                with translation.override(language):
                    filled = ((number, cells) for number, cells in data_rows if not _is_blank(cells))
                    for batch in _batched(filled, BATCH_SIZE):
                        self.stamp = timezone.now()
                        if not offer([self._check_row(number, cells) for number, cells in batch]):
                            return
            except BaseException as error:  # handed to the writing thread, which raises it
                offer(error)
            else:
                offer(None)

        def received() -> Iterator[list[RowCheck]]:
            while (item := handoff.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item

        checker = threading.Thread(target=check_all, name=f"import-{self.job.pk}-check", daemon=True)
        checker.start()
        try:
            yield received()
        finally:
            stopped.set()
            checker.join()

    # -- one batch

    def _batch(self, checks: list[RowCheck]) -> None:
        valid = [check for check in checks if check.fields is not None]
        existing = self._existing(valid)
        creates, updates = [], []
        for check in valid:
            found = existing.get(check.key)
            if found is None:
                creates.append(check)
            elif found[1] == PublicationStatus.DRAFT:
                if check.record is not None:  # the dry run builds no records
                    check.record.pk = found[0]
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
        """(authority, decision number) → (id, status) of the records that are not withdrawn."""
        return self.existing.find({check.key for check in valid}) if valid else {}

    def _save(self, creates: list[RowCheck], updates: list[RowCheck]) -> None:
        if connection.vendor == "postgresql":
            # Deferred foreign keys would all be checked at COMMIT, while the checking thread has
            # nothing left to do; checked batch by batch, that work overlaps with the checking.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        now = timezone.now()
        new_records = [check.record for check in creates]
        changed_records = [check.record for check in updates]
        for record in changed_records:
            record.updated_at = now
        note = {"import_job": self.job.pk, "file": self.job.original_name, "sha256": self.job.file_sha256}
        if new_records and self.encoder is not None:
            copy_encoded(self.model, self.encoder.attnames, "".join(c.copy_line for c in creates).encode())
            self.audited_up_to = audit_log_copied(
                actor=self.actor,
                action=f"{self.model.record_type}.create",
                model=self.model,
                column="import_job",
                value=self.job.pk,
                after_id=self.audited_up_to,
                exclude_ids=[record.pk for record in changed_records],
                changes={"after": note},
            )
        elif new_records:
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

    def _record(self, fields: dict):
        # Positional values, then the instance filled the way Model.from_db fills one: Model(**kwargs)
        # resolves every missing field's default by name and checks every value again, three times
        # the cost of everything else done per row here.
        values = list(self.blank_row)
        for index, make_default in self.fresh_defaults:
            values[index] = make_default()
        positions = self.positions
        for name, value in fields.items():
            values[positions[name]] = value.pk if name in ORGANIZATION_ATTRIBUTES else value
        values[positions["import_job"]] = self.job.pk
        for name, value in self.creator.items():
            values[positions[name]] = value.pk if name == "created_by" else value
        values[positions["created_at"]] = values[positions["updated_at"]] = self.stamp
        record = self.model.__new__(self.model)
        record._state = ModelState()
        record.__dict__.update(zip(self.attnames, values, strict=True))
        # Cache the organizations on the record: derived fields and audit rows read their paths.
        record._state.fields_cache.update(authority=fields["authority"], data_source=fields["data_source"])
        services.apply_derived(self.kind, record, calendar=self.calendar, rules=self.rules)
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
            if raw.__class__ is str and spec.kind == "text":  # most cells: what parse_cell would do, inline
                values[spec.attribute] = raw.strip()
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
        cleaned, field_errors = validation.validate(
            self.kind, values, check_unique=False, today=self.today, stripped=True
        )
        failed = {error["field"] for error in errors}
        for name, messages in field_errors.items():
            if name in failed:
                continue  # the cell could not be read; "required" would only repeat that
            for message in messages:
                errors.append(self._error(number, name, self._raw(name, cells), message))
        if errors:
            return RowCheck(number, None, errors)
        check = RowCheck(number, self._fields(cleaned), [])
        if self.write:
            check.record = self._record(check.fields)
            if self.encoder is not None:
                check.copy_line = self.encoder.line(check.record.__dict__)
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
            name: value
            for name, value in cleaned.items()
            # `value != ""` on an organization would go through Model.__eq__, 2 calls a row for nothing.
            if name in editable and value is not None and (value.__class__ is not str or value)
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
            organization = self.home_organization
        # The deciding authority and the data source alike: only bodies the uploader enters records for.
        if organization.pk not in directory.changeable_ids:
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
    """A job's calendar that counts each decision date's deadline once: rows share few dates."""

    deadlines: dict[tuple[datetime.date, int], object]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadlines = {}

    def add_working_days(self, start: datetime.date, working_days: int):
        key = (start, working_days)
        if key not in self.deadlines:
            self.deadlines[key] = super().add_working_days(start, working_days)
        return self.deadlines[key]
