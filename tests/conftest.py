import os

import pytest
from django.conf import settings


def pytest_report_header(config):
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return f"database: {database}, broker: {broker}, forbid skips: {bool(os.environ.get('FORBID_SKIPS'))}"


def pytest_sessionfinish(session, exitstatus):
    """In CI (FORBID_SKIPS=1) a skipped test is a failure: every service is there."""
    if not os.environ.get("FORBID_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"FORBID_SKIPS: {len(skipped)} test(s) were skipped; CI requires every service.", red=True)
        session.exitstatus = 1


def uses_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def uses_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith("redis")


@pytest.fixture
def world(db):
    from .permissions import build_world

    return build_world()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
