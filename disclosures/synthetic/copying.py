"""Generated rows as COPY text, made in worker processes (the encoder is core.bulk.CopyEncoder)."""

from __future__ import annotations

_worker_state: dict = {}


def _copy_chunk(kind: str, chunk: int, start: int, end: int, total: int, counters: dict) -> bytes:
    """In a worker process (forked after the generator was built): one chunk as COPY text."""
    generator, encoder = _worker_state["generator"], _worker_state["encoders"][kind]
    return encoder.encode(generator.rows(kind, chunk, start, end, total, counters))
