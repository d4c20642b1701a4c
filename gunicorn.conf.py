"""gunicorn's settings for every way the portal is served (gunicorn reads ./gunicorn.conf.py by default:
the Docker image, docker-compose and the benchmarks all start it from the project root).

Command-line options (bind, workers, timeout) still win over this file."""

import gc


def post_worker_init(worker):
    """Once the application is loaded in a worker, move everything it built (modules, URL patterns,
    templates, translations: ≈ 140,000 objects) out of the garbage collector's sight.

    They live as long as the worker, yet every full collection walked them all: ≈ 80 ms, in which the
    worker answers nobody, every few thousand requests — a tail-latency spike for whoever is queued behind
    it. Frozen, a full collection walks only what requests left behind (≈ 10 ms). The thresholds stay
    Python's: larger young generations were measured to make each collection far slower, not rarer."""
    gc.collect()
    gc.freeze()
