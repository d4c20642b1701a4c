"""Services mode behind a TLS-terminating proxy: PostgreSQL, Redis, gunicorn."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LEDGER_COMMITMENT_KEY, SECRET_KEY, TRUSTED_PROXIES, env

DEBUG = False
if SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
if LEDGER_COMMITMENT_KEY.startswith("insecure") or len(LEDGER_COMMITMENT_KEY) < 32:
    raise ImproperlyConfigured(
        "LEDGER_COMMITMENT_KEY must be set in production: at least 32 random characters (openssl rand -hex 32), "
        "kept secret and never changed"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Cookies only over HTTPS; set SECURE_COOKIES=false only for a plain-HTTP trial (docker compose on localhost).
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The proxy in front of gunicorn names the visitor in X-Forwarded-For / X-Real-IP. Without TRUSTED_PROXIES
# (or the former TRUST_X_REAL_IP) only a proxy on this machine is believed.
if not TRUSTED_PROXIES:
    TRUSTED_PROXIES = ["127.0.0.1", "::1"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# No stand-in in production: what it received (unmasked national documents) must not be served.
MOCK_NATIONAL_ENABLED = env.bool("MOCK_NATIONAL_ENABLED", default=False)
