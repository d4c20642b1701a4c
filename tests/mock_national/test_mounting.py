"""The stand-in is served for development, tests and trials, never by production settings."""

import importlib
import sys

import pytest
from django.urls import clear_url_caches, resolve
from django.urls.exceptions import Resolver404

import hangzhou_integrity.urls


@pytest.fixture
def reload_urls():
    yield lambda: importlib.reload(hangzhou_integrity.urls) and clear_url_caches()
    importlib.reload(hangzhou_integrity.urls)
    clear_url_caches()


def test_the_stand_in_is_mounted_only_when_enabled(settings, reload_urls):
    settings.MOCK_NATIONAL_ENABLED = False
    reload_urls()
    with pytest.raises(Resolver404):
        resolve("/mock-national/", urlconf=hangzhou_integrity.urls)
    settings.MOCK_NATIONAL_ENABLED = True
    reload_urls()
    assert resolve("/mock-national/", urlconf=hangzhou_integrity.urls).namespace == "mock_national"


def test_production_settings_turn_the_stand_in_off(monkeypatch):
    import environ

    monkeypatch.setenv("SECRET_KEY", "a-production-secret-for-this-test")
    monkeypatch.setenv("LEDGER_COMMITMENT_KEY", "a-production-ledger-commitment-key-for-this-test")
    monkeypatch.delenv("MOCK_NATIONAL_ENABLED", raising=False)
    monkeypatch.setattr(environ.Env, "read_env", staticmethod(lambda *args, **kwargs: None))
    import hangzhou_integrity.settings.base as base

    importlib.reload(base)  # with this environment
    sys.modules.pop("hangzhou_integrity.settings.production", None)
    try:
        production = importlib.import_module("hangzhou_integrity.settings.production")
        assert production.MOCK_NATIONAL_ENABLED is False
        assert base.MOCK_NATIONAL_ENABLED is True  # development, tests and trials keep it
    finally:
        sys.modules.pop("hangzhou_integrity.settings.production", None)
        monkeypatch.undo()
        importlib.reload(base)
