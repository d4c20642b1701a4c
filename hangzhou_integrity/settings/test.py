"""pytest: SQLite unless DATABASE_URL names PostgreSQL (CI does), Redis only when REDIS_URL is set."""

import secrets
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL

DEBUG = False
SECRET_KEY = "test-only-secret"  # noqa: S105
LEDGER_COMMITMENT_KEY = "test-only-ledger-commitment-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# core.private_files writes to disk: a folder of its own per test run, never the real var/private.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hi-test-private-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in memory
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    # Counters (rate limits, throttles, captcha burns) outlive a run in Redis, and ids restart with every
    # test database: a prefix of its own per run keeps one run's counts out of the next one's tests.
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"test-{secrets.token_hex(4)}"}}
# Generous limits: throttling itself is tested with its own override.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "principal": "100000/min", "exam_eligibility": "100000/min"},
}
LANGUAGE_CODE = "zh-hans"
# Tests read captcha answers through core.captcha.answer_for_tests(); the picture itself cannot be read.
CAPTCHA_TEST_MODE = True
# Generous limits here too: core.ratelimit is tested with its own override (tests/core/test_ratelimit.py).
RATE_LIMITS = {"complaint_file": "100000/m", "captcha": "100000/m"}
