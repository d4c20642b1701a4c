"""The 12345 hotline: it files by work order (once), reads nothing, and is sent every status change of its
complaints — signed, retried while its receiver fails, delivered once each, in order — over real HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from complaints import services
from complaints.choices import Channel
from complaints.hotline import DESTINATION
from complaints.models import Complaint
from sharing.choices import OutboxStatus
from sharing.client import close_session
from sharing.models import OutboundMessage
from sharing.services import outbound_deliver
from tests.factories import make_organization

from .factories import cast_for, file_complaint
from .test_api import LIST, as_json, token_for, url

pytestmark = pytest.mark.django_db

SECRET = "hotline-test-secret"
REPLY = "经核查，窗口已整改，实行一次性告知。"


class Receiver:
    """The hotline's webhook: answers 503 to the first `failures` posts, then 200; keeps every post."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.posts: list[dict] = []  # every request, answered or not
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    failing = receiver.failures > 0
                    receiver.failures -= 1 if failing else 0
                    receiver.posts.append(
                        {"headers": dict(self.headers), "body": body, "answered": 503 if failing else 200}
                    )
                self.send_response(503 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def delivered(self) -> list[dict]:
        return [json.loads(post["body"]) for post in self.posts if post["answered"] == 200]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    made = []

    def start(failures: int = 0) -> Receiver:
        server = Receiver(failures)
        made.append(server)
        settings.HOTLINE_WEBHOOK_URL = server.url
        return server

    settings.HOTLINE_WEBHOOK_SECRET = SECRET
    settings.SHARING = {**settings.SHARING, "BACKOFF_BASE_SECONDS": 0.0, "BACKOFF_CAP_SECONDS": 0.0}
    yield start
    close_session()
    for server in made:
        server.stop()


@pytest.fixture
def hotline_token(world):
    hotline = make_organization(parent=world.city, name="12345政务服务便民热线")
    return token_for(hotline, "hotline", name="12345热线")


def hotline_complaint(world, reference="12345-20261203-0001") -> Complaint:
    return file_complaint(world.department, channel=Channel.HOTLINE, external_reference=reference).complaint


def signed_correctly(post) -> bool:
    headers = post["headers"]
    expected = hmac.new(
        SECRET.encode(), headers["X-Timestamp"].encode() + b"." + post["body"], hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(headers["X-Signature"], f"sha256={expected}")


# --- filing ----------------------------------------------------------------------------------------


def test_the_hotline_files_a_work_order_once(api_client, world, hotline_token):
    api_client.credentials(HTTP_AUTHORIZATION=hotline_token)
    data = as_json(world.department, external_reference="12345-20261203-0042")
    first = api_client.post(LIST, data, format="json")
    assert first.status_code == 201, first.content
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.HOTLINE and complaint.external_reference == "12345-20261203-0042"
    again = api_client.post(LIST, {**data, "title": "同一工单再次推送"}, format="json")
    assert again.status_code == 200
    from tests.api_schema import validate_response

    validate_response(again.json(), LIST, "post", 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert "secret" not in again.json()
    assert Complaint.objects.count() == 1
    missing = api_client.post(f"{LIST}?language=en", {**data, "external_reference": ""}, format="json")
    assert missing.status_code == 400
    assert missing.json()["external_reference"] == ["Give the hotline's work-order number."]


def test_the_hotline_reads_no_complaint(api_client, world, hotline_token):
    others = file_complaint(world.department).complaint
    api_client.credentials(HTTP_AUTHORIZATION=hotline_token)
    filed = api_client.post(LIST, as_json(world.other_department, external_reference="W-1"), format="json")
    assert filed.status_code == 201
    assert api_client.get(LIST).json()["results"] == []
    assert api_client.get(url(others)).status_code == 404
    own = Complaint.objects.get(tracking_code=filed.json()["tracking_code"])
    assert api_client.get(url(own)).status_code == 404
    assert api_client.post(url(others, "reply"), {"text": REPLY}, format="json").status_code == 404


# --- status updates --------------------------------------------------------------------------------


def test_status_changes_are_retried_delivered_once_each_in_order_and_signed(world, receiver):
    cast = cast_for(world)
    complaint = hotline_complaint(world)
    services.complaint_accept(complaint=complaint, handling_organization=world.department, actor=cast["intake"])
    services.complaint_reply(complaint=complaint, text=REPLY, actor=cast["handler"])
    queued = list(OutboundMessage.objects.order_by("id"))
    assert [m.payload["event"] for m in queued] == ["accepted", "replied"]
    assert all(m.destination == DESTINATION and m.status == OutboxStatus.PENDING for m in queued)

    server = receiver(failures=3)
    report = outbound_deliver(budget_seconds=30)
    assert report.delivered == 2 and report.retried == 3

    # Three refusals of the first update before it got through; the second was held back until then.
    keys = [post["headers"]["Idempotency-Key"] for post in server.posts]
    assert keys == [queued[0].idempotency_key] * 4 + [queued[1].idempotency_key]
    delivered = server.delivered()
    assert [update["event"] for update in delivered] == ["accepted", "replied"]
    assert [update["status"] for update in delivered] == ["accepted", "replied"]
    assert delivered[1]["text"] == REPLY
    assert {update["work_order"] for update in delivered} == {"12345-20261203-0001"}
    assert {update["tracking_code"] for update in delivered} == {complaint.tracking_code}
    assert all(signed_correctly(post) for post in server.posts)
    assert all(
        "张三" not in post["body"].decode() and "13800000000" not in post["body"].decode() for post in server.posts
    )

    first, second = (OutboundMessage.objects.get(pk=m.pk) for m in queued)
    assert first.status == second.status == OutboxStatus.DELIVERED
    assert first.attempts == 4 and first.tries.count() == 4
    assert [t.http_status for t in first.tries.all()] == [503, 503, 503, 200]
    # Nothing more to send: a drain again sends nothing twice.
    assert outbound_deliver(budget_seconds=5).delivered == 0
    assert len(server.posts) == 5


def test_nothing_is_lost_while_the_receiver_is_down(world, receiver, settings):
    cast = cast_for(world)
    complaint = hotline_complaint(world)
    services.complaint_decline(
        complaint=complaint, reason="litigation", explanation="该事项已进入行政复议程序。", actor=cast["intake"]
    )
    settings.HOTLINE_WEBHOOK_URL = "http://127.0.0.1:9/hook"  # nobody listens there
    settings.SHARING = {**settings.SHARING, "MAX_ATTEMPTS": 2}
    outbound_deliver(budget_seconds=10)
    message = OutboundMessage.objects.get()
    assert message.status == OutboxStatus.FAILED and message.attempts == 2  # a dead letter, kept
    from sharing.services import outbound_replay

    assert outbound_replay(messages=[message], actor=cast["city_supervisor"]) == 1
    server = receiver()
    assert outbound_deliver(budget_seconds=10).delivered == 1
    assert [update["event"] for update in server.delivered()] == ["declined"]


def test_an_unconfigured_hotline_keeps_its_updates_waiting(world, settings):
    settings.HOTLINE_WEBHOOK_URL = ""
    cast = cast_for(world)
    complaint = hotline_complaint(world)
    services.complaint_accept(complaint=complaint, handling_organization=world.department, actor=cast["intake"])
    assert outbound_deliver(budget_seconds=5).delivered == 0
    assert OutboundMessage.objects.get().status == OutboxStatus.PENDING


def test_only_the_hotlines_own_complaints_are_reported(world):
    cast = cast_for(world)
    web = file_complaint(world.department).complaint
    services.complaint_accept(complaint=web, handling_organization=world.department, actor=cast["intake"])
    assert not OutboundMessage.objects.exists()
    hotline = hotline_complaint(world)
    services.complaint_note(complaint=hotline, text="内部备注", actor=cast["intake"])
    assert not OutboundMessage.objects.exists()  # an internal step is no status change
