import pytest
from django.urls import reverse

from organizations import services
from organizations.models import ApiClient
from tests.factories import make_organization

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organizations/"


def test_anyone_can_list_the_tree_in_depth_first_order(api_client, world):
    response = api_client.get(LIST)
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert names[:3] == [world.city.name, world.district.name, world.department.name]
    row = response.json()["results"][2]
    assert row["parent"] == world.district.pk and row["depth"] == 3 and row["kind"] == "department"


def test_list_uses_cursor_pagination_without_counting(api_client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        first = api_client.get(LIST, {"page_size": 2}).json()
    assert "count" not in first and first["previous"] is None and first["next"]
    second = api_client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] and not {r["id"] for r in second["results"]} & {
        r["id"] for r in first["results"]
    }


def test_filters(api_client, world):
    within = api_client.get(LIST, {"within": world.other_district.pk}).json()["results"]
    assert {r["id"] for r in within} == {world.other_district.pk, world.other_department.pk}
    departments = api_client.get(LIST, {"kind": "department"}).json()["results"]
    assert {r["id"] for r in departments} == {world.department.pk, world.other_department.pk}
    bad = api_client.get(LIST, {"kind": "planet"})
    assert bad.status_code == 400 and "kind" in bad.json()


def test_inactive_organizations_are_404_for_the_public(api_client, world):
    retired = make_organization(parent=world.district, is_active=False)
    assert api_client.get(f"{LIST}{retired.pk}/").status_code == 404
    assert api_client.get(f"{LIST}999999/").status_code == 404
    assert api_client.get(f"{LIST}{world.department.pk}/").json()["name"] == world.department.name


def test_the_api_is_read_only(api_client, world):
    response = api_client.post(LIST, {"name": "x"})
    assert response.status_code == 405


def _token(world, *scopes):
    client, token = services.api_client_create(
        organization=world.department, name="系统", scopes=list(scopes), actor=None
    )
    return client, token


def test_a_valid_token_authenticates_and_is_recorded(api_client, world):
    client, token = _token(world, "read")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(LIST).status_code == 200
    client.refresh_from_db()
    assert client.last_used_at is not None


@pytest.mark.parametrize("header", ["Token wrong", "Token", "Token a b"])
def test_bad_tokens_are_401_with_a_challenge(api_client, world, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_stops_working(api_client, world):
    client, token = _token(world, "write")
    services.api_client_revoke(client=client, actor=None)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(LIST).status_code == 401


def test_messages_in_chinese_by_default_and_english_on_request(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION="Token wrong")
    chinese = api_client.get(LIST).json()["detail"]
    english_query = api_client.get(LIST, {"language": "en"}).json()["detail"]
    english_header = api_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english_query == english_header == "Invalid or revoked token."
    assert chinese != english_query and "令牌" in chinese


def test_clients_are_throttled_per_token(api_client, world, monkeypatch):
    from django.core.cache import cache

    from core.api.throttling import PrincipalRateThrottle

    cache.clear()
    monkeypatch.setattr(PrincipalRateThrottle, "rate", "2/min", raising=False)
    _client, token = _token(world, "read")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    codes = [api_client.get(LIST).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert api_client.get(LIST)["Retry-After"]
    # Another client has its own bucket.
    _other, other_token = _token(world, "read")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {other_token}")
    assert api_client.get(LIST).status_code == 200
    cache.clear()


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/organizations/" in text and "ApiClientToken" in text
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200 and "swagger-ui" in docs.content.decode()


def test_api_clients_table_never_holds_a_token(world):
    _client, token = _token(world, "read")
    assert not ApiClient.objects.filter(token_hash=token).exists()
    assert not ApiClient.objects.filter(token_prefix=token).exists()
