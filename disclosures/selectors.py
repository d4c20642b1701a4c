"""Public reads of double publicity (双公示), shared by the public pages, the REST API and the tasks.

Everything here is built for tables of millions of rows: filters map onto existing indexes (the
partial index on published ids, the subject-grams GIN index, the penalty-kinds GIN index, the
authority and decision-date b-trees), and nothing counts the table per request — the home page
counts are computed by a beat task and read from the cache.
"""

from __future__ import annotations

import datetime
import re

from django.core.cache import cache
from django.db import connection, connections
from django.db.models import BigIntegerField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from core.identifiers import normalize_uscc
from core.search import name_search_q
from organizations.models import Organization

from .models import LicenseDisclosure, PenaltyDisclosure

# A search term of 18 letters and digits with at least one digit is a credit code, not a name.
_CODE_LIKE = re.compile(r"^(?=.*\d)[0-9A-Z]{18}$")
MAX_SEARCH_WORDS = 5
# A name search samples this many of the newest records (by id) to tell a common word from a rare
# one: a common word has at least NAME_COMMON_IN_WINDOW matches among them.
NAME_SAMPLE_WINDOW = 20_000
NAME_COMMON_IN_WINDOW = 30
PUBLIC_COUNTS_TIMEOUT = 10 * 60
# The last figures, shown while one request recounts after today's entry expired.
PUBLIC_COUNTS_LAST_TIMEOUT = 2 * 24 * 60 * 60
PUBLIC_COUNTS_LOCK_TIMEOUT = 60
_PUBLIC_COUNTS_KEY = "disclosures:public-counts:{day}"
_PUBLIC_COUNTS_LAST_KEY = "disclosures:public-counts:last"
_PUBLIC_COUNTS_LOCK_KEY = "disclosures:public-counts:counting"


def public_penalties() -> QuerySet[PenaltyDisclosure]:
    return PenaltyDisclosure.objects.public().select_related("authority")


def public_licenses() -> QuerySet[LicenseDisclosure]:
    return LicenseDisclosure.objects.public().select_related("authority")


def looks_like_credit_code(term: str) -> bool:
    return bool(_CODE_LIKE.match(normalize_uscc(term)))


def filter_disclosures(
    queryset: QuerySet,
    *,
    model,
    q: str | None = None,
    subject_uscc: str | None = None,
    authority=None,
    penalty_kind: str | None = None,
    decided_after: datetime.date | None = None,
    decided_before: datetime.date | None = None,
) -> QuerySet:
    """Narrow a disclosure queryset; every argument is optional and already validated by the caller.

    `q` is one search box: a code-like term matches the subject's credit code exactly, anything else
    searches the subject name word by word (1–4 Chinese characters are index-backed on PostgreSQL).
    `authority` is an Organization or its id and matches the deciding authority exactly;
    `penalty_kind` applies to penalties only. A date range and a name search each run one small
    query here, at call time, to choose how the page query reads (see `decision_date_id_bounds` and
    `filter_by_subject_name`).
    """
    # Dates first: their id range also confines the sample a name search takes (see below).
    if decided_after or decided_before:
        bounds = decision_date_id_bounds(model, decided_after, decided_before, using=queryset.db)
        if bounds is None:
            return queryset.none()
        # Implied by the dates; tells the id index where the range lies.
        queryset = queryset.filter(id__range=bounds)
        if decided_after:
            queryset = queryset.filter(decided_on__gte=decided_after)
        if decided_before:
            queryset = queryset.filter(decided_on__lte=decided_before)
    term = (q or "").strip()
    if term:
        if looks_like_credit_code(term):
            queryset = queryset.filter(subject_uscc=normalize_uscc(term))
        else:
            # Each word must occur in the name, in any order ("西湖 龙井", "Hangzhou Tea").
            queryset = filter_by_subject_name(queryset, model=model, words=term.split()[:MAX_SEARCH_WORDS])
    if subject_uscc:
        queryset = queryset.filter(subject_uscc=normalize_uscc(subject_uscc))
    if authority:
        queryset = queryset.filter(authority=authority)
    if penalty_kind:
        queryset = queryset.filter(_penalty_kind_q(penalty_kind))
    return queryset


def filter_by_subject_name(queryset: QuerySet, *, model, words: list[str]) -> QuerySet:
    """Records whose subject name contains every word; fast for rare and for common words alike.

    A page is the newest matches by id. For a rare word the quick way is the subject-grams GIN
    index and a sort of its few matches; for a common one ("超市", "文化传媒": tens of thousands of
    names) it is walking the id index and testing names until the page is full. PostgreSQL cannot
    tell which is which: it multiplies the selectivities of the bigrams and of the LIKE that
    confirms them, expects about one row for any word, and then fetches and sorts every match (up
    to 2 s for a common word over 2M records). So we look first: if the newest NAME_SAMPLE_WINDOW
    records already hold NAME_COMMON_IN_WINDOW matches, the word is common and the page tests the
    name with STRPOS, which no index serves and the planner does not take for rare, so it walks
    the id index; otherwise the GIN index finds the few matches.
    """
    contains = [_name_contains(word, using=queryset.db) for word in words]
    newest_id = queryset.order_by("-id").values("id")[:1]
    window_start = ExpressionWrapper(Subquery(newest_id) - NAME_SAMPLE_WINDOW, output_field=BigIntegerField())
    sample = queryset.filter(*contains, id__gt=window_start).order_by("-id").values_list("id", flat=True)
    if len(sample[:NAME_COMMON_IN_WINDOW]) >= NAME_COMMON_IN_WINDOW:
        return queryset.filter(*contains)
    table = model._meta.db_table
    for word in words:
        queryset = queryset.filter(
            name_search_q(word, grams_column="subject_grams", name_field="subject_name", table=table)
        )
    return queryset


def _name_contains(word: str, *, using: str):
    if connections[using].vendor == "postgresql":
        # The same test as LIKE '%word%' (case-sensitive), opaque to the planner's pattern estimates.
        return GreaterThan(StrIndex("subject_name", Value(word)), 0)
    return Q(subject_name__contains=word)  # SQLite: exactly what core.search does there


def decision_date_id_bounds(
    model, decided_after: datetime.date | None, decided_before: datetime.date | None, *, using: str = "default"
) -> tuple[int, int] | None:
    """The smallest and largest id of the records decided in the range (any status), or None.

    Lists are newest-id-first keyset pages, and ids follow decision dates closely (records are
    entered days after the decision). Asked for an old date range, PostgreSQL walks the id index
    from the newest record and filters each row: ~1 s over 2M rows. With these bounds it starts and
    stops where the range lies. They come from the (decided_on, id) index, two probes per distinct
    decision date in the range (a loose index scan): a few milliseconds even for years.
    """
    database = connections[using]
    table = database.ops.quote_name(model._meta.db_table)
    # Scalar subqueries rather than a parenthesised SELECT … LIMIT, which SQLite rejects in a UNION.
    sql = f"""
        WITH RECURSIVE decision_day(decided_on) AS (
            SELECT (SELECT decided_on FROM {table}
                    WHERE decided_on >= %s AND decided_on <= %s ORDER BY decided_on LIMIT 1)
            UNION ALL
            SELECT (SELECT r.decided_on FROM {table} r
                    WHERE r.decided_on > previous.decided_on AND r.decided_on <= %s ORDER BY r.decided_on LIMIT 1)
            FROM decision_day previous WHERE previous.decided_on IS NOT NULL
        )
        SELECT min((SELECT r.id FROM {table} r WHERE r.decided_on = day.decided_on ORDER BY r.id LIMIT 1)),
               max((SELECT r.id FROM {table} r WHERE r.decided_on = day.decided_on ORDER BY r.id DESC LIMIT 1))
        FROM decision_day day WHERE day.decided_on IS NOT NULL
    """  # noqa: S608 - the table name comes from the model; the dates are bound parameters
    low = decided_after or datetime.date.min
    high = decided_before or datetime.date.max
    with database.cursor() as cursor:
        cursor.execute(sql, [low, high, high])
        smallest, largest = cursor.fetchone()
    return None if smallest is None else (smallest, largest)


def _penalty_kind_q(kind: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(penalty_kinds__contains=[kind])  # jsonb @>, served by the penalty_kinds_gin index
    # SQLite has no JSON containment: match the quoted value inside the stored JSON array.
    return Q(penalty_kinds__icontains=f'"{kind}"')


def newest_publications(queryset: QuerySet, limit: int) -> list:
    """The most recently published records (by publication time, not by entry order)."""
    return list(queryset.order_by("-published_at", "-id")[:limit])


def newest_publications_of_each(querysets: dict[str, QuerySet], limit: int) -> dict[str, list[dict]]:
    """`newest_publications` of several `values()` querysets with the same columns, in one round trip
    where the database can order and limit each part of a UNION ALL (PostgreSQL), one query each elsewhere.
    """
    if not connection.features.supports_slicing_ordering_in_compound or len(querysets) < 2:
        return {name: newest_publications(queryset, limit) for name, queryset in querysets.items()}
    parts = [
        queryset.annotate(_part=Value(name)).order_by("-published_at", "-id")[:limit]
        for name, queryset in querysets.items()
    ]
    newest: dict[str, list[dict]] = {name: [] for name in querysets}
    for row in parts[0].union(*parts[1:], all=True):
        newest[row.pop("_part")].append(row)
    for rows in newest.values():  # the order within each part is not promised by the union
        rows.sort(key=lambda row: (row["published_at"], row["id"]), reverse=True)
    return newest


# --- home page counts -------------------------------------------------------------------------------


def public_counts() -> dict[str, int]:
    """Counts for the home page, from the cache (the beat task refreshes them every ten minutes).

    When today's entry is missing (expired just before the beat ran, or a new day), one request
    counts while the others keep showing the last figures, so a busy page never counts in a herd.
    """
    counts = cache.get(_public_counts_key())
    if counts is not None:
        return counts
    last = cache.get(_PUBLIC_COUNTS_LAST_KEY)
    if last is not None and not cache.add(_PUBLIC_COUNTS_LOCK_KEY, True, PUBLIC_COUNTS_LOCK_TIMEOUT):
        return last
    return refresh_public_counts()


def refresh_public_counts() -> dict[str, int]:
    """Count once and cache for everyone (called by the `refresh_public_counts` beat task)."""
    counts = compute_public_counts()
    cache.set(_public_counts_key(), counts, PUBLIC_COUNTS_TIMEOUT)
    cache.set(_PUBLIC_COUNTS_LAST_KEY, counts, PUBLIC_COUNTS_LAST_TIMEOUT)
    cache.delete(_PUBLIC_COUNTS_LOCK_KEY)
    return counts


def compute_public_counts() -> dict[str, int]:
    penalties = PenaltyDisclosure.objects.public()
    licenses = LicenseDisclosure.objects.public()
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    # One index probe per organization (authority, status, id) instead of a DISTINCT over millions of rows.
    deciding = Organization.objects.filter(
        Exists(penalties.filter(authority=OuterRef("pk"))) | Exists(licenses.filter(authority=OuterRef("pk")))
    )
    return {
        "penalties": penalties.count(),
        "licenses": licenses.count(),
        "published_this_month": penalties.filter(published_at__gte=month_start).count()
        + licenses.filter(published_at__gte=month_start).count(),
        "deciding_organizations": deciding.count(),
    }


def _public_counts_key() -> str:
    return _PUBLIC_COUNTS_KEY.format(day=timezone.localdate().isoformat())
