"""Liveness of the parts a request or a task depends on."""

from __future__ import annotations

import time

from django.db import connections


def check_database() -> tuple[bool, str]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, type(exc).__name__
    return True, connections["default"].vendor


def check_broker(timeout: float = 2.0) -> tuple[bool, str]:
    # The project's app is the current one (the project package sets it up at import); core names no
    # project module.
    from celery import current_app as app

    started = time.monotonic()
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
            transport = connection.transport_cls
    except Exception as exc:
        return False, type(exc).__name__
    return True, f"{transport} {1000 * (time.monotonic() - started):.0f}ms"
