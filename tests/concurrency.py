"""Running one piece of work in several threads at once, as two workers or two beats would."""

import threading

from django.db import connections


def run_at_once(target, count: int = 2) -> list:
    """`target()` in `count` threads released together; each thread closes its own database connections.
    Returns what the calls returned; any exception fails the test."""
    start = threading.Barrier(count)
    results, failures = [], []

    def run():
        try:
            start.wait()
            results.append(target())
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    return results
