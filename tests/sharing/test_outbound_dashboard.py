"""The dashboard's "Other destinations" section: counts per destination, dead letters and their replay,
bounded queries, and the notice a dead letter sends its supervisors."""

from datetime import timedelta
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from core import outbound
from core.models import AuditEvent, Notification
from sharing.choices import OutboxStatus
from sharing.models import OutboundMessage
from sharing.services import outbound_deliver
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix, request_as

pytestmark = pytest.mark.django_db

DESTINATION = "hotline_12345"  # registered by the complaints app
_serial = count(1)


def _message(owner, status=OutboxStatus.PENDING, *, destination=DESTINATION, **fields) -> OutboundMessage:
    n = next(_serial)
    return OutboundMessage.objects.create(
        destination=destination,
        idempotency_key=f"test-{n}",
        ordering_key=f"complaint:{n}",
        payload={"event": "accepted", "n": n},
        owner=owner,
        scope_path=owner.path,
        status=status,
        next_attempt_at=timezone.now(),
        **fields,
    )


def _dead(owner, **fields) -> OutboundMessage:
    return _message(owner, OutboxStatus.FAILED, attempts=8, last_error="HTTP 503 unavailable", **fields)


@pytest.fixture
def other_destination():
    outbound.register_destination("test_other", url_setting="TEST_OTHER_URL", secret_setting="TEST_OTHER_SECRET")
    yield "test_other"
    outbound._destinations.pop("test_other", None)


def _row(response, destination):
    return next(row for row in response.context["outbound"] if row.destination == destination)


def test_the_section_counts_each_destination_in_the_viewers_scope(client, world, other_destination):
    for _ in range(3):
        _message(world.department)
    _message(world.department, OutboxStatus.IN_FLIGHT)
    for _ in range(2):
        _message(world.department, OutboxStatus.DELIVERED, delivered_at=timezone.now())
    dead = _dead(world.department)
    _message(world.department, destination=other_destination)
    _message(world.other_department)  # another district's: not the supervisor's
    old = _message(world.department)
    OutboundMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=3))

    response = request_as(client, world.user(SUPERVISOR), "get", reverse("sharing:dashboard") + "?language=en")
    assert response.status_code == 200
    hotline = _row(response, DESTINATION)
    assert (hotline.pending, hotline.delivered, hotline.dead) == (5, 2, 1)
    assert timedelta(hours=2, minutes=59) < hotline.oldest_pending_age < timedelta(hours=3, minutes=1)
    other = _row(response, other_destination)
    assert (other.pending, other.delivered, other.dead) == (1, 0, 0)
    assert [m.pk for m in response.context["dead_letters"]] == [dead.pk]
    html = response.content.decode()
    assert "Other destinations" in html
    assert f'data-message="{dead.pk}"' in html and "HTTP 503 unavailable" in html
    assert reverse("sharing:outbound_replay", args=[dead.pk]) in html

    # The other district's department sees its own message only, and may not replay.
    response = request_as(client, world.user(OTHER_ORG), "get", reverse("sharing:dashboard"))
    hotline = _row(response, DESTINATION)
    assert (hotline.pending, hotline.delivered, hotline.dead) == (1, 0, 0)
    assert response.context["dead_letters"] == []
    response = request_as(client, world.user(OWN_ORG), "get", reverse("sharing:dashboard"))
    assert [m.pk for m in response.context["dead_letters"]] == [dead.pk]
    assert reverse("sharing:outbound_replay", args=[dead.pk]) not in response.content.decode()


def test_a_destination_with_nothing_queued_is_listed_with_zeros(client, world):
    response = request_as(client, world.user(SUPERVISOR), "get", reverse("sharing:dashboard"))
    hotline = _row(response, DESTINATION)
    assert (hotline.pending, hotline.delivered, hotline.dead, hotline.oldest_pending_age) == (0, 0, 0, None)


def test_only_a_supervisor_replays_a_dead_letter_and_the_replay_is_audited(client, world):
    dead = _dead(world.department)
    url = reverse("sharing:outbound_replay", args=[dead.pk])
    assert_matrix(client, world, url, {ANONYMOUS: 302, OTHER_ORG: 403, OWN_ORG: 403}, method="post")
    dead.refresh_from_db()
    assert dead.status == OutboxStatus.FAILED
    response = request_as(client, world.user(SUPERVISOR), "post", url)
    assert response.status_code == 302 and response.url == reverse("sharing:dashboard")
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.last_error) == (OutboxStatus.PENDING, 0, "")
    event = AuditEvent.objects.get(action="sharing.outbound.replay")
    assert event.scope_path == world.department.path and event.actor == world.user(SUPERVISOR)


def test_a_dead_letter_outside_the_supervisors_scope_or_unknown_is_404(client, world):
    elsewhere = _dead(world.other_department)
    supervisor = world.user(SUPERVISOR)
    url = reverse("sharing:outbound_replay", args=[elsewhere.pk])
    assert request_as(client, supervisor, "post", url).status_code == 404
    missing = reverse("sharing:outbound_replay", args=[elsewhere.pk + 999])
    assert request_as(client, supervisor, "post", missing).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == OutboxStatus.FAILED
    assert request_as(client, supervisor, "get", url).status_code == 405


def test_replaying_a_message_that_is_not_dead_says_so(client, world):
    pending = _message(world.department)
    client.force_login(world.user(SUPERVISOR))
    url = reverse("sharing:outbound_replay", args=[pending.pk]) + "?language=en"
    response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Only failed entries can be sent again."]
    pending.refresh_from_db()
    assert pending.status == OutboxStatus.PENDING


def test_the_dashboard_query_count_does_not_grow_with_messages(client, world, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            status = (OutboxStatus.PENDING, OutboxStatus.DELIVERED, OutboxStatus.FAILED)[i % 3]
            _message(world.department, status, attempts=8 if status == OutboxStatus.FAILED else 0)

    add(3)
    client.force_login(world.user(SUPERVISOR))
    url = reverse("sharing:dashboard")
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert _row(response, DESTINATION).dead == 10
    assert len(response.context["dead_letters"]) == 10


def test_a_message_that_dies_tells_the_supervisors_once(world, settings):
    settings.HOTLINE_WEBHOOK_URL = "http://127.0.0.1:9/hook"  # nobody listens there
    settings.SHARING = {**settings.SHARING, "MAX_ATTEMPTS": 2, "BACKOFF_BASE_SECONDS": 0, "BACKOFF_CAP_SECONDS": 0}
    message = _message(world.department)
    _message(world.other_department, OutboxStatus.DELIVERED)

    outbound_deliver(budget_seconds=10)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 2
    notices = Notification.objects.filter(kind="sharing.outbound_failed")
    assert [n.recipient for n in notices] == [world.user(SUPERVISOR)]  # not the other district's, not staff
    assert DESTINATION in notices[0].subject

    # Nothing more is due: another drain tells nobody again.
    outbound_deliver(budget_seconds=5)
    assert notices.count() == 1
