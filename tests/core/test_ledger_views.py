"""/ledger/ and /api/v1/ledger/…: anyone can read the head, replicate the chain and check one record."""

import hashlib

import pytest
from django.db import connection
from django.urls import reverse

from core.ledger import canonical_json
from core.models import LedgerEntry, LedgerHead
from disclosures import services
from tests.disclosures.factories import clerk_and_reviewer, make_natural_person_penalty, make_penalty
from tests.permissions import OWN_ORG

pytestmark = pytest.mark.django_db

LEDGER = reverse("core:ledger")


@pytest.fixture
def public_penalty(world):
    return make_natural_person_penalty(world.department)


@pytest.fixture
def withdrawn_penalty(world):
    _clerk, reviewer = clerk_and_reviewer(world.department)
    return services.disclosure_withdraw(record=make_penalty(world.department), reason="决定已被撤销", actor=reviewer)


def lookup(client, record):
    return client.get(LEDGER, {"record_type": record.record_type, "record_id": record.pk, "language": "en"})


# --- the page -----------------------------------------------------------------------------------


def test_the_page_shows_the_head_and_the_recipe(client, public_penalty):
    head = LedgerHead.objects.get()
    response = client.get(LEDGER, {"language": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="ledger-head-seq">{head.seq}<' in page and head.hash in page
    assert 'json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")' in page
    assert "64 zeros" in page and "ISO 8601 with microseconds" in page
    assert "Penalty disclosure" in page and "Licence disclosure" in page  # the registry's record types
    assert 'id="ledger-verdict"' not in page  # nothing asked yet: no errors either
    assert "is-invalid" not in page


def test_a_public_record_matches_and_its_canonical_document_is_shown(
    client, public_penalty, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = lookup(client, public_penalty)
    page = response.content.decode()
    entry = LedgerEntry.objects.get()
    assert response.status_code == 200
    assert f"The record as published now matches entry #{entry.seq}." in page
    assert entry.hash in page and entry.document_hash in page and entry.prev_hash in page
    check = response.context["check"]
    assert check.canonical.encode() == canonical_json(check.document)
    assert hashlib.sha256(check.canonical.encode()).hexdigest() == entry.document_hash
    assert public_penalty.subject_id_number not in page  # the public document is masked
    assert public_penalty.subject_name in page


def test_a_changed_record_gets_a_mismatch_verdict(client, public_penalty):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE disclosures_penaltydisclosure SET subject_name = 'x' WHERE id = %s", [public_penalty.pk])
    page = lookup(client, public_penalty).content.decode()
    assert "The record does not match the ledger." in page
    assert "Entry #1: public document differs from the record" in page
    assert "Entry #1: national (pushed) document differs from the record" in page


def test_a_withdrawn_record_shows_its_entries_but_not_its_content(client, withdrawn_penalty):
    response = lookup(client, withdrawn_penalty)
    page = response.content.decode()
    assert "The record as published now matches entry #2." in page
    assert [e.seq for e in response.context["check"].entries] == [1, 2]
    assert 'id="ledger-document"' not in page and withdrawn_penalty.subject_name not in page
    assert "is not public now" in page


def test_staff_who_may_see_a_withdrawn_record_see_its_document(client, world, withdrawn_penalty):
    client.force_login(world.user(OWN_ORG))
    page = lookup(client, withdrawn_penalty).content.decode()
    assert 'id="ledger-document"' in page and withdrawn_penalty.subject_name in page


def test_a_record_without_entries_says_so_without_telling_whether_it_exists(client, world):
    draft = make_penalty(world.department, published=False)
    for record_id in (draft.pk, 999_999):
        response = client.get(LEDGER, {"record_type": draft.record_type, "record_id": record_id, "language": "en"})
        assert response.status_code == 200
        assert "The ledger has no entries for this record" in response.content.decode()


@pytest.mark.parametrize(
    "query,field",
    [
        ({"record_type": "nope.nothing", "record_id": "1"}, "record_type"),
        ({"record_type": "disclosures.penalty", "record_id": "abc"}, "record_id"),
        ({"record_type": "disclosures.penalty", "record_id": "-3"}, "record_id"),
        ({"record_type": "disclosures.penalty", "record_id": str(2**64)}, "record_id"),
        ({"record_type": "disclosures.penalty"}, "record_id"),
    ],
)
def test_bad_input_gets_a_field_error(client, query, field):
    response = client.get(LEDGER, query)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}-error"' in response.content.decode()
    assert response.context["check"] is None


# --- the API ------------------------------------------------------------------------------------


def test_the_api_gives_the_head(api_client, public_penalty):
    head = LedgerHead.objects.get()
    body = api_client.get(reverse("api:ledger-head")).json()
    assert (body["seq"], body["hash"]) == (1, head.hash) and body["updated_at"]


def test_the_api_pages_through_the_entries_by_keyset(api_client, world, django_assert_max_num_queries):
    for _ in range(5):
        make_penalty(world.department)
    url = reverse("api:ledger-entries")
    with django_assert_max_num_queries(1):
        first = api_client.get(url, {"limit": 2}).json()
    assert [e["seq"] for e in first["entries"]] == [1, 2] and first["next_after"] == 2
    assert first["entries"][1]["prev_hash"] == first["entries"][0]["hash"]
    assert first["entries"][0]["occurred_at"].endswith("+00:00")
    last = api_client.get(url, {"after": 4, "limit": 2}).json()
    assert [e["seq"] for e in last["entries"]] == [5] and last["next_after"] is None
    everything = api_client.get(url).json()
    assert len(everything["entries"]) == 5 and everything["next_after"] is None


@pytest.mark.parametrize("query", [{"limit": 1001}, {"limit": 0}, {"after": "x"}, {"after": -1}, {"after": 2**64}])
def test_the_api_refuses_bad_paging(api_client, query):
    response = api_client.get(reverse("api:ledger-entries"), query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_the_api_checks_a_public_record(api_client, public_penalty, django_assert_max_num_queries):
    url = reverse("api:ledger-record", args=[public_penalty.record_type, public_penalty.pk])
    with django_assert_max_num_queries(5):
        body = api_client.get(url).json()
    entry = LedgerEntry.objects.get()
    assert body["verdict"] == "match" and body["latest_seq"] == entry.seq and body["problems"] == []
    assert body["entries"][0]["hash"] == entry.hash and body["entries"][0]["hash_ok"] and body["entries"][0]["link_ok"]
    assert hashlib.sha256(body["canonical"].encode()).hexdigest() == entry.document_hash == body["current_hash"]
    assert body["document"]["CF_XDR_MC"] == public_penalty.subject_name
    assert public_penalty.subject_id_number not in body["canonical"]


def test_the_api_hides_a_withdrawn_records_content(api_client, withdrawn_penalty):
    body = api_client.get(
        reverse("api:ledger-record", args=[withdrawn_penalty.record_type, withdrawn_penalty.pk])
    ).json()
    assert body["verdict"] == "match" and [e["action"] for e in body["entries"]] == ["publish", "withdraw"]
    assert body["document"] is None and body["canonical"] is None and body["current_hash"] is None


def test_the_api_answers_404_for_unknown_records(api_client, world):
    draft = make_penalty(world.department, published=False)
    for args in (
        ["disclosures.penalty", draft.pk],
        ["disclosures.penalty", 999_999],
        ["nope.nothing", 1],
        ["disclosures.penalty", 2**64],
    ):
        assert api_client.get(reverse("api:ledger-record", args=args)).status_code == 404
    assert api_client.get("/api/v1/ledger/records/disclosures.penalty/abc/").status_code == 404


def test_the_api_reports_a_tampered_entry(api_client, public_penalty):
    from tests.core.test_ledger import tamper

    tamper("UPDATE core_ledgerentry SET document_hash = %s WHERE seq = 1", ["e" * 64])
    body = api_client.get(reverse("api:ledger-record", args=[public_penalty.record_type, public_penalty.pk])).json()
    assert body["verdict"] == "mismatch" and body["entries"][0]["hash_ok"] is False
    assert len(body["problems"]) == 2  # the entry's own hash, and the record no longer matching it


def test_anonymous_ledger_requests_are_throttled_like_other_anonymous_endpoints(api_client, monkeypatch):
    from django.core.cache import cache

    from core.api.throttling import AnonymousRateThrottle

    cache.clear()
    monkeypatch.setattr(AnonymousRateThrottle, "rate", "2/min", raising=False)
    try:
        codes = [api_client.get(reverse("api:ledger-head")).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    finally:
        cache.clear()


def test_the_admin_shows_the_ledger_read_only(client, public_penalty):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    entry = LedgerEntry.objects.get()
    assert client.get(reverse("admin:core_ledgerentry_changelist")).status_code == 200
    page = client.get(reverse("admin:core_ledgerentry_change", args=[entry.pk]))
    assert page.status_code == 200 and entry.hash in page.content.decode()
    assert client.post(reverse("admin:core_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:core_ledgercheck_changelist")).status_code == 200
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_a_record_that_vanished_is_reported_not_hidden(api_client, client, public_penalty):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM disclosures_penaltydisclosure WHERE id = %s", [public_penalty.pk])
    url = reverse("api:ledger-record", args=[public_penalty.record_type, public_penalty.pk])
    body = api_client.get(url).json()
    assert body["verdict"] == "record_missing" and body["document"] is None and len(body["entries"]) == 1
    page = lookup(client, public_penalty).content.decode()
    assert "the record itself is missing" in page


# --- the national commitment in public ---------------------------------------------------------------


def test_the_public_entries_carry_the_commitment_but_neither_the_key_nor_a_plain_hash_of_the_national_document(
    api_client, client, public_penalty, settings
):
    import hmac

    from core.publishing import publishable

    national = canonical_json(publishable(public_penalty.record_type).national_document(public_penalty))
    assert public_penalty.subject_id_number.encode() in national
    entry = LedgerEntry.objects.get()
    assert (
        entry.national_commitment == hmac.new(settings.LEDGER_COMMITMENT_KEY.encode(), national, "sha256").hexdigest()
    )
    plain = hashlib.sha256(national).hexdigest()

    entries = api_client.get(reverse("api:ledger-entries")).json()["entries"]
    assert entries[0]["national_commitment"] == entry.national_commitment  # anyone can recompute the entry hash
    record_url = reverse("api:ledger-record", args=[public_penalty.record_type, public_penalty.pk])
    record_check = api_client.get(record_url).json()
    assert record_check["verdict"] == "match"
    assert record_check["entries"][0]["national_commitment"] == entry.national_commitment
    page = lookup(client, public_penalty).content.decode()
    assert entry.national_commitment in page
    for published in (str(entries), str(record_check), page):
        assert plain not in published
        assert settings.LEDGER_COMMITMENT_KEY not in published
        assert public_penalty.subject_id_number not in published


def test_the_page_says_who_can_recompute_what(client, public_penalty):
    page = client.get(LEDGER, {"language": "en"}).content.decode()
    recipe = page[page.index('id="recipe-heading"') :]
    assert "under a key that only the portal holds" in recipe
    assert '"national_commitment"' in recipe and 'body["national_commitment"] = e.national_commitment' in recipe
    assert "Entries appended before national commitments were introduced have none (null)" in recipe


def test_a_record_with_edited_hidden_id_digits_is_named_on_the_check_page(api_client, client, public_penalty):
    hidden = public_penalty.subject_id_number[6:14]
    edited = public_penalty.subject_id_number.replace(hidden, "19790101" if hidden != "19790101" else "19800101", 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE disclosures_penaltydisclosure SET subject_id_number = %s WHERE id = %s", [edited, public_penalty.pk]
        )
    page = lookup(client, public_penalty).content.decode()
    assert "The record does not match the ledger." in page
    assert "Entry #1: national (pushed) document differs from the record" in page
    assert "public document differs" not in page
    body = api_client.get(reverse("api:ledger-record", args=[public_penalty.record_type, public_penalty.pk])).json()
    assert body["verdict"] == "mismatch" and body["entries"][0]["hash_ok"]
    assert edited not in str(body) and edited not in page
