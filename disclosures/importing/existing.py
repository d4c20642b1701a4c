"""Which rows of an import match a record that already exists (a draft to update, or a published
record to refuse): keyed by (authority, decision number), withdrawn records left out."""

from __future__ import annotations

from django.db import connection

from core.publication import PublicationStatus

# An authority with up to this many records has all its decision numbers loaded once per job (one
# indexed read), instead of being looked up batch by batch; beyond it, per-batch look-ups keep the
# job's memory bounded.
PRELOAD_LIMIT = 200_000

Key = tuple[int, str]
Found = tuple[int, str]  # (id, status)


class ExistingRecords:
    def __init__(self, model):
        self.model = model
        self.by_authority: dict[int, dict[str, Found] | None] = {}

    def find(self, keys: set[Key]) -> dict[Key, Found]:
        """The existing record (id, status) of each key that has one.

        A record saved by someone else after an authority was loaded is not seen here; the unique
        index (authority, decision number) still refuses it, and the job reports the collision.
        """
        found: dict[Key, Found] = {}
        remaining: set[Key] = set()
        for authority, number in keys:
            if authority not in self.by_authority:
                self.by_authority[authority] = self._preload(authority)
            known = self.by_authority[authority]
            if known is None:
                remaining.add((authority, number))
            elif number in known:
                found[(authority, number)] = known[number]
        if remaining:
            found.update(self._look_up(remaining))
        return found

    def _preload(self, authority: int) -> dict[str, Found] | None:
        rows = list(
            self.model.objects.filter(authority_id=authority)
            .exclude(status=PublicationStatus.WITHDRAWN)
            .values_list("decision_number", "id", "status")[: PRELOAD_LIMIT + 1]
        )
        if len(rows) > PRELOAD_LIMIT:
            return None
        return {number: (pk, status) for number, pk, status in rows}

    def _look_up(self, keys: set[Key]) -> dict[Key, Found]:
        if connection.vendor == "postgresql":
            return self._look_up_postgresql(keys)
        rows = (
            self.model.objects.filter(authority_id__in={k[0] for k in keys}, decision_number__in={k[1] for k in keys})
            .exclude(status=PublicationStatus.WITHDRAWN)
            .values_list("id", "authority_id", "decision_number", "status")
        )
        return {(a, n): (pk, status) for pk, a, n, status in rows if (a, n) in keys}

    def _look_up_postgresql(self, keys: set[Key]) -> dict[Key, Found]:
        # One index probe per (authority, decision number) pair, the pairs sent as two arrays: the
        # ORM's IN lists cost ~20 ms of Python per 2,000 rows. LIMIT 1 keeps the lookup a probe of
        # the partial unique index even when the table's statistics are stale (a table filling up
        # inside this very transaction looks empty and would be scanned whole for every batch); the
        # status is a literal so that the planner can match that index's WHERE status <> withdrawn.
        authorities, numbers = zip(*keys, strict=True)
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT found.id, found.authority_id, found.decision_number, found.status "  # noqa: S608
                f"FROM unnest(%s::bigint[], %s::text[]) AS wanted(authority_id, decision_number) "
                f"CROSS JOIN LATERAL (SELECT id, authority_id, decision_number, status FROM {table} AS record "
                f"WHERE record.authority_id = wanted.authority_id AND record.decision_number = wanted.decision_number "
                f"AND record.status <> '{PublicationStatus.WITHDRAWN.value}' LIMIT 1) AS found",
                [list(authorities), list(numbers)],
            )
            return {(a, n): (pk, status) for pk, a, n, status in cursor.fetchall()}
