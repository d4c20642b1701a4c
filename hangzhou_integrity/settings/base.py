"""Settings shared by every run mode. Values that differ between machines come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "treebeard",
    "core",
    "organizations",
    "disclosures",
    "dishonesty_records",
    "commitments",
    "civil_servants",
    "complaints",
    "sharing",
    "mock_national",
    "portal",
]

MIDDLEWARE = [
    "core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LocaleMiddleware",
    "core.api.middleware.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hangzhou_integrity.urls"
WSGI_APPLICATION = "hangzhou_integrity.wsgi.application"
ASGI_APPLICATION = "hangzhou_integrity.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# --- database ------------------------------------------------------------------------------
# Embedded mode: one SQLite file under var/. WAL + a busy timeout + IMMEDIATE transactions let the
# web process and the Celery worker write at the same time without "database is locked".
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ---------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # File cache so that throttling and lockout counters are shared by every local process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:workspace"
LOGOUT_REDIRECT_URL = "portal:home"

# The reverse proxies in front of gunicorn: addresses or networks ("127.0.0.1,10.0.0.0/8"). Only a request
# that comes from one of them may name the visitor in X-Forwarded-For / X-Real-IP; from anywhere else those
# headers are ignored. core.middleware.client_ip applies this one rule for audit rows, the API throttle
# and the log-in lockout, so nobody chooses the address they are counted or recorded under.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# The former switch TRUST_X_REAL_IP=true still works: it trusts proxies on loopback and private networks.
PRIVATE_NETWORKS = ["127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
if not TRUSTED_PROXIES and env.bool("TRUST_X_REAL_IP", default=False):
    TRUSTED_PROXIES = PRIVATE_NETWORKS

# Lockout after repeated failures (django-axes): per user name and address together, for half an hour,
# so that five wrong passwords lock neither that user out everywhere nor everybody out at that address.
# The address is our client_ip (axes alone would see the proxy). A try while locked out is refused without
# being counted, so it does not restart the cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# --- i18n ----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Files never served publicly (complaint attachments): outside MEDIA_ROOT and STATIC_ROOT, only through
# core.private_files.serve_private.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- security ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; kept default
SESSION_COOKIE_AGE = 8 * 60 * 60
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.api.authentication.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "core.api.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonymousRateThrottle",
        "core.api.throttling.PrincipalRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="120/min"),
        "principal": env("API_CLIENT_RATE", default="1200/min"),
        "exam_eligibility": env("API_EXAM_ELIGIBILITY_RATE", default="60/min"),
    },
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "诚信杭州 API",
    "DESCRIPTION": (
        "Public and partner API of the Hangzhou government-integrity portal. External systems "
        "authenticate with `Authorization: Token <token>` issued per organization "
        "(`manage.py create_api_client`). Lists use cursor pagination. "
        "`?language=en` or `Accept-Language: en` selects English messages."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"IdTypeEnum": "disclosures.choices.IdType"},
}

# --- Celery --------------------------------------------------------------------------------
# Embedded mode uses Celery's filesystem transport (no server); services mode uses Redis.
CELERY_DATA_FOLDER = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
else:
    CELERY_BROKER_URL = "filesystem://"
    # The folder must exist before anything is sent: `manage.py seed_demo` publishes (and schedules
    # the national push) before `make run` has started a worker.
    (CELERY_DATA_FOLDER / "queue").mkdir(parents=True, exist_ok=True)
    (CELERY_DATA_FOLDER / "processed").mkdir(parents=True, exist_ok=True)
    # Exchange bindings: kombu's default is a "control" folder in the working directory.
    (CELERY_DATA_FOLDER / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_FOLDER / "queue"),
        "data_folder_out": str(CELERY_DATA_FOLDER / "queue"),
        "processed_folder": str(CELERY_DATA_FOLDER / "processed"),
        "control_folder": str(CELERY_DATA_FOLDER / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "disclosures-flag-overdue": {"task": "disclosures.tasks.flag_overdue_drafts", "schedule": 60 * 60},
    "disclosures-fail-stalled-imports": {"task": "disclosures.tasks.fail_stalled_imports", "schedule": 10 * 60},
    "civil-servants-fail-stalled-imports": {
        "task": "civil_servants.tasks.fail_stalled_completion_imports",
        "schedule": 10 * 60,
    },
    "civil-servants-recompute-scores": {
        "task": "civil_servants.recompute_integrity_scores",
        "schedule": crontab(hour=2, minute=30),
    },
    "commitments-fail-stalled-imports": {"task": "commitments.tasks.fail_stalled_progress_imports", "schedule": 10 * 60},
    "disclosures-refresh-public-counts": {"task": "disclosures.tasks.refresh_public_counts", "schedule": 10 * 60},
    "dishonesty-escalate-overdue": {
        "task": "dishonesty_records.tasks.escalate_overdue_obligations",
        "schedule": 60 * 60,
    },
    "dishonesty-ready-for-ruling": {"task": "dishonesty_records.tasks.notify_ready_for_ruling", "schedule": 60 * 60},
    "dishonesty-repair-overdue": {"task": "dishonesty_records.tasks.flag_overdue_repair_reviews", "schedule": 60 * 60},
    "commitments-escalate-overdue": {"task": "commitments.tasks.escalate_overdue_pledges", "schedule": 60 * 60},
    "commitments-remind-milestones": {"task": "commitments.tasks.remind_milestones_due", "schedule": 60 * 60},
    "commitments-measure": {"task": "commitments.tasks.measure_pledges", "schedule": 6 * 60 * 60},
    "commitments-escalate-milestones": {"task": "commitments.tasks.escalate_overdue_milestones", "schedule": 60 * 60},
    "complaints-escalate-overdue": {"task": "complaints.escalate_overdue", "schedule": 60 * 60},
    # One sweep over every registered record type (core.publishing): disclosures, dishonesty records …
    "end-publicity": {"task": "core.tasks.end_due_publicity", "schedule": 60 * 60},
    "warn-missing-holiday-calendar": {
        "task": "core.tasks.warn_missing_holiday_calendar",
        "schedule": 24 * 60 * 60,
    },
    "ledger-verify-nightly": {"task": "core.tasks.verify_ledger", "schedule": crontab(hour=2, minute=30)},
    "sharing-push-pending": {"task": "sharing.tasks.push_pending", "schedule": 30},
    # Messages to other systems (core.outbound): retries after back-off, and anything a lost task left.
    "sharing-deliver-outbound": {"task": "sharing.tasks.deliver_outbound", "schedule": 30},
    "sharing-reconcile-nightly": {"task": "sharing.tasks.reconcile", "schedule": crontab(hour=3, minute=15)},
    # Every month once a night (first run after 02:00), else only the months touched since (complaints.statistics).
    "complaints-refresh-statistics": {"task": "complaints.tasks.refresh_statistics", "schedule": 10 * 60},
}
# Tasks that may run again after a worker died mid-way (they are idempotent): acknowledged only when
# done, and given back to the queue if the worker is lost. Redis redelivers an unacknowledged task
# after the visibility timeout, which is longer than any task's hard time limit.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True

# --- email and notifications ---------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@credit.hangzhou.gov.cn")

# --- project -------------------------------------------------------------------------------
ACCESS_SCOPE_RESOLVER = "organizations.access.scope_for"
ADMINISTRATORS_SELECTOR = "organizations.selectors.administrators"
NATIONAL_PLATFORM_URL = env("NATIONAL_PLATFORM_URL", default="http://127.0.0.1:8000/mock-national/")
NATIONAL_PLATFORM_SECRET = env("NATIONAL_PLATFORM_SECRET", default="local-national-secret")
# The 12345 city hotline: complaints it files come back to it as status updates (complaints.hotline),
# POSTed here signed with the secret. Empty URL: the updates wait in the outbox until one is set.
HOTLINE_WEBHOOK_URL = env("HOTLINE_WEBHOOK_URL", default="")
HOTLINE_WEBHOOK_SECRET = env("HOTLINE_WEBHOOK_SECRET", default="local-hotline-secret")
# The key of the ledger's commitment to each record's national (pushed, unmasked) document:
# HMAC-SHA256(key, canonical JSON). Never published: with it, anyone could test guesses of a hidden ID
# number against the public entries. Keep it for good, like SECRET_KEY (a new key fails every
# commitment made with the old one); production refuses to start without a real one.
LEDGER_COMMITMENT_KEY = env("LEDGER_COMMITMENT_KEY", default="insecure-local-ledger-commitment-key")
# Who hears that the ledger does not verify: city-level supervisors and administrators.
LEDGER_ALERT_SELECTOR = "organizations.selectors.ledger_alert_recipients"
# The national push (sharing/): batch size, attempts before an entry is dead-lettered, back-off.
SHARING = {
    "BATCH_SIZE": env.int("SHARING_BATCH_SIZE", default=200),
    # Requests kept in flight by one drain (threads): the national side works on one batch while
    # this side settles the answer to another.
    "CONCURRENCY": env.int("SHARING_CONCURRENCY", default=2),
    "MAX_ATTEMPTS": env.int("SHARING_MAX_ATTEMPTS", default=8),
    "BACKOFF_BASE_SECONDS": env.float("SHARING_BACKOFF_BASE_SECONDS", default=5.0),
    "BACKOFF_CAP_SECONDS": env.float("SHARING_BACKOFF_CAP_SECONDS", default=60 * 60.0),
    "CONNECT_TIMEOUT_SECONDS": 5.0,
    "READ_TIMEOUT_SECONDS": env.float("SHARING_READ_TIMEOUT_SECONDS", default=30.0),
    # A claimed batch that was neither answered nor given back within this time (its worker died)
    # is claimed again; it must outlast one request's timeouts.
    "LEASE_SECONDS": env.int("SHARING_LEASE_SECONDS", default=120),
}
# Failure-of-integrity records (dishonesty_records/): the working days each step allows. Supervisors
# may set other periods for one record when they confirm it; these are the defaults.
DISHONESTY_RECORDS = {
    "OBJECTION_WORKING_DAYS": env.int("DISHONESTY_OBJECTION_WORKING_DAYS", default=5),
    "EXPLANATION_WORKING_DAYS": env.int("DISHONESTY_EXPLANATION_WORKING_DAYS", default=10),
    "RECTIFICATION_WORKING_DAYS": env.int("DISHONESTY_RECTIFICATION_WORKING_DAYS", default=30),
    # The national credit-repair model: review within 10 working days, result to the deciding unit within 3.
    "REPAIR_REVIEW_WORKING_DAYS": 10,
    "REPAIR_RESULT_SHARE_WORKING_DAYS": 3,
    "EVIDENCE_MAX_BYTES": env.int("DISHONESTY_EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024),
    "EVIDENCE_EXTENSIONS": ("pdf", "ofd", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "txt", "zip"),
}
# Credit pledges (commitments/): evidence of progress is published with a public pledge, so only kinds
# a reader can open are kept (no archives), and each file is checked by its content (core.uploads).
COMMITMENTS = {
    "EVIDENCE_MAX_BYTES": env.int("COMMITMENTS_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024),
    "EVIDENCE_EXTENSIONS": ("pdf", "ofd", "jpg", "jpeg", "png", "docx", "xlsx"),
}
# The stand-in for the national platform is served under /mock-national/ for `make run`, tests and
# trials; production turns it off (settings/production.py) and pushes to the real NATIONAL_PLATFORM_URL.
MOCK_NATIONAL_ENABLED = env.bool("MOCK_NATIONAL_ENABLED", default=True)
# The stand-in's fault injection (mock_national/): read on every request, so tests can change it.
MOCK_NATIONAL = {
    "SECRET": NATIONAL_PLATFORM_SECRET,
    "MAX_SKEW_SECONDS": 300,
    "ERROR_RATE": env.float("MOCK_NATIONAL_ERROR_RATE", default=0.0),
    "ERROR_AFTER_APPLY_RATE": env.float("MOCK_NATIONAL_ERROR_AFTER_APPLY_RATE", default=0.0),
    "THROTTLE_RATE": env.float("MOCK_NATIONAL_THROTTLE_RATE", default=0.0),
    "RETRY_AFTER_SECONDS": env.int("MOCK_NATIONAL_RETRY_AFTER_SECONDS", default=1),
    "LATENCY_MS": env.int("MOCK_NATIONAL_LATENCY_MS", default=0),
    "HANG_RATE": env.float("MOCK_NATIONAL_HANG_RATE", default=0.0),
    "HANG_SECONDS": env.float("MOCK_NATIONAL_HANG_SECONDS", default=60.0),
    "REJECT_RATE": env.float("MOCK_NATIONAL_REJECT_RATE", default=0.0),
    "MAX_BATCH": 1000,
}
# Per-client rate limits of public forms and look-ups (core.ratelimit): "requests/period", the period in
# s, m, h or d with an optional multiplier ("5/10m"). A scope named here overrides the rate its view's
# @ratelimit decorator gives; a 429 page says how long to wait.
RATE_LIMITS = {
    "complaint_file": env("RATE_LIMIT_COMPLAINT_FILE", default="5/10m"),
    "captcha": env("RATE_LIMIT_CAPTCHA", default="60/m"),  # captcha pictures and new challenges
}
# core.captcha.answer_for_tests() / solved_for_tests() read the answer of a captcha only when this is True:
# settings/test.py turns it on; never anywhere else.
CAPTCHA_TEST_MODE = False
# Months in which administrators are reminded to load next year's State Council holiday notice.
HOLIDAY_WARNING_MONTHS = (9, 10, 11, 12)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
AXES_VERBOSE = False
