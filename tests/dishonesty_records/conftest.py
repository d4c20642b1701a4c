"""What the service-level tests of dishonesty records share: messages in English, a frozen Monday, the cast."""

import pytest
from django.utils import translation

from .factories import MONDAY, Clock, people_for


@pytest.fixture
def in_english():
    """Services' messages are compared in English (pages and API ask for it per request instead)."""
    with translation.override("en"):
        yield


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, MONDAY)


@pytest.fixture
def people(world, clock):
    """Staff and a reviewer of the department, two supervisors over its district; today is MONDAY."""
    return people_for(world.department, world.district)
