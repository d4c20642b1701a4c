"""Who is asking, carried from the request (or a task) down to the services that write audit rows."""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None


_EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def bound(context: RequestContext):
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
