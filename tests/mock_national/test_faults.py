"""Injected faults: hangs, latency, throttling, errors before and after applying, simulated rejections."""

import time

import pytest

from mock_national.models import Batch, ReceivedRecord

from .helpers import configure, encode, post_records, record

pytestmark = pytest.mark.django_db


def test_error_rate_answers_500_or_503_and_stores_nothing(client, settings):
    configure(settings, ERROR_RATE=1.0)

    statuses = {post_records(client, [record(1)]).status_code for _ in range(20)}

    assert statuses <= {500, 503} and statuses
    assert not Batch.objects.exists() and not ReceivedRecord.objects.exists()


def test_throttling_answers_429_with_retry_after_and_stores_nothing(client, settings):
    configure(settings, THROTTLE_RATE=1.0, RETRY_AFTER_SECONDS=7)

    response = post_records(client, [record(1)])

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert not ReceivedRecord.objects.exists()


def test_a_lost_answer_keeps_the_records_and_a_retry_applies_nothing_twice(client, settings):
    body = encode([record(1), record(2)])
    configure(settings, ERROR_AFTER_APPLY_RATE=1.0)

    lost = post_records(client, body=body, key="lost-1")

    assert lost.status_code == 503
    assert ReceivedRecord.objects.filter(accepted=True).count() == 2
    receipts = dict(ReceivedRecord.objects.values_list("record_id", "receipt_id"))

    configure(settings, ERROR_AFTER_APPLY_RATE=0.0)
    retry = post_records(client, body=body, key="lost-1")

    assert retry.status_code == 200
    assert "Idempotent-Replayed" not in retry.headers
    results = retry.json()["results"]
    assert [(r["status"], r["duplicate"]) for r in results] == [("accepted", True), ("accepted", True)]
    assert {r["record_id"]: r["receipt_id"] for r in results} == {k: str(v) for k, v in receipts.items()}
    assert ReceivedRecord.objects.count() == 2
    # From now on the key is answered from the stored answer.
    assert post_records(client, body=body, key="lost-1").headers["Idempotent-Replayed"] == "true"


def test_a_lost_answer_retried_under_a_new_key_with_other_batching_applies_nothing_twice(client, settings):
    configure(settings, ERROR_AFTER_APPLY_RATE=1.0)
    post_records(client, [record(1), record(2)])
    configure(settings, ERROR_AFTER_APPLY_RATE=0.0)

    results = post_records(client, [record(2), record(3)]).json()["results"]

    assert [r["duplicate"] for r in results] == [True, False]
    assert ReceivedRecord.objects.count() == 3


def test_reject_rate_one_rejects_every_record_with_the_same_answer_on_retry(client, settings):
    configure(settings, REJECT_RATE=1.0)

    for _ in range(2):
        result = post_records(client, [record(1)]).json()["results"][0]
        assert result["status"] == "rejected"
        assert result["reasons"] == [{"field": "", "message": "模拟拒收（REJECT_RATE）"}]
    assert not ReceivedRecord.objects.filter(accepted=True).exists()


def test_reject_rate_is_deterministic_per_record(client, settings):
    configure(settings, REJECT_RATE=0.5)
    records = [record(i) for i in range(40)]

    first = [r["status"] for r in post_records(client, records).json()["results"]]
    configure(settings, REJECT_RATE=0.5)
    again = [
        r["status"] if r["status"] == "rejected" else "accepted"
        for r in post_records(client, records).json()["results"]
    ]

    assert first == again
    assert 5 < first.count("rejected") < 35


def test_latency_delays_the_answer(client, settings):
    configure(settings, LATENCY_MS=150)

    started = time.monotonic()
    response = post_records(client, [record(1)])

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.15


def test_a_hang_delays_then_answers_normally(client, settings):
    configure(settings, HANG_RATE=1.0, HANG_SECONDS=0.2)

    started = time.monotonic()
    response = post_records(client, [record(1)])

    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "accepted"


def test_faults_come_after_authentication(client, settings):
    configure(settings, ERROR_RATE=1.0, THROTTLE_RATE=1.0)

    assert post_records(client, [record(1)], secret="wrong").status_code == 401
    assert post_records(client, [record(1)], key=None).status_code == 400
