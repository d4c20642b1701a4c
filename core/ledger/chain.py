"""The hash chain: how entries are hashed and appended.

The recipe, published on /ledger/ so that anyone can recompute it:

    canonical_json(obj) = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    document_hash       = sha256(canonical_json(public document of the record)).hexdigest()
    national_commitment = hmac_sha256(LEDGER_COMMITMENT_KEY, canonical_json(national document)).hexdigest()
    hash                = sha256(prev_hash.encode("ascii") + canonical_json({
                              "seq", "occurred_at", "record_type", "record_id", "version", "action", "document_hash",
                              "national_commitment"
                          })).hexdigest()

`occurred_at` is written as UTC ISO-8601 with microseconds ("2026-11-27T05:06:07.123456+00:00"),
`seq`, `record_id` and `version` as JSON integers; the first entry's prev_hash is "0" * 64.

The public document masks natural persons' ID numbers; the national document (what is pushed) does
not, so the ledger commits to it with a key that is never published: a plain hash of it could be
matched against every possible ID number (the masked number in public hides only the birth date,
some 40,000 candidates). Anyone can recompute the chain, the commitment included as it is stored;
only the key holder (this portal's verifier) can recompute a commitment from a record. Entries
appended before the commitment existed have none (NULL) and keep the old body, without the
"national_commitment" key.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from json.encoder import encode_basestring

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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
    "national_commitment",
    "prev_hash",
    "hash",
)

_CANONICAL_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(obj) -> bytes:
    return _CANONICAL_ENCODER.encode(obj).encode("utf-8")


def document_hash(document: dict) -> str:
    return sha256_hex(canonical_json(document))


def sha256_hex(encoded: bytes) -> str:
    return hashlib.sha256(encoded).hexdigest()


def national_commitment(document: dict) -> str:
    """The keyed commitment to a national document (see the recipe above)."""
    return commitment_of(canonical_json(document))


def commitment_of(encoded: bytes) -> str:
    """HMAC-SHA256 of already encoded canonical JSON: the verifier copies one keyed object per record
    instead of deriving the key's pads again each time."""
    mac = _keyed_mac().copy()
    mac.update(encoded)
    return mac.hexdigest()


_keyed: tuple[str, hmac.HMAC] | None = None


def _keyed_mac() -> hmac.HMAC:
    global _keyed
    key = settings.LEDGER_COMMITMENT_KEY
    if _keyed is None or _keyed[0] != key:  # a changed setting (tests override it) builds a new one
        if not key:
            raise ImproperlyConfigured("LEDGER_COMMITMENT_KEY is empty: the ledger cannot commit to national documents")
        _keyed = (key, hmac.new(key.encode("utf-8"), digestmod=hashlib.sha256))
    return _keyed[1]


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
    national_commitment: str | None = None,
) -> dict:
    """What an entry's hash covers. An entry without a commitment (appended before there was one)
    keeps the old body: the key is left out, not written as null."""
    body = {
        "seq": seq,
        "occurred_at": utc_timestamp(occurred_at),
        "record_type": record_type,
        "record_id": record_id,
        "version": version,
        "action": action,
        "document_hash": document_hash,
    }
    if national_commitment is not None:
        body["national_commitment"] = national_commitment
    return body


def entry_hash(prev_hash: str, body: dict) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(body)).hexdigest()


def fast_entry_hash(
    prev_hash, seq, occurred_at, record_type, record_id, version, action, document_hash_, national_commitment_=None
) -> str:
    """entry_hash() for the verifier's million rows: the same bytes, written without building a dict.

    The keys in sorted order and strings escaped by json's own encoder, exactly as json.dumps(…,
    ensure_ascii=False) does. tests/core/test_ledger.py holds the two to the same output.
    """
    commitment = (
        "" if national_commitment_ is None else f',"national_commitment":{encode_basestring(national_commitment_)}'
    )
    body = (
        f'{{"action":{encode_basestring(action)},"document_hash":{encode_basestring(document_hash_)}{commitment},'
        f'"occurred_at":"{utc_timestamp(occurred_at)}","record_id":{record_id:d},'
        f'"record_type":{encode_basestring(record_type)},"seq":{seq:d},"version":{version:d}}}'
    )
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def ledger_append(
    *, record_type: str, record_id: int, version: int, action: str, document: dict, national_document: dict
) -> LedgerEntry:
    """Append one entry for the record's public `document` and its `national_document` (the pushed one;
    the very same dict when the public may see all of it).

    Call it inside the transaction that publishes: if that rolls back, so does the entry."""
    using = router.db_for_write(LedgerEntry)
    if not connections[using].in_atomic_block:
        raise LedgerError("ledger_append() must run inside the transaction that makes the change it records")
    public_bytes = canonical_json(document)
    national_bytes = public_bytes if national_document is document else canonical_json(national_document)
    head = _locked_head(using)
    entry = LedgerEntry(
        seq=head.seq + 1,
        occurred_at=timezone.now(),
        record_type=record_type,
        record_id=record_id,
        version=version,
        action=str(action),
        document_hash=sha256_hex(public_bytes),
        national_commitment=commitment_of(national_bytes),
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
            national_commitment=entry.national_commitment,
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
