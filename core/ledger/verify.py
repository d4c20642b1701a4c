"""The full check: recompute the chain and hold every record against its latest entry.

The work is cut into units, each a streaming pass that keeps no more than one batch in memory:

- the chain, in seq order: seq continuity, each prev_hash = the hash before it, each hash recomputed,
  the head row = the last entry;
- the records, by (record type, record id range): the latest entry of each record (entries read in
  the ledger's own (record_type, record_id, seq) index order), records loaded a batch at a time
  through the registry; the SHA-256 of the record's public document now must equal the entry's
  document_hash, the keyed commitment to its national document the entry's national_commitment
  (where the entry has one), and the record's status and version must be what the entry's action left;
- per record type, records that left the draft state without any ledger entry;
- at the end, entries past the head.

On PostgreSQL every unit reads one REPEATABLE READ snapshot, so what is published during the check
is simply not seen. A big ledger is checked by a pool of forked processes (one per core), each
importing the snapshot the parent exported (`SET TRANSACTION SNAPSHOT`, as `pg_dump -j` does).
Elsewhere the units run one after another, the check stops at the head it read first, and a record
that looks changed is re-checked for a newer entry before it is reported.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import multiprocessing.util
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from core import registry
from core.models import LEDGER_GENESIS_HASH, LedgerEntry
from core.publication import PublicationStatus

from .chain import ENTRY_FIELDS, canonical_json, commitment_of, current_head, fast_entry_hash, sha256_hex
from .findings import STATUS_AFTER, Findings, LedgerReport, Mismatch
from .timestamps import fast_timestamps

PARALLEL_FROM = 50_000  # entries: below this, forking workers costs more than it saves
UNITS_PER_WORKER = 4  # record ranges per worker: enough to even out uneven ranges
RELATED_CACHE_LIMIT = 50_000  # shared related objects (organizations) kept between batches
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?$")


@dataclass(frozen=True)
class Unit:
    kind: str  # chain | records | unledgered
    head_seq: int
    head_hash: str = ""
    record_type: str | None = None  # records: None means every type
    low: int | None = None  # records: the record id range, inclusive
    high: int | None = None


@dataclass(frozen=True)
class Settings:
    using: str
    max_report: int
    chunk_size: int
    batch_size: int
    recheck: bool  # no snapshot: confirm a changed-looking record against entries appended meanwhile


Progress = Callable[[str, int], None]


def verify_ledger(
    *,
    max_report: int = 1000,
    chunk_size: int = 20_000,
    batch_size: int = 2000,
    workers: int | None = None,
    using: str | None = None,
    progress: Progress | None = None,
) -> LedgerReport:
    using = using or router.db_for_read(LedgerEntry)
    workers = max(1, workers if workers is not None else os.cpu_count() or 1)
    report = LedgerReport(max_report=max_report, started_at=timezone.now())
    connection = connections[using]
    postgresql = connection.vendor == "postgresql"
    settings = Settings(using, max_report, chunk_size, batch_size, recheck=not postgresql)
    if workers > 1 and _can_fork(using) and current_head(using).seq >= PARALLEL_FROM:
        _verify_in_parallel(report, settings, workers, progress)
    else:
        with fast_timestamps(using), _snapshot(using):
            head = current_head(using)
            report.head_seq, report.head_hash = head.seq, head.hash
            units = [
                Unit("chain", head.seq, head.hash),
                Unit("records", head.seq),
                *(Unit("unledgered", head.seq, record_type=d.record_type) for d in registry.publishables()),
            ]
            for unit in units:
                report.merge(run_unit(unit, settings))
                if progress:
                    progress(unit.kind, report.entries_checked + report.records_checked)
            _check_beyond_head(report, using)
    report.finished_at = timezone.now()
    return report


def _can_fork(using: str) -> bool:
    connection = connections[using]
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block  # a caller's transaction cannot be shared with other processes
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1  # forking a threaded process can copy a lock some thread held
    )


@contextlib.contextmanager
def _snapshot(using: str, snapshot_id: str | None = None) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield  # inside a caller's transaction (tests) the caller's view is the snapshot
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        if snapshot_id:
            if not _SNAPSHOT_ID.match(snapshot_id):
                raise ValueError(f"not a snapshot id: {snapshot_id!r}")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot_id}'")
        yield


# --- many processes, one snapshot ----------------------------------------------------------------


def _verify_in_parallel(report: LedgerReport, settings: Settings, workers: int, progress: Progress | None) -> None:
    connection = connections[settings.using]
    # A connection of our own holds the exported snapshot open while the workers import it.
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        holder.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot_id = holder.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with _snapshot(settings.using, snapshot_id):
            head = current_head(settings.using)
            report.head_seq, report.head_hash = head.seq, head.hash
            units = _plan(settings.using, head.seq, head.hash, workers)
        connections.close_all()  # forked children must not share our sockets; they open their own
        report.workers = workers
        context = multiprocessing.get_context("fork")
        with (
            _children_allowed(),
            context.Pool(workers, initializer=_start_worker, initargs=(settings, snapshot_id)) as pool,
        ):
            for unit, findings in zip(units, pool.imap(_run_in_worker, units), strict=True):
                report.merge(findings)
                if progress:
                    progress(unit.kind, report.entries_checked + report.records_checked)
            pool.close()  # let the workers exit on their own, closing their connections (terminate() would not)
            pool.join()
        with _snapshot(settings.using, snapshot_id):
            _check_beyond_head(report, settings.using)
    finally:
        holder.close()


@contextlib.contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process (a Celery prefork child: the nightly check) start the pool's workers.

    multiprocessing refuses children to a daemonic process so that none is left behind when it is
    killed. The pool's workers do not outlive it: they are joined before the check returns, they exit
    when the pool's pipe to them closes (the parent gone), and the pool's own exit terminates them on
    any error — so the rule's reason does not hold here, and the flag is set back afterwards.
    """
    process = multiprocessing.current_process()
    daemonic = process._config.get("daemon", False)
    process._config["daemon"] = False
    try:
        yield
    finally:
        process._config["daemon"] = daemonic


def _plan(using: str, head_seq: int, head_hash: str, workers: int) -> list[Unit]:
    """The chain first (the longest single pass), then record id ranges sized by their entry counts."""
    entries = LedgerEntry.objects.using(using).filter(seq__lte=head_seq)
    types = (
        entries.values("record_type")
        .annotate(low=Min("record_id"), high=Max("record_id"), count=Count("*"))
        .order_by("record_type")
    )
    types = list(types)
    total = sum(t["count"] for t in types) or 1
    units = [Unit("chain", head_seq, head_hash)]
    for stats in types:
        pieces = max(1, round(workers * UNITS_PER_WORKER * stats["count"] / total))
        width = math.ceil((stats["high"] - stats["low"] + 1) / pieces)
        for low in range(stats["low"], stats["high"] + 1, width):
            units.append(Unit("records", head_seq, record_type=stats["record_type"], low=low, high=low + width - 1))
    units += [Unit("unledgered", head_seq, record_type=d.record_type) for d in registry.publishables()]
    return units


_worker: dict = {}


def _start_worker(settings: Settings, snapshot_id: str) -> None:
    # Connection objects inherited through fork may still hold the parent's sockets (close_all() only
    # reaches the connections of the parent's own context): never use or close them here; give
    # this process fresh ones instead.
    for alias in connections:
        connections[alias] = connections.create_connection(alias)
    _worker.update(settings=settings, snapshot_id=snapshot_id)
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _run_in_worker(unit: Unit) -> Findings:
    settings = _worker["settings"]
    with fast_timestamps(settings.using), _snapshot(settings.using, _worker["snapshot_id"]):
        return run_unit(unit, settings)


def run_unit(unit: Unit, settings: Settings) -> Findings:
    findings = Findings(max_report=settings.max_report)
    if unit.kind == "chain":
        _check_chain(findings, unit, settings)
    elif unit.kind == "records":
        _check_records(findings, unit, settings)
    elif unit.kind == "unledgered":
        _check_unledgered(findings, unit, settings)
    else:
        raise ValueError(unit.kind)
    return findings


# --- the chain -----------------------------------------------------------------------------------


def _check_chain(findings: Findings, unit: Unit, settings: Settings) -> None:
    rows = (
        LedgerEntry.objects.using(settings.using)
        .filter(seq__lte=unit.head_seq)
        .order_by("seq")
        .values_list(*ENTRY_FIELDS)
        .iterator(chunk_size=settings.chunk_size)
    )
    expected_seq, previous_hash, checked = 1, LEDGER_GENESIS_HASH, 0
    add = findings.add
    for seq, occurred_at, record_type, record_id, version, action, doc_hash, commitment, prev_hash, stored_hash in rows:
        if seq != expected_seq:
            add(Mismatch("seq_gap", seq, record_type, record_id, gettext("expected #%(seq)d") % {"seq": expected_seq}))
        if prev_hash != previous_hash:
            detail = gettext("prev_hash %(prev)s is not the hash of the entry before it, %(hash)s") % {
                "prev": prev_hash,
                "hash": previous_hash,
            }
            add(Mismatch("broken_link", seq, record_type, record_id, detail))
        try:
            recomputed = fast_entry_hash(
                prev_hash, seq, occurred_at, record_type, record_id, version, action, doc_hash, commitment
            )
        except (TypeError, ValueError):  # e.g. a prev_hash that is not ASCII
            recomputed = None
        if recomputed != stored_hash:
            add(
                Mismatch(
                    "entry_hash",
                    seq,
                    record_type,
                    record_id,
                    gettext("stored %(stored)s, recomputed %(recomputed)s")
                    % {"stored": stored_hash, "recomputed": recomputed},
                )
            )
        previous_hash, expected_seq = stored_hash, seq + 1
        checked += 1
    findings.entries_checked = checked
    if expected_seq - 1 != unit.head_seq or previous_hash != unit.head_hash:
        detail = gettext("the head names #%(head_seq)d %(head_hash)s; the chain ends at #%(seq)d %(hash)s") % {
            "head_seq": unit.head_seq,
            "head_hash": unit.head_hash,
            "seq": expected_seq - 1,
            "hash": previous_hash,
        }
        add(Mismatch("head", unit.head_seq, detail=detail))


# --- every record against its latest entry -------------------------------------------------------


def _check_records(findings: Findings, unit: Unit, settings: Settings) -> None:
    entries = LedgerEntry.objects.using(settings.using).filter(seq__lte=unit.head_seq)
    if unit.record_type is not None:
        entries = entries.filter(record_type=unit.record_type, record_id__range=(unit.low, unit.high))
    rows = (
        entries.order_by("record_type", "record_id", "seq")
        .values_list("record_type", "record_id", "seq", "version", "action", "document_hash", "national_commitment")
        .iterator(chunk_size=settings.chunk_size)
    )
    loaders: dict[str, RecordLoader | None] = {}
    batch: list[tuple] = []
    for latest in latest_per_record(rows):
        if batch and (latest[0] != batch[0][0] or len(batch) >= settings.batch_size):
            _compare_batch(findings, unit, settings, loaders, batch)
            batch = []
        batch.append(latest)
    if batch:
        _compare_batch(findings, unit, settings, loaders, batch)


def latest_per_record(entries: Iterable[tuple]) -> Iterator[tuple]:
    """Entries sorted by (record_type, record_id, seq) → the last one of each record."""
    previous = None
    for entry in entries:
        if previous is not None and (entry[0] != previous[0] or entry[1] != previous[1]):
            yield previous
        previous = entry
    if previous is not None:
        yield previous


class RecordLoader:
    """Loads a batch of records of one type with what their public document needs (`related`).

    Plain foreign keys among `related` (a penalty's authority and data source) are not joined into
    every row: the few hundred organizations are loaded once and shared, which makes loading a
    penalty about twice as fast as select_related(). Deeper paths are still select_related().
    """

    def __init__(self, described, using: str):
        self.described = described
        self.using = using
        self.shared: list[tuple] = []  # (field, {pk: object})
        joined = []
        for name in described.related:
            model_field = None if "__" in name else described.model._meta.get_field(name)
            if model_field is not None and model_field.many_to_one and model_field.concrete:
                self.shared.append((model_field, {}))
            else:
                joined.append(name)
        manager = described.model._default_manager.using(using)
        queryset = manager.select_related(*joined) if joined else manager.all()
        self.queryset = queryset.prefetch_related(*described.prefetch) if described.prefetch else queryset

    def load(self, record_ids: list[int]) -> dict[int, object]:
        low, high = min(record_ids), max(record_ids)
        if high - low < 2 * len(record_ids):
            # Dense ids (the usual case): a range scan, cheaper to ask for than a list of 2,000 ids.
            records = {record.pk: record for record in self.queryset.filter(pk__gte=low, pk__lte=high)}
        else:
            records = self.queryset.in_bulk(record_ids)
        for model_field, cache in self.shared:
            wanted = {getattr(r, model_field.attname) for r in records.values()} - cache.keys() - {None}
            if len(cache) + len(wanted) > RELATED_CACHE_LIMIT:
                cache.clear()
                wanted = {getattr(r, model_field.attname) for r in records.values()} - {None}
            if wanted:
                cache.update(model_field.related_model._base_manager.using(self.using).in_bulk(wanted))
            for record in records.values():
                key = getattr(record, model_field.attname)
                if key is not None and key in cache:
                    model_field.set_cached_value(record, cache[key])
        return records


def _compare_batch(findings: Findings, unit: Unit, settings: Settings, loaders: dict, batch: list[tuple]) -> None:
    record_type = batch[0][0]
    findings.records_checked += len(batch)
    if record_type not in loaders:
        try:
            loaders[record_type] = RecordLoader(registry.publishable(record_type), settings.using)
        except LookupError:
            loaders[record_type] = None
    loader = loaders[record_type]
    if loader is None:
        for _type, record_id, seq, *_rest in batch:
            findings.add(Mismatch("unknown_type", seq, record_type, record_id))
        return
    records = loader.load([entry[1] for entry in batch])
    for _type, record_id, seq, version, action, ledger_hash, commitment in batch:
        found = compare_record(loader.described, records.get(record_id), version, action, ledger_hash, commitment)
        if found and settings.recheck and _changed_since(settings.using, record_type, record_id, unit.head_seq):
            continue
        for problem, detail in found:
            findings.add(Mismatch(problem, seq, record_type, record_id, detail))


def compare_record(
    described, record, version: int, action: str, ledger_hash: str, commitment: str | None = None
) -> list[tuple[str, str]]:
    """What no longer matches the entry: the public document, the national one (when the entry commits
    to it), the status, the version. Each document is encoded once; the two often are the same."""
    if record is None:
        return [("record_missing", "")]
    found = []
    try:
        public, national = described.documents_of(record)
        public_bytes = canonical_json(public)
        now_hash = sha256_hex(public_bytes)
        if commitment is not None:
            national_now = commitment_of(public_bytes if national is public else canonical_json(national))
    except Exception as exc:  # a record that cannot even be rendered is reported, not fatal
        now_hash = national_now = gettext("unreadable: %(error)r") % {"error": exc}
    if now_hash != ledger_hash:
        found.append(
            ("document", gettext("ledger %(ledger)s, record now %(now)s") % {"ledger": ledger_hash, "now": now_hash})
        )
    if commitment is not None and national_now != commitment:
        # The recomputed commitment is not shown: it is worthless without the key, which stays here.
        detail = gettext("the record's national document no longer matches commitment %(commitment)s")
        found.append(("national_document", detail % {"commitment": commitment}))
    allowed = STATUS_AFTER.get(action)
    status = getattr(record, "status", None)
    if allowed is not None and status not in allowed:
        found.append(
            ("status", gettext("after “%(action)s” the record is “%(status)s”") % {"action": action, "status": status})
        )
    if getattr(record, "version", version) != version:
        found.append(
            (
                "version",
                gettext("ledger v%(ledger)s, record v%(record)s") % {"ledger": version, "record": record.version},
            )
        )
    return found


def _changed_since(using: str, record_type: str, record_id: int, head_seq: int) -> bool:
    """Was the record published again after the check began? Then it is checked next time."""
    return (
        LedgerEntry.objects.using(using).filter(record_type=record_type, record_id=record_id, seq__gt=head_seq).exists()
    )


# --- public without an entry, entries past the head ----------------------------------------------


def _check_unledgered(findings: Findings, unit: Unit, settings: Settings) -> None:
    described = registry.publishable(unit.record_type)
    model = described.model
    if not any(f.name == "status" for f in model._meta.concrete_fields):
        return
    entries = LedgerEntry.objects.using(settings.using).filter(
        record_type=described.record_type, record_id=OuterRef("pk")
    )
    missing = (
        model._default_manager.using(settings.using)
        .exclude(status=PublicationStatus.DRAFT)
        .exclude(version=0)  # withdrawn before it was ever published: nothing was announced
        .exclude(Exists(entries))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for record_id in missing.iterator(chunk_size=settings.chunk_size):
        findings.add(Mismatch("unledgered", None, described.record_type, record_id))


def _check_beyond_head(findings: Findings, using: str) -> None:
    """Appends move the head in the same transaction, so an entry past the head was not appended."""
    head = current_head(using)
    beyond = LedgerEntry.objects.using(using).filter(seq__gt=head.seq).order_by("seq")
    for seq, record_type, record_id in beyond.values_list("seq", "record_type", "record_id").iterator():
        findings.add(
            Mismatch("beyond_head", seq, record_type, record_id, gettext("the head is #%(seq)d") % {"seq": head.seq})
        )
