"""The signed batch API: acceptance, authentication, idempotency and the read endpoints."""

import time
import uuid

import pytest

from mock_national import intake
from mock_national.models import Batch, ReceivedRecord

from .helpers import LICENSE, PENALTY, encode, penalty_data, post_records, record, sign, signed_get

pytestmark = pytest.mark.django_db


def test_a_valid_batch_is_accepted_with_a_receipt_per_record_in_request_order(client):
    records = [record(2), record(1), record(3, record_type=LICENSE)]
    response = post_records(client, records)

    assert response.status_code == 200, response.content
    body = response.json()
    uuid.UUID(body["batch_id"])
    assert body["received_at"]
    assert [(r["record_type"], r["record_id"]) for r in body["results"]] == [
        (PENALTY, "2"),
        (PENALTY, "1"),
        (LICENSE, "3"),
    ]
    for result in body["results"]:
        assert result["status"] == "accepted"
        assert result["duplicate"] is False
        assert result["version"] == 1 and result["action"] == "publish"
        uuid.UUID(result["receipt_id"])
    assert ReceivedRecord.objects.filter(accepted=True).count() == 3
    assert "Idempotent-Replayed" not in response.headers


def test_a_wrong_signature_is_refused(client):
    response = post_records(client, [record(1)], secret="not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"]
    assert not ReceivedRecord.objects.exists()


def test_a_missing_signature_is_refused(client):
    body = encode([record(1)])
    response = client.post(
        "/mock-national/api/records/",
        data=body,
        content_type="application/json",
        headers={"Idempotency-Key": "k", "X-Timestamp": str(int(time.time()))},
    )
    assert response.status_code == 401


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_timestamp_more_than_five_minutes_off_is_refused(client, offset):
    response = post_records(client, [record(1)], timestamp=int(time.time()) + offset)

    assert response.status_code == 401
    assert not ReceivedRecord.objects.exists()


def test_a_signature_over_a_different_body_is_refused(client):
    headers = {**sign(encode([record(1)])), "Idempotency-Key": "k"}
    response = client.post(
        "/mock-national/api/records/", data=encode([record(2)]), content_type="application/json", headers=headers
    )
    assert response.status_code == 401


def test_a_missing_idempotency_key_is_a_bad_request(client):
    response = post_records(client, [record(1)], key=None)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"rows": []}',
        b'{"records": []}',
        encode([{"record_id": "1", "version": 1, "action": "publish", "data": {}}]),
        encode([{"record_type": PENALTY, "record_id": 1, "version": 1, "action": "publish", "data": {}}]),
        encode([{"record_type": PENALTY, "record_id": "1", "version": "1", "action": "publish", "data": {}}]),
        encode([{"record_type": PENALTY, "record_id": "1", "version": 1, "data": {}}]),
    ],
    ids=["malformed", "no-records", "empty", "no-type", "numeric-id", "string-version", "no-action"],
)
def test_malformed_batches_are_bad_requests(client, body):
    response = post_records(client, body=body)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not Batch.objects.exists()


def test_an_unknown_action_rejects_only_its_record(client):
    response = post_records(client, [record(1, action="end_publicity"), record(2)])

    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["status"] == "rejected"
    assert [reason["field"] for reason in first["reasons"]] == ["action"]
    assert second["status"] == "accepted"
    assert ReceivedRecord.objects.get(record_id="1").accepted is False


def test_more_records_than_max_batch_is_a_bad_request(client, settings):
    settings.MOCK_NATIONAL = {**settings.MOCK_NATIONAL, "MAX_BATCH": 2}
    response = post_records(client, [record(1), record(2), record(3)])

    assert response.status_code == 400
    assert "2" in response.json()["error"]


def test_a_replayed_key_returns_the_first_answer_and_applies_nothing(client):
    body = encode([record(1), record(2)])
    first = post_records(client, body=body, key="batch-1")
    rows = ReceivedRecord.objects.count(), Batch.objects.count()

    again = post_records(client, body=body, key="batch-1")

    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (ReceivedRecord.objects.count(), Batch.objects.count()) == rows


def test_the_same_key_with_a_different_body_is_unprocessable(client):
    post_records(client, [record(1)], key="batch-1")

    response = post_records(client, [record(2)], key="batch-1")

    assert response.status_code == 422
    assert response.json()["error"]
    assert not ReceivedRecord.objects.filter(record_id="2").exists()


def test_an_accepted_record_sent_again_in_another_batch_keeps_its_receipt(client):
    first = post_records(client, [record(1)]).json()["results"][0]

    again = post_records(client, [record(3), record(1)]).json()["results"]

    assert again[0]["duplicate"] is False
    assert again[1] == {**first, "duplicate": True}
    assert ReceivedRecord.objects.filter(record_id="1").count() == 1


def test_the_same_record_twice_in_one_batch_is_stored_once(client):
    results = post_records(client, [record(1), record(1)]).json()["results"]

    assert results[0]["receipt_id"] == results[1]["receipt_id"]
    assert [r["duplicate"] for r in results] == [False, True]
    assert ReceivedRecord.objects.count() == 1


def test_a_new_version_or_action_of_a_record_is_a_new_entry(client):
    post_records(client, [record(1)])

    results = post_records(client, [record(1, version=2, action="correct"), record(1, version=2, action="withdraw")])

    assert [r["duplicate"] for r in results.json()["results"]] == [False, False]
    assert ReceivedRecord.objects.filter(record_id="1").count() == 3


def test_a_batch_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    post_records(client, [record(i) for i in range(50)])
    records = [record(i) for i in range(200)]

    with django_assert_max_num_queries(8):
        response = post_records(client, records)

    assert response.status_code == 200
    assert sum(r["duplicate"] for r in response.json()["results"]) == 50


def test_a_concurrent_request_with_the_same_key_answers_from_the_stored_batch(client, monkeypatch):
    body = encode([record(1)])
    first = post_records(client, body=body, key="race")
    # The second request looked before the first committed: it finds no stored batch and tries to insert.
    real_lookup = intake._stored_batch
    calls = []

    def first_lookup_misses(key):
        calls.append(key)
        return None if len(calls) == 1 else real_lookup(key)

    monkeypatch.setattr(intake, "_stored_batch", first_lookup_misses)

    again = post_records(client, body=body, key="race")

    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert ReceivedRecord.objects.count() == 1
    assert len(calls) == 2


def test_a_record_accepted_concurrently_by_another_batch_is_answered_as_a_duplicate(client, monkeypatch):
    first = post_records(client, [record(1)]).json()["results"][0]
    # The look-up ran before the other batch committed; the unique constraint catches it on insert.
    real_lookup = intake._accepted_before
    calls = []

    def first_lookup_misses(records):
        calls.append(records)
        return intake.AcceptedBefore({}, {}) if len(calls) == 1 else real_lookup(records)

    monkeypatch.setattr(intake, "_accepted_before", first_lookup_misses)

    response = post_records(client, [record(1), record(2)])

    assert response.status_code == 200
    assert response.json()["results"][0] == {**first, "duplicate": True}
    assert ReceivedRecord.objects.filter(record_id="1").count() == 1
    assert len(calls) == 2


def test_receipts_list_every_entry_of_a_record_oldest_first(client):
    post_records(client, [record(7)])
    post_records(client, [record(7, version=2, action="correct", data={"CF_XDR_MC": ""})])

    response = signed_get(client, "receipts", {"record_type": PENALTY, "record_id": "7"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["version"], r["action"], r["status"]) for r in results] == [
        (1, "publish", "accepted"),
        (2, "correct", "rejected"),
    ]
    assert results[1]["reasons"]
    assert all(r["receipt_id"] and r["received_at"] for r in results)


def test_read_endpoints_need_a_signature(client):
    assert signed_get(client, "counts", secret="wrong").status_code == 401
    assert client.get("/mock-national/api/receipts/", {"record_type": PENALTY, "record_id": "1"}).status_code == 401
    assert signed_get(client, "records", {"record_type": PENALTY}, timestamp=int(time.time()) - 3600).status_code == 401


def test_counts_follow_the_latest_accepted_action_of_each_record(client):
    post_records(client, [record(1), record(2), record(3), record(4, record_type=LICENSE)])
    post_records(client, [record(2, version=2, action="withdraw"), record(3, version=2, action="correct")])
    post_records(client, [record(1, version=2, action="repair"), record(5, data={"CF_XDR_MC": "x"})])

    response = signed_get(client, "counts")

    assert response.status_code == 200
    body = response.json()
    assert body["generated_at"]
    assert body["by_type"][PENALTY] == {
        "accepted": 6,
        "rejected": 1,
        "records": 3,
        "published": 1,
        "withdrawn": 1,
        "repaired": 1,
    }
    assert body["by_type"][LICENSE]["published"] == 1


def test_the_records_listing_pages_by_numeric_record_id_with_the_latest_entry(client):
    post_records(client, [record(i) for i in (10, 9, 100, 2, 11)] + [record("A-1")])
    post_records(client, [record(9, version=2, action="withdraw")])
    post_records(client, [record(3, data={"CF_XDR_MC": ""})])  # rejected: not listed

    def page(**params):
        response = signed_get(client, "records", {"record_type": PENALTY, **params})
        assert response.status_code == 200
        return response.json()

    first = page(limit=3)
    assert [r["record_id"] for r in first["results"]] == ["2", "9", "10"]
    assert first["results"][1]["version"] == 2 and first["results"][1]["action"] == "withdraw"
    assert first["next_after"] == "10"
    second = page(limit=3, after=first["next_after"])
    assert [r["record_id"] for r in second["results"]] == ["11", "100", "A-1"]
    third = page(limit=3, after=second["next_after"])
    assert third == {"results": [], "next_after": None}
    assert page()["next_after"] is None
    receipt = ReceivedRecord.objects.get(record_id="2").receipt_id
    assert first["results"][0]["receipt_id"] == str(receipt)


def test_the_records_listing_needs_a_type_and_a_sane_limit(client):
    assert signed_get(client, "records").status_code == 400
    assert signed_get(client, "records", {"record_type": PENALTY, "limit": "5000"}).status_code == 400


def test_record_ids_that_are_not_canonical_numbers_are_listed_after_the_numbers_by_text(client):
    post_records(client, [record("B-2"), record("007"), record("A-1"), record("5")])

    first = signed_get(client, "records", {"record_type": PENALTY, "limit": 2}).json()
    rest = signed_get(client, "records", {"record_type": PENALTY, "limit": 2, "after": first["next_after"]}).json()

    assert [r["record_id"] for r in first["results"] + rest["results"]] == ["5", "007", "A-1", "B-2"]
    last = signed_get(client, "records", {"record_type": PENALTY, "after": "B-2"}).json()
    assert last == {"results": [], "next_after": None}


def test_a_full_batch_larger_than_djangos_upload_limit_is_received(client, settings):
    long_facts = "当事人销售不合格产品。" * 300
    records = [record(i, data=penalty_data(CF_SY=long_facts)) for i in range(1000)]
    body = encode(records)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = post_records(client, body=body)

    assert response.status_code == 200
    assert ReceivedRecord.objects.filter(accepted=True).count() == 1000
