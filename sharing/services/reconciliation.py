"""The nightly reconciliation: what we consider published against what the national platform holds."""

from __future__ import annotations

import logging

import requests
from django.db import transaction

from core.publication import PublicationStatus
from core.publishing import publishables

from ..client import NationalPlatform
from ..models import Reconciliation

logger = logging.getLogger(__name__)

SAMPLE_SIZE = 200
# Published here, in the national sense: published, and still published after its publicity ended
# (the national side hides a record by its end date, CF_GSJZQ, not by an action of ours).
NATIONALLY_PUBLISHED = (PublicationStatus.PUBLISHED, PublicationStatus.PUBLICITY_ENDED)
UPSTREAM_PUBLISHED = ("publish", "correct")


def reconciliation_run(*, platform=None) -> Reconciliation:
    """Compare, per record type, the ids of records published here with the ids whose latest
    accepted action upstream is a publication, and keep the gaps (counts and a sample)."""
    platform = platform or NationalPlatform()
    details: dict[str, dict] = {}
    try:
        for described in publishables():
            ours = set(
                described.model.objects.filter(status__in=NATIONALLY_PUBLISHED)
                .values_list("pk", flat=True)
                .iterator(chunk_size=20_000)
            )
            theirs = set(_upstream_published_ids(platform, described.record_type))
            missing, stale = sorted(ours - theirs), sorted(theirs - ours)
            details[described.record_type] = {
                "ours": len(ours),
                "theirs": len(theirs),
                "missing_upstream": len(missing),
                "missing_sample": missing[:SAMPLE_SIZE],
                "stale_upstream": len(stale),
                "stale_sample": stale[:SAMPLE_SIZE],
            }
    except (requests.RequestException, ValueError, KeyError) as error:
        logger.warning("reconciliation with the national platform failed", exc_info=True)
        return Reconciliation.objects.create(ok=False, details=details, error=str(error)[:2000])
    ok = all(not d["missing_upstream"] and not d["stale_upstream"] for d in details.values())
    with transaction.atomic():
        return Reconciliation.objects.create(ok=ok, details=details)


def _upstream_published_ids(platform, record_type: str):
    after = None
    while True:
        page = platform.latest_records(record_type, after=after)
        for row in page["results"]:
            if row["action"] in UPSTREAM_PUBLISHED:
                yield int(row["record_id"])
        after = page.get("next_after")
        if not after or not page["results"]:
            return
