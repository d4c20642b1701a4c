"""What the stand-in tells about what it holds: receipts of one record, counts per type, keyset listings."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from .models import Action, ReceivedRecord, sort_key_for

# Which count a record falls in, by the action of its latest accepted entry.
COUNT_BY_LATEST_ACTION = {
    Action.PUBLISH: "published",
    Action.CORRECT: "published",
    Action.WITHDRAW: "withdrawn",
    Action.REPAIR: "repaired",
}
MAX_LIST_LIMIT = 1000


def receipts(record_type: str, record_id: str) -> list[dict]:
    """Every entry received for the record, accepted and rejected, oldest first."""
    entries = ReceivedRecord.objects.filter(record_type=record_type, record_id=record_id).order_by("id")
    return [
        {
            "receipt_id": str(entry.receipt_id),
            "version": entry.version,
            "action": entry.action,
            "status": "accepted" if entry.accepted else "rejected",
            "code": entry.refusal_code,
            "reasons": entry.reasons,
            "received_at": entry.received_at.isoformat(),
        }
        for entry in entries.only(
            "receipt_id", "version", "action", "accepted", "refusal_code", "reasons", "received_at"
        )
    ]


def _later_accepted_entry():
    """An accepted entry of the same record that supersedes the outer one (higher version, or same and newer)."""
    return ReceivedRecord.objects.filter(
        accepted=True, record_type=OuterRef("record_type"), record_id=OuterRef("record_id")
    ).filter(Q(version__gt=OuterRef("version")) | Q(version=OuterRef("version"), id__gt=OuterRef("id")))


def counts_by_type() -> dict[str, dict[str, int]]:
    """Two grouped queries over the whole table: entries by outcome, records by their latest accepted action."""
    by_type: dict[str, dict[str, int]] = {}

    def bucket(record_type: str) -> dict[str, int]:
        return by_type.setdefault(
            record_type, {"accepted": 0, "rejected": 0, "records": 0, "published": 0, "withdrawn": 0, "repaired": 0}
        )

    entries = ReceivedRecord.objects.values("record_type", "accepted").annotate(n=Count("id")).order_by()
    for row in entries:
        bucket(row["record_type"])["accepted" if row["accepted"] else "rejected"] += row["n"]
    latest = (
        ReceivedRecord.objects.filter(accepted=True)
        .filter(~Exists(_later_accepted_entry()))
        .values("record_type", "action")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in latest:
        counts = bucket(row["record_type"])
        counts["records"] += row["n"]
        counts[COUNT_BY_LATEST_ACTION[row["action"]]] += row["n"]
    return dict(sorted(by_type.items()))


def counts_payload() -> dict:
    return {"by_type": counts_by_type(), "generated_at": timezone.now().isoformat()}


def latest_accepted_page(record_type: str, *, after: str = "", limit: int = MAX_LIST_LIMIT) -> dict:
    """A keyset page of records with an accepted entry, numeric ids in numeric order, other ids after them."""
    accepted = ReceivedRecord.objects.filter(record_type=record_type, accepted=True)
    after_key = sort_key_for(after) if after else None
    record_ids: list[str] = []
    # Two index-ordered reads rather than one OR: numeric ids first, then the others by text.
    if not after or after_key is not None:
        numeric = accepted.filter(record_sort_key__isnull=False)
        if after_key is not None:
            numeric = numeric.filter(record_sort_key__gt=after_key)
        record_ids = _distinct_ids(numeric.order_by("record_sort_key", "record_id"), limit)
    if len(record_ids) < limit:
        others = accepted.filter(record_sort_key__isnull=True)
        if after and after_key is None:
            others = others.filter(record_id__gt=after)
        record_ids += _distinct_ids(others.order_by("record_id"), limit - len(record_ids))
    latest: dict[str, dict] = {}
    entries = accepted.filter(record_id__in=record_ids).values_list(
        "id", "record_id", "version", "action", "receipt_id"
    )
    for entry_id, record_id, version, action, receipt_id in entries:
        current = latest.get(record_id)
        if current is None or (version, entry_id) > (current["version"], current["_id"]):
            latest[record_id] = {"_id": entry_id, "version": version, "action": action, "receipt_id": str(receipt_id)}
    results = [
        {
            "record_id": record_id,
            "version": latest[record_id]["version"],
            "action": latest[record_id]["action"],
            "receipt_id": latest[record_id]["receipt_id"],
        }
        for record_id in record_ids
    ]
    next_after = record_ids[-1] if len(record_ids) == limit else None
    return {"results": results, "next_after": next_after}


def _distinct_ids(ordered_entries, limit: int) -> list[str]:
    """The first `limit` distinct record ids. The sort key is selected too: DISTINCT needs the ordering
    columns, and it is a function of the id, so it adds no rows."""
    rows = ordered_entries.values_list("record_id", "record_sort_key").distinct()[:limit]
    return [record_id for record_id, _sort_key in rows]


def newest_entries(
    *, before: int | None = None, record_types: list[str] | None = None, record_id: str = "", per_page: int = 50
):
    """For the page: newest entries first, one more than a page to know whether an older page exists.

    A record id filter names the record types too, so that the (record_type, record_id) index serves it.
    """
    entries = ReceivedRecord.objects.defer("data").order_by("-id")
    if before:
        entries = entries.filter(id__lt=before)
    if record_types is not None:
        entries = entries.filter(record_type__in=record_types)
    if record_id:
        entries = entries.filter(record_id=record_id)
    rows = list(entries[: per_page + 1])
    return rows[:per_page], (rows[per_page - 1].id if len(rows) > per_page else None)
