"""Settings for running the stand-in alone (`python -m mock_national --port 8001`), without the portal.

SQLite file under var/ (or MOCK_NATIONAL_DB), the signing secret from NATIONAL_PLATFORM_SECRET and
the fault injection from the same MOCK_NATIONAL_* variables as the portal's settings.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


SECRET_KEY = os.environ.get("SECRET_KEY", "mock-national-standalone-only")
DEBUG = os.environ.get("DEBUG", "").lower() in ("1", "true", "yes")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles", "mock_national"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "mock_national.standalone_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("MOCK_NATIONAL_DB", str(BASE_DIR / "var" / "mock_national.sqlite3")),
        # WAL and IMMEDIATE transactions: runserver's threads write at the same time.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

NATIONAL_PLATFORM_SECRET = os.environ.get("NATIONAL_PLATFORM_SECRET", "local-national-secret")
MOCK_NATIONAL = {
    "SECRET": NATIONAL_PLATFORM_SECRET,
    "MAX_SKEW_SECONDS": 300,
    "ERROR_RATE": _float("MOCK_NATIONAL_ERROR_RATE", 0.0),
    "ERROR_AFTER_APPLY_RATE": _float("MOCK_NATIONAL_ERROR_AFTER_APPLY_RATE", 0.0),
    "THROTTLE_RATE": _float("MOCK_NATIONAL_THROTTLE_RATE", 0.0),
    "RETRY_AFTER_SECONDS": _int("MOCK_NATIONAL_RETRY_AFTER_SECONDS", 1),
    "LATENCY_MS": _int("MOCK_NATIONAL_LATENCY_MS", 0),
    "HANG_RATE": _float("MOCK_NATIONAL_HANG_RATE", 0.0),
    "HANG_SECONDS": _float("MOCK_NATIONAL_HANG_SECONDS", 60.0),
    "REJECT_RATE": _float("MOCK_NATIONAL_REJECT_RATE", 0.0),
    "MAX_BATCH": 1000,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
