"""Requests that overlap in time: the same new Idempotency-Key, or the same records under different keys."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from mock_national import intake
from mock_national.models import Batch, ReceivedRecord

from ..conftest import uses_postgresql
from .helpers import encode, post_records, record

pytestmark = pytest.mark.skipif(not uses_postgresql(), reason="row locks on a unique index need PostgreSQL")


def _send_at_once(monkeypatch, bodies_and_keys: list[tuple[bytes, str]]) -> list:
    real_lookup = intake._accepted_before

    def slow_lookup(records):
        time.sleep(0.3)  # inside the transaction, after the batch row is inserted: the requests overlap
        return real_lookup(records)

    monkeypatch.setattr(intake, "_accepted_before", slow_lookup)
    start = threading.Barrier(len(bodies_and_keys))
    responses = []

    def send(body, key):
        try:
            start.wait()
            responses.append(post_records(Client(), body=body, key=key))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=pair) for pair in bodies_and_keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_the_same_key_apply_once(monkeypatch):
    body = encode([record(i) for i in range(20)])

    responses = _send_at_once(monkeypatch, [(body, "same-key"), (body, "same-key")])

    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].content == responses[1].content
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert Batch.objects.count() == 1
    assert ReceivedRecord.objects.count() == 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_with_the_same_records_store_each_once(monkeypatch):
    body = encode([record(i) for i in range(20)])

    responses = _send_at_once(monkeypatch, [(body, "key-a"), (body, "key-b")])

    assert [r.status_code for r in responses] == [200, 200]
    results = [r.json()["results"] for r in responses]
    assert sorted(all(item["duplicate"] for item in batch) for batch in results) == [False, True]
    assert [item["receipt_id"] for item in results[0]] == [item["receipt_id"] for item in results[1]]
    assert ReceivedRecord.objects.count() == 20
