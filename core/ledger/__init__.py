"""The tamper-evident publication ledger: an append-only hash chain of every announced publication.

`ledger_append` adds an entry inside the publishing transaction (core.publishing calls it),
`verify_ledger` recomputes everything, `check_record` answers for one record (the /ledger/ page and
the API). The recipe is in `chain`.
"""

from .chain import (
    LedgerError,
    canonical_json,
    current_head,
    document_hash,
    entry_body,
    entry_hash,
    ledger_append,
    utc_timestamp,
)
from .findings import PROBLEMS, LedgerReport, Mismatch
from .verify import verify_ledger

__all__ = [
    "PROBLEMS",
    "LedgerError",
    "LedgerReport",
    "Mismatch",
    "canonical_json",
    "current_head",
    "document_hash",
    "entry_body",
    "entry_hash",
    "ledger_append",
    "utc_timestamp",
    "verify_ledger",
]
