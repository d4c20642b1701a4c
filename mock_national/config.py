"""The stand-in's settings, read on every request so that tests can change them while a server runs."""

from django.conf import settings

DEFAULTS = {
    "SECRET": "local-national-secret",
    "MAX_SKEW_SECONDS": 300,
    "ERROR_RATE": 0.0,
    "ERROR_AFTER_APPLY_RATE": 0.0,
    "THROTTLE_RATE": 0.0,
    "RETRY_AFTER_SECONDS": 1,
    "LATENCY_MS": 0,
    "HANG_RATE": 0.0,
    "HANG_SECONDS": 60.0,
    "REJECT_RATE": 0.0,
    "MAX_BATCH": 1000,
    # Bodies are read past Django's DATA_UPLOAD_MAX_MEMORY_SIZE (a full batch of long records exceeds it).
    "MAX_BODY_BYTES": 64 * 1024 * 1024,
}


def current() -> dict:
    return {**DEFAULTS, **getattr(settings, "MOCK_NATIONAL", {})}
