"""The full check: recompute the chain and hold every record against its latest entry.

Three streaming passes, none of which keeps more than one batch in memory:

1. the chain in seq order: seq continuity, each prev_hash = the hash before it, each hash recomputed,
   the head row = the last entry;
2. the latest entry of every record (entries in (record_type, record_id, seq) order, the ledger's own
   index), records loaded through the registry a batch at a time: the SHA-256 of the record's public
   document now must equal the entry's document_hash, and its status and version must be what the
   entry's action left behind;
3. per record type, records that left the draft state without any ledger entry.

On PostgreSQL the passes share one REPEATABLE READ snapshot, so publications committed meanwhile are
simply not seen. Elsewhere the check stops at the head it read first, and a record that looks
changed is re-checked for a newer entry before it is reported.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import publishing as registry
from core.models import LEDGER_GENESIS_HASH, LedgerEntry
from core.publication import PublicationAction, PublicationStatus

from .chain import current_head, document_hash, fast_entry_hash

PROBLEMS = {
    "seq_gap": _("sequence gap"),
    "broken_link": _("broken link"),
    "entry_hash": _("entry hash"),
    "head": _("head differs from the last entry"),
    "beyond_head": _("entry beyond the head"),
    "unknown_type": _("unknown record type"),
    "record_missing": _("record missing"),
    "document": _("document differs from the record"),
    "status": _("status differs from the ledger"),
    "version": _("version differs from the ledger"),
    "unledgered": _("published without a ledger entry"),
}

# What each announced action leaves behind. Publicity ending on its date is not ledgered (the date
# is part of the document), so a published or corrected record may also have reached its end.
STATUS_AFTER = {
    PublicationAction.PUBLISH: frozenset({PublicationStatus.PUBLISHED, PublicationStatus.PUBLICITY_ENDED}),
    PublicationAction.CORRECT: frozenset({PublicationStatus.PUBLISHED, PublicationStatus.PUBLICITY_ENDED}),
    PublicationAction.WITHDRAW: frozenset({PublicationStatus.WITHDRAWN}),
    PublicationAction.REPAIR: frozenset({PublicationStatus.REPAIRED}),
}

CHAIN_FIELDS = (
    "seq",
    "occurred_at",
    "record_type",
    "record_id",
    "version",
    "action",
    "document_hash",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Mismatch:
    problem: str  # a key of PROBLEMS
    seq: int | None
    record_type: str = ""
    record_id: int | None = None
    detail: str = ""

    @property
    def label(self) -> str:
        return str(PROBLEMS[self.problem])

    def __str__(self) -> str:
        where = f"#{self.seq}" if self.seq is not None else "-"
        record = f" {self.record_type}#{self.record_id}" if self.record_type else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{where}{record}: {self.label}{detail}"

    def as_dict(self) -> dict:
        return {**asdict(self), "label": self.label, "text": str(self)}


@dataclass
class LedgerReport:
    max_report: int = 1000
    head_seq: int = 0
    head_hash: str = LEDGER_GENESIS_HASH
    entries_checked: int = 0
    records_checked: int = 0
    mismatch_count: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)  # the first `max_report`
    started_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.mismatch_count == 0

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else 0.0

    def add(self, mismatch: Mismatch) -> None:
        self.mismatch_count += 1
        if len(self.mismatches) < self.max_report:
            self.mismatches.append(mismatch)


Progress = Callable[[str, int], None]


def verify_ledger(
    *,
    max_report: int = 1000,
    chunk_size: int = 20_000,
    batch_size: int = 2000,
    using: str | None = None,
    progress: Progress | None = None,
) -> LedgerReport:
    using = using or router.db_for_read(LedgerEntry)
    report = LedgerReport(max_report=max_report, started_at=timezone.now())
    with _snapshot(using):
        head = current_head(using)
        report.head_seq, report.head_hash = head.seq, head.hash
        _check_chain(report, using, chunk_size, progress)
        _check_records(report, using, chunk_size, batch_size, progress)
        _check_unledgered(report, using, chunk_size)
        _check_beyond_head(report, using)
    report.finished_at = timezone.now()
    return report


@contextlib.contextmanager
def _snapshot(using: str) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield  # inside a caller's transaction (tests) the caller's view is the snapshot
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


# --- 1. the chain --------------------------------------------------------------------------------


def _check_chain(report: LedgerReport, using: str, chunk_size: int, progress: Progress | None) -> None:
    rows = (
        LedgerEntry.objects.using(using)
        .filter(seq__lte=report.head_seq)
        .order_by("seq")
        .values_list(*CHAIN_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    expected_seq, previous_hash, checked = 1, LEDGER_GENESIS_HASH, 0
    add = report.add
    for seq, occurred_at, record_type, record_id, version, action, doc_hash, prev_hash, stored_hash in rows:
        if seq != expected_seq:
            add(Mismatch("seq_gap", seq, record_type, record_id, f"expected #{expected_seq}"))
        if prev_hash != previous_hash:
            add(
                Mismatch(
                    "broken_link",
                    seq,
                    record_type,
                    record_id,
                    f"prev_hash {prev_hash} is not the hash of the entry before it, {previous_hash}",
                )
            )
        try:
            recomputed = fast_entry_hash(prev_hash, seq, occurred_at, record_type, record_id, version, action, doc_hash)
        except (TypeError, ValueError):  # e.g. a prev_hash that is not ASCII
            recomputed = None
        if recomputed != stored_hash:
            add(Mismatch("entry_hash", seq, record_type, record_id, f"stored {stored_hash}, recomputed {recomputed}"))
        previous_hash, expected_seq = stored_hash, seq + 1
        checked += 1
        if progress and checked % 100_000 == 0:
            progress("chain", checked)
    report.entries_checked = checked
    if expected_seq - 1 != report.head_seq or previous_hash != report.head_hash:
        report.add(
            Mismatch(
                "head",
                report.head_seq,
                detail=f"the head names #{report.head_seq} {report.head_hash}; "
                f"the chain ends at #{expected_seq - 1} {previous_hash}",
            )
        )


# --- 2. every record against its latest entry ----------------------------------------------------


def _check_records(
    report: LedgerReport, using: str, chunk_size: int, batch_size: int, progress: Progress | None
) -> None:
    entries = (
        LedgerEntry.objects.using(using)
        .filter(seq__lte=report.head_seq)
        .order_by("record_type", "record_id", "seq")
        .values_list("record_type", "record_id", "seq", "version", "action", "document_hash")
        .iterator(chunk_size=chunk_size)
    )
    batch: list[tuple] = []
    batches = 0
    for latest in latest_per_record(entries):
        if batch and (latest[0] != batch[0][0] or len(batch) >= batch_size):
            _compare_batch(report, using, batch)
            batch, batches = [], batches + 1
            if progress and batches % 50 == 0:
                progress("records", report.records_checked)
        batch.append(latest)
    if batch:
        _compare_batch(report, using, batch)


def latest_per_record(entries: Iterable[tuple]) -> Iterator[tuple]:
    """Entries sorted by (record_type, record_id, seq) → the last one of each record."""
    previous = None
    for entry in entries:
        if previous is not None and (entry[0] != previous[0] or entry[1] != previous[1]):
            yield previous
        previous = entry
    if previous is not None:
        yield previous


def _compare_batch(report: LedgerReport, using: str, batch: list[tuple]) -> None:
    record_type = batch[0][0]
    report.records_checked += len(batch)
    try:
        described = registry.publishable(record_type)
    except LookupError:
        for _type, record_id, seq, *_rest in batch:
            report.add(Mismatch("unknown_type", seq, record_type, record_id))
        return
    manager = described.model._default_manager.using(using)
    records = manager.select_related(*described.related).in_bulk([entry[1] for entry in batch])
    for _type, record_id, seq, version, action, ledger_hash in batch:
        record = records.get(record_id)
        found = compare_record(described, record, version, action, ledger_hash)
        for problem, detail in found:
            if not _changed_since(using, record_type, record_id, report.head_seq):
                report.add(Mismatch(problem, seq, record_type, record_id, detail))


def compare_record(described, record, version: int, action: str, ledger_hash: str) -> list[tuple[str, str]]:
    if record is None:
        return [("record_missing", "")]
    found = []
    try:
        now_hash = document_hash(described.public_document(record))
    except Exception as exc:  # a record that cannot even be rendered is reported, not fatal
        now_hash = f"unreadable: {exc!r}"
    if now_hash != ledger_hash:
        found.append(("document", f"ledger {ledger_hash}, record now {now_hash}"))
    allowed = STATUS_AFTER.get(action)
    status = getattr(record, "status", None)
    if allowed is not None and status not in allowed:
        found.append(("status", f"after “{action}” the record is “{status}”"))
    if getattr(record, "version", version) != version:
        found.append(("version", f"ledger v{version}, record v{record.version}"))
    return found


def _changed_since(using: str, record_type: str, record_id: int, head_seq: int) -> bool:
    """Was the record published again after the check began? Then it is checked next time."""
    return (
        LedgerEntry.objects.using(using).filter(record_type=record_type, record_id=record_id, seq__gt=head_seq).exists()
    )


# --- 3. public without an entry, entries past the head ------------------------------------------


def _check_unledgered(report: LedgerReport, using: str, chunk_size: int) -> None:
    for described in registry.publishables():
        model = described.model
        if not any(f.name == "status" for f in model._meta.concrete_fields):
            continue
        entries = LedgerEntry.objects.using(using).filter(record_type=described.record_type, record_id=OuterRef("pk"))
        missing = (
            model._default_manager.using(using)
            .exclude(status=PublicationStatus.DRAFT)
            .exclude(Exists(entries))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for record_id in missing.iterator(chunk_size=chunk_size):
            report.add(Mismatch("unledgered", None, described.record_type, record_id))


def _check_beyond_head(report: LedgerReport, using: str) -> None:
    """Appends move the head in the same transaction, so an entry past the current head was not appended."""
    head = current_head(using)
    beyond = LedgerEntry.objects.using(using).filter(seq__gt=head.seq).order_by("seq")
    for seq, record_type, record_id in beyond.values_list("seq", "record_type", "record_id").iterator():
        report.add(Mismatch("beyond_head", seq, record_type, record_id, f"the head is #{head.seq}"))
