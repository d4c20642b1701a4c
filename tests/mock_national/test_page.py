"""The stand-in's page for people: newest entries, counts, filter and fault settings."""

import pytest
from django.urls import reverse

from mock_national.models import ReceivedRecord

from .helpers import LICENSE, penalty_data, post_records, record

pytestmark = pytest.mark.django_db


def test_the_page_lists_received_records_counts_and_fault_settings(client, django_assert_max_num_queries):
    post_records(client, [record(4242), record(77, record_type=LICENSE)])
    post_records(client, [record(4343, data=penalty_data(CF_WSH=""))])

    with django_assert_max_num_queries(4):
        response = client.get(reverse("mock_national:home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "4242" in page and "4343" in page
    assert "必填项缺失" in page
    assert "disclosures.license" in page
    assert "ERROR_AFTER_APPLY_RATE" in page
    assert "vendor/bootstrap/bootstrap.min.css" in page


def test_the_page_pages_by_keyset_and_filters_by_record_id(client, django_assert_max_num_queries):
    post_records(client, [record(i) for i in range(1, 56)])

    first = client.get(reverse("mock_national:home")).context
    assert len(first["entries"]) == 50
    assert first["older_query"]
    newest_id = first["entries"][0].id
    oldest_shown = first["entries"][-1].id

    with django_assert_max_num_queries(4):
        second = client.get(reverse("mock_national:home"), {"before": oldest_shown}).context
    assert len(second["entries"]) == 5
    assert all(entry.id < oldest_shown for entry in second["entries"])
    assert not second["older_query"]
    assert newest_id == ReceivedRecord.objects.order_by("-id").first().id

    filtered = client.get(reverse("mock_national:home"), {"record_id": "7"}).context
    assert [entry.record_id for entry in filtered["entries"]] == ["7"]
