"""`any_of`: membership in a list of ids, one array parameter on PostgreSQL, IN elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.lookups import ids
from disclosures.models import PenaltyDisclosure
from tests.disclosures.factories import make_penalty

pytestmark = pytest.mark.django_db


def test_any_of_finds_exactly_the_rows_named_and_sends_the_list_as_one_parameter(world):
    first, second, third = (make_penalty(world.department) for _ in range(3))
    with CaptureQueriesContext(connection) as queries:
        found = set(PenaltyDisclosure.objects.filter(id__any_of=ids([first.pk, third.pk])).values_list("id", flat=True))
    assert found == {first.pk, third.pk}
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries.captured_queries[0]["sql"]
    # A foreign key's column takes it too; a plain list works as well.
    authorities = PenaltyDisclosure.objects.filter(authority_id__any_of=[second.authority_id])
    assert second in authorities


def test_any_of_an_empty_list_matches_nothing_without_asking_the_database(world):
    make_penalty(world.department)
    with CaptureQueriesContext(connection) as queries:
        assert list(PenaltyDisclosure.objects.filter(id__any_of=ids([]))) == []
    assert queries.captured_queries == []
