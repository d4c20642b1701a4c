"""Short Chinese name search: unigrams + bigrams in a GIN-indexed tsvector (PostgreSQL).

pg_trgm needs three characters and most Chinese names and keywords are two to four, so we index
every character and every pair of adjacent characters ourselves. A query of n ≥ 2 characters asks
for all its bigrams (then a LIKE confirms adjacency); one character asks for its unigram.
Built with array_to_tsvector / a quoted tsquery, so no text-search parser or locale is involved.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

_SPACES = re.compile(r"\s+")


def grams(text: str) -> str:
    """'西湖龙井' → '西 湖 龙 井 西湖 湖龙 龙井' (lower-cased, spaces removed, de-duplicated)."""
    compact = _SPACES.sub("", (text or "").lower())
    tokens = list(dict.fromkeys([*compact, *map(str.__add__, compact, compact[1:])]))
    return " ".join(tokens)


def _query_tokens(term: str) -> list[str]:
    compact = _SPACES.sub("", term.lower())
    if len(compact) == 1:
        return [compact]
    return list(dict.fromkeys(compact[i : i + 2] for i in range(len(compact) - 1)))


def _tsquery(tokens: list[str]) -> str:
    return " & ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in tokens)


def name_search_q(term: str, *, grams_column: str, name_field: str, table: str) -> Q:
    """A filter for records whose name contains `term`; index-backed on PostgreSQL."""
    term = term.strip()
    if not term:
        return Q()
    if connection.vendor != "postgresql":
        return Q(**{f"{name_field}__contains": term})
    # Table and column names come from code, never from input; the search term is a bound parameter.
    matches = RawSQL(  # noqa: S611
        f'array_to_tsvector(string_to_array("{table}"."{grams_column}", \' \')) @@ %s::tsquery',
        (_tsquery(_query_tokens(term)),),
        output_field=BooleanField(),
    )
    return Q(matches) & Q(**{f"{name_field}__contains": term})
