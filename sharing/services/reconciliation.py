"""The nightly reconciliation: what we consider published against what the national platform holds.

Compared per record *and version*: a record published here at version 2 that the other side holds at
version 1 (the correction never arrived, or an older version overtook it) is a gap, as much as a record
missing there. Both sides are read in record-id order and merged, so memory stays flat however many
records there are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import requests
from django.db import transaction

from core.publication import PublicationStatus
from core.publishing import publishables

from ..client import NationalPlatform
from ..models import Reconciliation

logger = logging.getLogger(__name__)

SAMPLE_SIZE = 200
OURS_CHUNK = 20_000
# Published here, in the national sense: published, and still published after its publicity ended
# (the national side hides a record by its end date, CF_GSJZQ, not by an action of ours).
NATIONALLY_PUBLISHED = (PublicationStatus.PUBLISHED, PublicationStatus.PUBLICITY_ENDED)
UPSTREAM_PUBLISHED = ("publish", "correct")


@dataclass
class Gaps:
    """The comparison of one record type, as kept in Reconciliation.details."""

    ours: int = 0
    theirs: int = 0
    missing: list[int] = field(default_factory=list)  # published here, not there
    stale: list = field(default_factory=list)  # published there, not here
    other_version: list[dict] = field(default_factory=list)  # published on both sides, versions differ
    counts: dict[str, int] = field(default_factory=lambda: {"missing": 0, "stale": 0, "other_version": 0})

    def note(self, kind: str, item) -> None:
        self.counts[kind] += 1
        sample = getattr(self, kind)
        if len(sample) < SAMPLE_SIZE:
            sample.append(item)

    @property
    def in_agreement(self) -> bool:
        return not any(self.counts.values())

    def as_details(self) -> dict:
        return {
            "ours": self.ours,
            "theirs": self.theirs,
            "missing_upstream": self.counts["missing"],
            "missing_sample": self.missing,
            "stale_upstream": self.counts["stale"],
            "stale_sample": self.stale,
            "version_mismatch": self.counts["other_version"],
            "version_sample": self.other_version,
        }


def reconciliation_run(*, platform=None) -> Reconciliation:
    """Compare, per record type, the (record, version) pairs published here with the latest accepted
    entry of each record upstream whose action is a publication, and keep the gaps (counts and a sample)."""
    platform = platform or NationalPlatform()
    details: dict[str, dict] = {}
    ok = True
    try:
        for described in publishables():
            gaps = compare(_our_published(described.model), _upstream_published(platform, described.record_type))
            details[described.record_type] = gaps.as_details()
            ok = ok and gaps.in_agreement
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        logger.warning("reconciliation with the national platform failed", exc_info=True)
        return Reconciliation.objects.create(ok=False, details=details, error=str(error)[:2000])
    with transaction.atomic():
        return Reconciliation.objects.create(ok=ok, details=details)


def compare(ours: Iterator[tuple[int, int]], theirs: Iterator[tuple[int | str, int]]) -> Gaps:
    """Merge two (record id, version) streams, each in ascending id order (ids that are not numbers
    come last from the other side: they cannot be ours)."""
    gaps = Gaps()
    end = object()
    mine, their = next(ours, end), next(theirs, end)
    while mine is not end or their is not end:
        if their is end or (mine is not end and isinstance(their[0], int) and mine[0] < their[0]):
            gaps.ours += 1
            gaps.note("missing", mine[0])
            mine = next(ours, end)
        elif mine is end or not isinstance(their[0], int) or their[0] < mine[0]:
            gaps.theirs += 1
            gaps.note("stale", their[0])
            their = next(theirs, end)
        else:
            gaps.ours += 1
            gaps.theirs += 1
            if mine[1] != their[1]:
                gaps.note("other_version", {"record_id": mine[0], "ours": mine[1], "theirs": their[1]})
            mine, their = next(ours, end), next(theirs, end)
    return gaps


def _our_published(model) -> Iterator[tuple[int, int]]:
    """(id, version) of every record published here, by id, in keyset chunks."""
    published = model.objects.filter(status__in=NATIONALLY_PUBLISHED).order_by("pk")
    after = 0
    while True:
        chunk = list(published.filter(pk__gt=after).values_list("pk", "version")[:OURS_CHUNK])
        yield from chunk
        if len(chunk) < OURS_CHUNK:
            return
        after = chunk[-1][0]


def _as_our_id(record_id: str) -> int | str:
    """Our ids are canonical decimals; anything else upstream stays text (and is listed after them)."""
    canonical = record_id.isascii() and record_id.isdigit() and not record_id.startswith("0")
    return int(record_id) if canonical else record_id


def _upstream_published(platform, record_type: str) -> Iterator[tuple[int | str, int]]:
    """(id, version) of every record whose latest accepted entry upstream is a publication, in the
    listing's order: numeric ids ascending, then the others."""
    after = None
    while True:
        page = platform.latest_records(record_type, after=after)
        for row in page["results"]:
            if row["action"] in UPSTREAM_PUBLISHED:
                yield _as_our_id(row["record_id"]), int(row["version"])
        after = page.get("next_after")
        if not after or not page["results"]:
            return
