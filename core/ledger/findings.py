"""What a check of the ledger finds: the kinds of problem, one mismatch, and the findings of a unit of
work and of the whole check (plain data: findings travel back from the verifier's worker processes)."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy as _

from core.models import LEDGER_GENESIS_HASH
from core.publication import PublicationAction, PublicationStatus

PROBLEMS = {
    "seq_gap": _("sequence gap"),
    "broken_link": _("broken link"),
    "entry_hash": _("entry hash"),
    "head": _("head differs from the last entry"),
    "beyond_head": _("entry beyond the head"),
    "unknown_type": _("unknown record type"),
    "record_missing": _("record missing"),
    "document": _("public document differs from the record"),
    "national_document": _("national (pushed) document differs from the record"),
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
class Findings:
    """What one unit of the check found. Plain data: it travels back from worker processes."""

    max_report: int = 1000
    entries_checked: int = 0
    records_checked: int = 0
    mismatch_count: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)  # the first `max_report`

    @property
    def ok(self) -> bool:
        return self.mismatch_count == 0

    def add(self, mismatch: Mismatch) -> None:
        self.mismatch_count += 1
        if len(self.mismatches) < self.max_report:
            self.mismatches.append(mismatch)

    def merge(self, other: Findings) -> None:
        self.entries_checked += other.entries_checked
        self.records_checked += other.records_checked
        self.mismatch_count += other.mismatch_count
        self.mismatches.extend(other.mismatches[: max(0, self.max_report - len(self.mismatches))])


@dataclass
class LedgerReport(Findings):
    head_seq: int = 0
    head_hash: str = LEDGER_GENESIS_HASH
    workers: int = 1
    started_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else 0.0
