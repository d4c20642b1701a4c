"""Keyset pagination for pages: `?after=<key>` instead of OFFSET, and no count(*)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass
class KeysetPage:
    items: list
    next_after: str | None
    is_first: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def keyset_page(queryset: QuerySet, request, *, key: str = "id", size: int = 25) -> KeysetPage:
    """Newest first by `key` (a unique, indexed, integer column); model instances or `values()` rows."""
    raw_after = request.GET.get("after", "")
    after = int(raw_after) if raw_after.isdigit() else None
    if after is not None:
        queryset = queryset.filter(**{f"{key}__lt": after})
    rows = list(queryset.order_by(f"-{key}")[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        items=rows,
        next_after=str(rows[-1][key] if isinstance(rows[-1], dict) else getattr(rows[-1], key)) if has_more else None,
        is_first=after is None,
    )
