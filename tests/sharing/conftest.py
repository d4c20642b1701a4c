"""The national push against the real stand-in, over real HTTP (pytest-django's live server)."""

import pytest

from sharing.client import NationalPlatform, close_session


@pytest.fixture
def national(live_server, settings):
    """The stand-in served by the live server, fault-free, with a pusher that does not wait long."""
    settings.NATIONAL_PLATFORM_URL = f"{live_server.url}/mock-national/"
    settings.SHARING = {
        **settings.SHARING,
        "BACKOFF_BASE_SECONDS": 0.05,
        "BACKOFF_CAP_SECONDS": 0.2,
        "READ_TIMEOUT_SECONDS": 5.0,
    }
    settings.MOCK_NATIONAL = {**settings.MOCK_NATIONAL, "RETRY_AFTER_SECONDS": 1}
    yield NationalPlatform()
    close_session()  # a kept-alive connection would keep a live-server thread, and its database session, open


def faults(settings, **changes):
    """Change the stand-in's fault injection for the rest of the test (it reads settings per request)."""
    settings.MOCK_NATIONAL = {**settings.MOCK_NATIONAL, **changes}
