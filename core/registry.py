"""What each publishing app publishes, registered once in its AppConfig.ready().

The publishing life cycle (core.publishing), the ledger (core.ledger) and the national push (sharing)
all read this registry and know no app. It lives apart from core.publishing so that the ledger can
read it while core.publishing appends to the ledger: neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Publishable:
    """How the shared machinery reads one kind of public record."""

    record_type: str  # the model's `record_type`, e.g. "disclosures.penalty"
    model: type
    national_document: Callable[[object], dict]  # the wire format, unmasked (kept inside, pushed upward)
    public_document: Callable[[object], dict]  # what anyone may see: natural persons' ID numbers masked
    owner: Callable[[object], object]  # the organization answerable for the record
    related: tuple[str, ...] = field(default=())  # select_related() that the three callables need
    # prefetch_related() that the documents need (a dishonesty record's sanctions): the ledger's check
    # loads records a batch at a time and must not ask once per record.
    prefetch: tuple[str, ...] = field(default=())
    # Optional: (public, national) from one build, where that is cheaper than two (the ledger's check
    # reads both of every record). Must give what the two callables above give.
    documents: Callable[[object], tuple[dict, dict]] | None = None

    def documents_of(self, record) -> tuple[dict, dict]:
        """(public, national). The same dict twice when the public may see all of it."""
        if self.documents is not None:
            return self.documents(record)
        public = self.public_document(record)
        if self.national_document is self.public_document:
            return public, public
        return public, self.national_document(record)


_publishables: dict[str, Publishable] = {}


def register_publishable(publishable: Publishable) -> None:
    _publishables[publishable.record_type] = publishable


def publishable(record_type: str) -> Publishable:
    try:
        return _publishables[record_type]
    except KeyError:
        raise LookupError(f"no publishable record type {record_type!r} is registered") from None


def publishables() -> list[Publishable]:
    return list(_publishables.values())
