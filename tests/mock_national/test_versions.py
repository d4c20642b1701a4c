"""Version order: the platform keeps a record's latest version and refuses an older one after it."""

import pytest

from mock_national.models import ReceivedRecord

from .helpers import PENALTY, penalty_data, post_records, record, signed_get

pytestmark = pytest.mark.django_db


def _results(client, records):
    response = post_records(client, records)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _listed(client, record_id: str) -> dict:
    rows = signed_get(client, "records", {"record_type": PENALTY}).json()["results"]
    return next(row for row in rows if row["record_id"] == record_id)


def test_an_older_version_after_a_newer_one_is_refused_as_stale(client):
    (newer,) = _results(client, [record(7, version=2, action="correct", data=penalty_data(CF_NR_FK="0.5"))])
    assert newer["status"] == "accepted"

    (older,) = _results(client, [record(7, version=1)])

    assert (older["status"], older["code"]) == ("rejected", "stale_version")
    assert [reason["field"] for reason in older["reasons"]] == ["version"]
    assert "v2" in older["reasons"][0]["message"]
    assert "receipt_id" not in older
    assert (_listed(client, "7")["version"], _listed(client, "7")["action"]) == (2, "correct")
    stored = ReceivedRecord.objects.get(record_id="7", version=1)
    assert (stored.accepted, stored.refusal_code) == (False, "stale_version")


def test_within_one_batch_a_version_after_a_newer_one_is_stale_and_the_rest_is_accepted(client):
    results = _results(client, [record(8, version=3, action="correct"), record(8, version=2), record(9)])

    assert [(r["status"], r.get("code")) for r in results] == [
        ("accepted", None),
        ("rejected", "stale_version"),
        ("accepted", None),
    ]


def test_a_retried_version_that_was_accepted_before_the_newer_one_keeps_its_receipt(client):
    (first,) = _results(client, [record(10)])
    _results(client, [record(10, version=2, action="correct")])

    (again,) = _results(client, [record(10)])

    assert again == {**first, "duplicate": True}


def test_a_later_action_of_the_same_version_and_a_newer_version_are_accepted(client):
    _results(client, [record(11, version=2, action="correct")])

    results = _results(client, [record(11, version=2, action="withdraw"), record(11, version=3, action="correct")])

    assert [r["status"] for r in results] == ["accepted", "accepted"]


def test_a_refused_newer_version_does_not_make_older_ones_stale(client):
    (refused,) = _results(client, [record(12, version=2, action="correct", data=penalty_data(CF_WSH=""))])
    assert refused["code"] == "invalid_record"

    (older,) = _results(client, [record(12, version=1)])

    assert older["status"] == "accepted"


def test_receipts_carry_the_refusal_code(client):
    _results(client, [record(13, version=2, action="correct")])
    _results(client, [record(13, version=1)])

    receipts = signed_get(client, "receipts", {"record_type": PENALTY, "record_id": "13"}).json()["results"]

    assert [(r["version"], r["status"], r["code"]) for r in receipts] == [
        (2, "accepted", ""),
        (1, "rejected", "stale_version"),
    ]
