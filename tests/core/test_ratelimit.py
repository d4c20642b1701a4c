"""core.ratelimit: a per-client limit on public forms, answered with 429 in the visitor's language."""

import ipaddress
import logging
import math
import secrets

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.utils import translation

from core import ratelimit
from core.ratelimit import client_digest, hit, parse_rate, wait_message

pytestmark = pytest.mark.urls("tests.core.urls_protection")

WINDOW_START = 1_800_000_000  # a multiple of 600: a 10-minute window opens here
NOW = WINDOW_START + 30  # so 570 seconds (10 minutes, rounded up) remain


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """A fixed clock, so that no test straddles two windows."""
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW)


def new_ip() -> str:
    """An address no earlier run used: the counters live in the shared cache (Redis in CI) and the clock
    above is the same in every run."""
    # In the form client_ip gives it back (2001:db8:…::f3c, not ::0f3c), so its digest is the logged one.
    raw = f"2001:db8:{secrets.token_hex(2)}:{secrets.token_hex(2)}::{secrets.token_hex(2)}"
    return str(ipaddress.ip_address(raw))


def post_times(client, ip, times, path="/test/flood/", **extra):
    return [client.post(path, REMOTE_ADDR=ip, **extra) for _ in range(times)]


def test_the_sixth_post_from_one_address_is_refused_with_429_and_retry_after(client):
    responses = post_times(client, new_ip(), 6)
    assert [r.status_code for r in responses] == [200] * 5 + [429]
    refused = responses[-1]
    assert refused["Retry-After"] == "570"
    assert "no-store" in refused["Cache-Control"]
    assert refused["Content-Type"].startswith("text/html")


def test_the_message_says_how_long_to_wait_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = post_times(client, new_ip(), 6)[-1]
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many requests from your address. Please wait 10 minutes and try again." in page
    assert '<html lang="en">' in page


def test_the_message_is_in_chinese_by_default(client):
    refused = post_times(client, new_ip(), 6)[-1]
    page = refused.content.decode()
    with translation.override("zh-hans"):
        expected = wait_message(570)
    assert expected in page
    assert '<html lang="zh-hans">' in page


def test_another_address_is_still_allowed(client):
    post_times(client, new_ip(), 6)
    assert client.post("/test/flood/", REMOTE_ADDR=new_ip()).status_code == 200


def test_get_is_not_limited(client):
    ip = new_ip()
    assert {client.get("/test/flood/", REMOTE_ADDR=ip).status_code for _ in range(10)} == {200}
    assert client.post("/test/flood/", REMOTE_ADDR=ip).status_code == 200  # GETs did not count


def test_a_new_window_lets_the_address_in_again(client, monkeypatch):
    ip = new_ip()
    assert post_times(client, ip, 6)[-1].status_code == 429
    monkeypatch.setattr(ratelimit, "_now", lambda: WINDOW_START + 600)
    assert client.post("/test/flood/", REMOTE_ADDR=ip).status_code == 200


def test_the_refusal_is_logged_without_the_address(client, caplog):
    ip = new_ip()
    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        post_times(client, ip, 5)
        assert not caplog.records
        post_times(client, ip, 1)
    [record] = caplog.records  # and no "Too Many Requests" line per request from django.request
    assert record.levelno == logging.WARNING
    text = record.getMessage()
    assert "scope=test_flood" in text
    assert client_digest(ip) in text
    assert ip not in text
    assert ip.split("::")[0] not in text


def test_a_flood_logs_a_few_lines_not_one_per_request(client, caplog):
    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        post_times(client, new_ip(), 5 + 20)
    # refusals 1, 2, 4, 8 and 16 of the window
    assert [r.getMessage().split("count=")[1].split()[0] for r in caplog.records] == ["6", "7", "9", "13", "21"]


def test_an_api_path_gets_json(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = post_times(client, new_ip(), 6, path="/api/test/flood/")[-1]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "570"
    assert refused.json() == {"detail": "Too many requests from your address. Please wait 10 minutes and try again."}


def test_an_api_path_speaks_accept_language(client):
    refused = post_times(client, new_ip(), 6, path="/api/test/flood/", HTTP_ACCEPT_LANGUAGE="en")[-1]
    assert refused.json()["detail"].startswith("Too many requests")


def test_accept_json_gets_json_on_a_page_path(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = post_times(client, new_ip(), 6, HTTP_ACCEPT="application/json")[-1]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    with translation.override("en"):
        assert refused.json()["detail"] == wait_message(570)


def test_settings_override_the_rate_of_a_scope(client, settings):
    settings.RATE_LIMITS = {"test_flood": "2/m"}
    responses = post_times(client, new_ip(), 3)
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[-1]["Retry-After"] == str(60 - NOW % 60)


# --- the pieces --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("5/10m", (5, 600)),
        ("5/m", (5, 60)),
        ("100/h", (100, 3600)),
        ("3/30s", (3, 30)),
        ("1000/d", (1000, 86400)),
        ("120/min", (120, 60)),
        ("10/2hour", (10, 7200)),
        (" 7 / 5M ", (7, 300)),
    ],
)
def test_parse_rate(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["", "5", "5/", "five/m", "5/10", "5/10w", "0/m", "5/0m", "-1/m"])
def test_a_wrong_rate_is_a_configuration_error(rate):
    with pytest.raises(ImproperlyConfigured):
        parse_rate(rate)


def test_a_wrong_default_fails_when_the_view_is_decorated():
    with pytest.raises(ImproperlyConfigured):
        ratelimit.ratelimit("x", rate="often")


def test_hit_counts_per_scope_and_key_in_fixed_windows(monkeypatch):
    key = new_ip()
    results = [hit("test_hit", key, limit=2, period=60) for _ in range(3)]
    assert [(r.allowed, r.count) for r in results] == [(True, 1), (True, 2), (False, 3)]
    assert results[0].retry_after == math.ceil(60 - NOW % 60)
    assert hit("test_hit_other", key, limit=2, period=60).count == 1
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW + 60)
    assert hit("test_hit", key, limit=2, period=60) == ratelimit.Limited(allowed=True, retry_after=30, count=1)


def test_the_cache_never_holds_the_address(monkeypatch):
    keys = []
    real_add = ratelimit.cache.add
    monkeypatch.setattr(ratelimit.cache, "add", lambda key, *a, **k: keys.append(key) or real_add(key, *a, **k))
    ip = new_ip()
    hit("test_cache_key", ip, limit=1, period=60)
    assert keys
    assert all(ip not in key and client_digest(ip) in key for key in keys)


def test_wait_message_rounds_up_to_minutes_and_counts_seconds():
    with translation.override("en"):
        assert wait_message(1) == "Too many requests from your address. Please wait 1 second and try again."
        assert wait_message(59) == "Too many requests from your address. Please wait 59 seconds and try again."
        assert wait_message(60) == "Too many requests from your address. Please wait 1 minute and try again."
        assert wait_message(61) == "Too many requests from your address. Please wait 2 minutes and try again."


def test_client_ip_is_the_projects_one_rule(settings):
    factory = RequestFactory()
    forwarded = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.TRUSTED_PROXIES = []
    assert ratelimit.client_ip(forwarded) == "10.0.0.2"  # not from a proxy of ours: the header is ignored
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert ratelimit.client_ip(forwarded) == "198.51.100.7"  # the right-most address that is not ours
    assert ratelimit.client_ip(factory.get("/", REMOTE_ADDR="")) == "unknown"
