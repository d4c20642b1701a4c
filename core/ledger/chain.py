"""The hash chain: how entries are hashed and appended.

The recipe, published on /ledger/ so that anyone can recompute it:

    canonical_json(obj) = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    document_hash       = sha256(canonical_json(public document of the record)).hexdigest()
    hash                = sha256(prev_hash.encode("ascii") + canonical_json({
                              "seq", "occurred_at", "record_type", "record_id", "version", "action", "document_hash"
                          })).hexdigest()

`occurred_at` is written as UTC ISO-8601 with microseconds ("2026-11-27T05:06:07.123456+00:00"),
`seq`, `record_id` and `version` as JSON integers; the first entry's prev_hash is "0" * 64.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from json.encoder import encode_basestring

from django.db import connections, router
from django.utils import timezone

from core.models import LEDGER_GENESIS_HASH, LEDGER_HEAD_ID, LedgerEntry, LedgerHead


class LedgerError(RuntimeError):
    pass


# json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) builds exactly this encoder
# on every call; the verifier encodes a million documents, so it is built once.
# An entry's stored fields, in the order the recipe lists them (the verifier and the API read these).
ENTRY_FIELDS = (
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

_CANONICAL_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(obj) -> bytes:
    return _CANONICAL_ENCODER.encode(obj).encode("utf-8")


def document_hash(document: dict) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def utc_timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def entry_body(
    *,
    seq: int,
    occurred_at: datetime.datetime,
    record_type: str,
    record_id: int,
    version: int,
    action: str,
    document_hash: str,
) -> dict:
    return {
        "seq": seq,
        "occurred_at": utc_timestamp(occurred_at),
        "record_type": record_type,
        "record_id": record_id,
        "version": version,
        "action": action,
        "document_hash": document_hash,
    }


def entry_hash(prev_hash: str, body: dict) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(body)).hexdigest()


def fast_entry_hash(prev_hash, seq, occurred_at, record_type, record_id, version, action, document_hash_) -> str:
    """entry_hash() for the verifier's million rows: the same bytes, written without building a dict.

    The keys in sorted order and strings escaped by json's own encoder, exactly as json.dumps(…,
    ensure_ascii=False) does. tests/core/test_ledger.py holds the two to the same output.
    """
    body = (
        f'{{"action":{encode_basestring(action)},"document_hash":{encode_basestring(document_hash_)},'
        f'"occurred_at":"{utc_timestamp(occurred_at)}","record_id":{record_id:d},'
        f'"record_type":{encode_basestring(record_type)},"seq":{seq:d},"version":{version:d}}}'
    )
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def ledger_append(*, record_type: str, record_id: int, version: int, action: str, document: dict) -> LedgerEntry:
    """Append one entry. Call it inside the transaction that publishes: if that rolls back, so does the entry."""
    using = router.db_for_write(LedgerEntry)
    if not connections[using].in_atomic_block:
        raise LedgerError("ledger_append() must run inside the transaction that makes the change it records")
    head = _locked_head(using)
    entry = LedgerEntry(
        seq=head.seq + 1,
        occurred_at=timezone.now(),
        record_type=record_type,
        record_id=record_id,
        version=version,
        action=str(action),
        document_hash=document_hash(document),
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(
        entry.prev_hash,
        entry_body(
            seq=entry.seq,
            occurred_at=entry.occurred_at,
            record_type=entry.record_type,
            record_id=entry.record_id,
            version=entry.version,
            action=entry.action,
            document_hash=entry.document_hash,
        ),
    )
    entry.save(using=using)
    LedgerHead.objects.using(using).filter(pk=LEDGER_HEAD_ID).update(
        seq=entry.seq, hash=entry.hash, updated_at=entry.occurred_at
    )
    return entry


def _locked_head(using: str) -> LedgerHead:
    """The head row, locked until the caller's transaction ends: appends queue up behind each other."""
    heads = LedgerHead.objects.using(using).select_for_update()
    head = heads.filter(pk=LEDGER_HEAD_ID).first()
    if head is not None:
        return head
    # The migration makes the row; only a flushed database (tests, `manage.py flush`) lacks it.
    if LedgerEntry.objects.using(using).exists():
        raise LedgerError("The ledger head row is missing although entries exist: run `manage.py verify_ledger`")
    LedgerHead.objects.using(using).get_or_create(pk=LEDGER_HEAD_ID, defaults={"hash": LEDGER_GENESIS_HASH})
    return heads.get(pk=LEDGER_HEAD_ID)


def current_head(using: str | None = None) -> LedgerHead:
    """The head as it stands (a fresh, unsaved genesis head when the row is missing)."""
    head = LedgerHead.objects.using(using or router.db_for_read(LedgerHead)).filter(pk=LEDGER_HEAD_ID).first()
    return head or LedgerHead(seq=0, hash=LEDGER_GENESIS_HASH)
