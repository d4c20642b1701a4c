"""COPY text encoding of generated rows, for PostgreSQL bulk loads."""

from __future__ import annotations

import functools
import json
from operator import itemgetter

# --- loading ------------------------------------------------------------------------------------


# --- COPY text -----------------------------------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _copy_str(value) -> str:
    return _NULL if value is None else str(value).translate(_COPY_ESCAPES)


def _copy_iso(value) -> str:
    return _NULL if value is None else value.isoformat()


def _copy_bool(value) -> str:
    return _NULL if value is None else ("t" if value else "f")


def _copy_decimal(value) -> str:
    return _NULL if value is None else format(value, "f")


@functools.lru_cache(maxsize=4096)
def _copy_json_cached(value: tuple) -> str:
    return json.dumps(list(value), ensure_ascii=False).translate(_COPY_ESCAPES)


def _copy_json(value) -> str:
    if isinstance(value, list) and all(type(v) is str for v in value):
        return _copy_json_cached(tuple(value))
    return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)


_CONVERTERS = {
    "DateField": _copy_iso,
    "DateTimeField": _copy_iso,
    "BooleanField": _copy_bool,
    "DecimalField": _copy_decimal,
    "JSONField": _copy_json,
}


class CopyEncoder:
    """Row dicts → PostgreSQL COPY text, converting only the columns that are not plain text.

    Text columns (NOT NULL char/text) pass through as they are when no value holds a tab, newline,
    carriage return or backslash — true of everything generated here, and checked row by row; a row
    that fails the check is escaped value by value.
    """

    def __init__(self, fields):
        self.attnames = [f.attname for f in fields]
        self.values = itemgetter(*self.attnames)
        text = [i for i, f in enumerate(fields) if f.get_internal_type() in ("CharField", "TextField") and not f.null]
        self.text = text
        self.text_values = itemgetter(*(self.attnames[i] for i in text))
        self.converters = [
            (i, _CONVERTERS.get(f.get_internal_type(), _copy_str)) for i, f in enumerate(fields) if i not in text
        ]

    def encode(self, rows) -> bytes:
        lines = []
        values, text_values, converters = self.values, self.text_values, self.converters
        for row in rows:
            out = list(values(row))
            for i, convert in converters:
                out[i] = convert(out[i])
            probe = "".join(text_values(row))
            if "\\" in probe or "\t" in probe or "\n" in probe or "\r" in probe:
                for i in self.text:
                    out[i] = out[i].translate(_COPY_ESCAPES)
            lines.append("\t".join(out))
        lines.append("")
        return "\n".join(lines).encode()


_worker_state: dict = {}


def _copy_chunk(kind: str, chunk: int, start: int, end: int, total: int, counters: dict) -> bytes:
    """In a worker process (forked after the generator was built): one chunk as COPY text."""
    generator, encoder = _worker_state["generator"], _worker_state["encoders"][kind]
    return encoder.encode(generator.rows(kind, chunk, start, end, total, counters))
