"""One record against the ledger: what /ledger/ and /api/v1/ledger/records/… show anyone who asks.

A handful of queries whatever the size of the ledger: the record's entries (the (record_type,
record_id, seq) index), the entries just before them (to check the links), the record, and whether
the asker may see it. The record's content is shown only to those who may see it (the public: only
while it is public); entries and the verdict are shown to everyone — they reveal no content (the
national document's commitment is keyed, so not even a guessed ID number can be tested against it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import registry
from core.models import LEDGER_GENESIS_HASH, LedgerEntry

from .chain import canonical_json, document_hash, entry_body, entry_hash, utc_timestamp
from .findings import PROBLEMS
from .verify import compare_record

MAX_ENTRIES_SHOWN = 500

VERDICTS = {
    "match": _("The record as it stands now matches its latest ledger entry."),
    "mismatch": _("The record does not match the ledger."),
    "record_missing": _("The ledger has entries for this record, but the record itself is missing."),
    "no_entries": _("The ledger has no entries for this record: it has never been published."),
}


@dataclass
class RecordCheck:
    record_type: str
    record_id: int
    entries: list[LedgerEntry] = field(default_factory=list)  # oldest first; each with .hash_ok and .link_ok
    verdict: str = "no_entries"  # a key of VERDICTS
    problems: list[str] = field(default_factory=list)
    latest_seq: int | None = None
    visible: bool = False  # may the asker see the record's content?
    document: dict | None = None  # the public document, only when visible
    canonical: str | None = None  # its canonical JSON, exactly the bytes that are hashed
    current_hash: str | None = None  # SHA-256 of those bytes

    @property
    def verdict_text(self) -> str:
        return str(VERDICTS[self.verdict])

    @property
    def ok(self) -> bool:
        return self.verdict == "match"


def check_record(record_type: str, record_id: int, *, principal=None) -> RecordCheck:
    """Raises LookupError for a record type nobody registered."""
    described = registry.publishable(record_type)
    result = RecordCheck(record_type=record_type, record_id=record_id)
    entries = list(
        LedgerEntry.objects.filter(record_type=record_type, record_id=record_id).order_by("-seq")[:MAX_ENTRIES_SHOWN]
    )[::-1]
    if not entries:
        return result
    result.entries = entries
    latest = entries[-1]
    result.latest_seq = latest.seq
    _check_entries(result, entries)

    manager = described.model._default_manager
    record = (
        manager.select_related(*described.related).prefetch_related(*described.prefetch).filter(pk=record_id).first()
    )
    if record is None:
        result.verdict = "record_missing"
        return result
    found = compare_record(
        described, record, latest.version, latest.action, latest.document_hash, latest.national_commitment
    )
    for problem, _detail in found:
        result.problems.append(_problem_text(problem, latest.seq))
    result.verdict = "mismatch" if result.problems else "match"

    result.visible = _visible(manager, record_id, principal)
    if result.visible:
        result.document = described.public_document(record)
        encoded = canonical_json(result.document)
        result.canonical = encoded.decode("utf-8")
        result.current_hash = document_hash(result.document)
    return result


def _check_entries(result: RecordCheck, entries: list[LedgerEntry]) -> None:
    """Each entry's own hash, and its link to the entry before it in the whole chain."""
    before = {entry.seq - 1 for entry in entries if entry.seq > 1}
    hashes = dict(LedgerEntry.objects.filter(seq__in=before).values_list("seq", "hash")) if before else {}
    hashes[0] = LEDGER_GENESIS_HASH
    for entry in entries:
        entry.occurred_at_utc = utc_timestamp(entry.occurred_at)  # as it enters the hash
        body = entry_body(
            seq=entry.seq,
            occurred_at=entry.occurred_at,
            record_type=entry.record_type,
            record_id=entry.record_id,
            version=entry.version,
            action=entry.action,
            document_hash=entry.document_hash,
            national_commitment=entry.national_commitment,
        )
        try:
            entry.hash_ok = entry_hash(entry.prev_hash, body) == entry.hash
        except ValueError:
            entry.hash_ok = False
        entry.link_ok = hashes.get(entry.seq - 1) == entry.prev_hash
        if not entry.hash_ok:
            result.problems.append(_problem_text("entry_hash", entry.seq))
        if not entry.link_ok:
            result.problems.append(_problem_text("broken_link", entry.seq))


def _problem_text(problem: str, seq: int) -> str:
    return gettext("Entry #%(seq)d: %(problem)s") % {"seq": seq, "problem": PROBLEMS[problem]}


def _visible(manager, record_id: int, principal) -> bool:
    queryset = manager.all()
    if hasattr(queryset, "for_user"):
        return queryset.for_user(principal).filter(pk=record_id).exists()
    public_q = getattr(queryset, "public_q", lambda: None)()
    return isinstance(public_q, Q) and queryset.filter(public_q, pk=record_id).exists()
