"""One notion of the visitor's address (core.middleware.client_ip) for audit rows, API throttling and the
log-in lockout: forwarded headers count only when the request comes from one of our proxies."""

import datetime

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.middleware import client_ip
from core.models import AuditEvent
from organizations.choices import Role
from tests.factories import CivilServantFactory, UserFactory, user_with_role

PROXY = "10.0.0.2"
VISITOR, OTHER_VISITOR, OUTSIDER = "198.51.100.7", "198.51.100.8", "203.0.113.5"
THROUGH_PROXY = {"TRUSTED_PROXIES": ["10.0.0.0/24", "::1"]}


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = THROUGH_PROXY["TRUSTED_PROXIES"]


def address(remote, **headers) -> str | None:
    meta = {f"HTTP_{name.upper()}": value for name, value in headers.items()}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **meta))


@pytest.mark.parametrize(
    ("remote", "headers", "expected"),
    [
        # Not from a proxy of ours: the headers are whatever the caller wrote, and ignored.
        (OUTSIDER, {"x_forwarded_for": VISITOR}, OUTSIDER),
        (OUTSIDER, {"x_real_ip": VISITOR}, OUTSIDER),
        # From our proxy: the right-most address that is not ours; what the visitor wrote further left is not.
        (PROXY, {"x_forwarded_for": VISITOR}, VISITOR),
        (PROXY, {"x_forwarded_for": f"6.6.6.6, {VISITOR}"}, VISITOR),
        (PROXY, {"x_forwarded_for": f"6.6.6.6, {VISITOR}, 10.0.0.9"}, VISITOR),
        (PROXY, {"x_forwarded_for": f"{VISITOR}:51234"}, VISITOR),
        (PROXY, {"x_forwarded_for": "[2001:db8::5]:443"}, "2001:db8::5"),
        (PROXY, {"x_forwarded_for": f"<script>, {VISITOR}"}, VISITOR),
        (PROXY, {"x_forwarded_for": "not-an-address"}, PROXY),
        (PROXY, {"x_forwarded_for": "10.0.0.7"}, "10.0.0.7"),  # a machine of ours, asking through the proxy
        (PROXY, {"x_real_ip": VISITOR}, VISITOR),
        (PROXY, {"x_real_ip": "garbage"}, PROXY),
        (PROXY, {}, PROXY),
        ("::1", {"x_forwarded_for": VISITOR}, VISITOR),
        ("::ffff:10.0.0.2", {"x_forwarded_for": VISITOR}, VISITOR),
        ("", {"x_forwarded_for": VISITOR}, None),
    ],
)
def test_client_ip_believes_forwarded_headers_only_from_our_proxies(behind_proxy, remote, headers, expected):
    assert address(remote, **headers) == expected


def test_without_configured_proxies_nobody_is_believed(settings):
    settings.TRUSTED_PROXIES = []
    assert address("127.0.0.1", x_forwarded_for=VISITOR, x_real_ip=VISITOR) == "127.0.0.1"


# --- the API throttle -----------------------------------------------------------------------------------


@pytest.fixture
def low_anonymous_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "100/min"},
    }
    cache.clear()
    yield
    cache.clear()


def statuses(api_client, remote: str, forwarded: list[str]) -> list[int]:
    url = reverse("api:ledger-head")
    return [api_client.get(url, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff).status_code for xff in forwarded]


@pytest.mark.django_db
def test_a_changing_x_forwarded_for_does_not_escape_the_anonymous_throttle(api_client, low_anonymous_rate):
    codes = statuses(api_client, OUTSIDER, [f"192.0.2.{n % 250}, 198.18.{n // 250}.{n % 250}" for n in range(130)])
    assert codes[:100] == [200] * 100
    assert codes[100:] == [429] * 30


@pytest.mark.django_db
def test_behind_our_proxy_each_forwarded_address_has_its_own_bucket(api_client, low_anonymous_rate, behind_proxy):
    assert statuses(api_client, PROXY, [VISITOR] * 101)[-1] == 429
    assert statuses(api_client, PROXY, [OTHER_VISITOR]) == [200]  # the proxy's other visitors are not held back
    # A visitor who writes another address in front of the proxy's entry is still counted as themself.
    assert statuses(api_client, PROXY, [f"{OTHER_VISITOR}, {VISITOR}"]) == [429]


# --- the log-in lockout ---------------------------------------------------------------------------------


class AxesClock:
    """A hand-moved "now" for axes, which took django.utils.timezone.now by name at import."""

    def __init__(self, monkeypatch):
        self.moment = timezone.now()
        for target in ("axes.handlers.proxy.now", "axes.attempts.now", "django.utils.timezone.now"):
            monkeypatch.setattr(target, lambda: self.moment)

    def advance(self, minutes: int) -> None:
        self.moment += datetime.timedelta(minutes=minutes)


def log_in(client, username: str, password: str, *, through: str) -> int:
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=through,
    )
    return response.status_code


def fail_until_locked(client, settings, username: str, *, through: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, username, "wrong-password", through=through)
    assert log_in(client, username, "correct-horse-battery", through=through) in (403, 429)


@pytest.mark.django_db
def test_the_lockout_holds_one_user_at_one_address_only(client, settings, behind_proxy):
    UserFactory(username="alice")
    UserFactory(username="bob")
    fail_until_locked(client, settings, "alice", through=VISITOR)
    assert log_in(client, "alice", "correct-horse-battery", through=OTHER_VISITOR) == 302  # alice elsewhere
    assert log_in(client, "bob", "correct-horse-battery", through=VISITOR) == 302  # bob at the same address
    assert log_in(client, "alice", "correct-horse-battery", through=VISITOR) in (403, 429)


@pytest.mark.django_db
def test_trying_while_locked_out_does_not_restart_the_cool_off(client, settings, monkeypatch, behind_proxy):
    clock = AxesClock(monkeypatch)
    UserFactory(username="alice")
    fail_until_locked(client, settings, "alice", through=VISITOR)
    cool_off = int(settings.AXES_COOLOFF_TIME * 60)
    clock.advance(cool_off - 10)
    assert log_in(client, "alice", "wrong-again", through=VISITOR) in (403, 429)
    clock.advance(9)
    assert log_in(client, "alice", "correct-horse-battery", through=VISITOR) in (403, 429)  # not over yet
    clock.advance(2)  # the cool-off counted from the last failure before the lockout is over
    assert log_in(client, "alice", "correct-horse-battery", through=VISITOR) == 302


# --- audit rows -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remote", "forwarded", "recorded"),
    [(PROXY, f"6.6.6.6, {VISITOR}", VISITOR), (OUTSIDER, VISITOR, OUTSIDER)],
)
def test_audit_rows_record_the_visitor_by_the_same_rule(client, world, behind_proxy, remote, forwarded, recorded):
    officer = user_with_role(Role.PERSONNEL_OFFICER, world.district)
    person = CivilServantFactory(organization=world.department)
    client.force_login(officer)
    response = client.post(
        reverse("organizations:civil_servant_detail", args=[person.pk]),
        {"reason": "年度核查"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="civil_servant.reveal_resident_id").ip_address == recorded
