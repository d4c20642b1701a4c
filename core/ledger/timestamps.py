"""Timestamps read fast while the ledger is checked (see `fast_timestamps`)."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.db import connections


@contextlib.contextmanager
def fast_timestamps(using: str) -> Iterator[None]:
    """Read timestamptz values with the C ISO parser while the check runs on this connection.

    Django reads every timestamptz through psycopg's pure-Python loader, about 4 µs a value; a check
    of a million entries reads some four million (each entry's time, each record's created, updated
    and published times). `datetime.fromisoformat` parses PostgreSQL's ISO output in half a
    microsecond and gives the same instant; anything else (infinity, other date styles) goes the
    usual way. The connection's own loader is put back afterwards.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    from psycopg.pq import Format

    connection.ensure_connection()
    adapters = connection.connection.adapters
    previous = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    if previous is None or getattr(previous, "timezone", None) != datetime.UTC:
        yield  # not the UTC loader Django registers with USE_TZ: leave it alone
        return
    adapters.register_loader("timestamptz", _iso_loader(previous))
    try:
        yield
    finally:
        adapters.register_loader("timestamptz", previous)


def _iso_loader(django_loader: type) -> type:
    class IsoTimestamptzLoader(django_loader):
        def load(self, data):
            try:
                moment = datetime.datetime.fromisoformat(bytes(data).decode("ascii"))
            except ValueError:
                return super().load(data)
            return moment if moment.utcoffset() is not None else super().load(data)

    return IsoTimestamptzLoader
