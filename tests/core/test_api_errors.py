"""No input makes the API answer 500 or an HTML page: what a caller sends wrong is a 4xx in the API's JSON shape
(`{"field": ["message"]}` or `{"detail": "…"}`), in the caller's language."""

from __future__ import annotations

import base64
import json

import django_filters
import pytest
from django.test import override_settings
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory

from core.api.filters import FilterBackend
from organizations import services as organization_services
from organizations.models import Organization
from tests.permissions import OWN_ORG

pytestmark = pytest.mark.django_db
TWENTY_DIGITS = "99999999999999999999"
PENALTIES = "/api/v1/disclosures/penalties/"
RECORDS = "/api/v1/dishonesty-records/"


def token_for(organization, *scopes):
    _client, token = organization_services.api_client_create(
        organization=organization, name="业务系统", scopes=list(scopes), actor=None
    )
    return f"Token {token}"


def json_body(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:300])
    return json.loads(response.content)


# --- integers past the database's range -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field", "signed_in"),
    [
        (PENALTIES, "authority", False),
        ("/api/v1/disclosures/licenses/", "authority", False),
        (RECORDS, "subject_organization", False),
        ("/api/v1/organizations/", "within", False),
        ("/api/v1/dishonesty-obligations/", "record", True),
        ("/api/v1/dishonesty-repairs/", "record", True),
        ("/api/v1/dishonesty-sanctions/", "record", True),
    ],
)
def test_a_20_digit_id_filter_is_a_400_on_that_field_in_the_callers_language(api_client, world, url, field, signed_in):
    if signed_in:
        api_client.force_login(world.user(OWN_ORG))
    english = api_client.get(url, {field: TWENTY_DIGITS, "language": "en"})
    assert english.status_code == 400
    assert json_body(english) == {field: ["Ensure this value is less than or equal to 9223372036854775807."]}
    chinese = api_client.get(url, {field: TWENTY_DIGITS})
    assert chinese.status_code == 400
    assert json_body(chinese) == {field: ["确保该值小于或等于9223372036854775807。"]}


@pytest.mark.parametrize("value", ["1.5", "-3", "0", "1e3", "abc"])
def test_an_id_filter_takes_whole_positive_numbers_only(api_client, world, value):
    response = api_client.get(PENALTIES, {"authority": value, "language": "en"})
    assert response.status_code == 400
    assert list(json_body(response)) == ["authority"]


def test_an_id_filter_still_filters(api_client, world):
    response = api_client.get(RECORDS, {"subject_organization": world.department.pk})
    assert response.status_code == 200 and json_body(response)["results"] == []


class _PlainNumberFilter(django_filters.FilterSet):
    """An app's filterset that declared a plain NumberFilter instead of core.api.filters.IdFilter."""

    near = django_filters.NumberFilter(field_name="id")

    class Meta:
        model = Organization
        fields = ["near"]


class _OrganizationIds(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id"]


class _PlainNumberView(generics.ListAPIView):
    queryset = Organization.objects.order_by("id")
    serializer_class = _OrganizationIds
    filter_backends = [FilterBackend]
    filterset_class = _PlainNumberFilter
    permission_classes = [AllowAny]
    pagination_class = None


def test_the_shared_filter_backend_holds_any_number_filter_to_the_database_range(world):
    view = _PlainNumberView.as_view()
    too_big = view(APIRequestFactory().get("/", {"near": TWENTY_DIGITS}))
    assert too_big.status_code == 400 and list(too_big.data) == ["near"]
    in_range = view(APIRequestFactory().get("/", {"near": world.city.pk}))
    assert in_range.status_code == 200 and [row["id"] for row in in_range.data] == [world.city.pk]


# --- bodies: nesting, size, field count ------------------------------------------------------------------


def test_json_nested_a_thousand_deep_is_a_400(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    for url in (PENALTIES, RECORDS):
        response = api_client.post(f"{url}?language=en", "[" * 1000 + "]" * 1000, content_type="application/json")
        assert response.status_code == 400
        assert json_body(response) == {"detail": "The JSON document is nested more than 32 levels deep."}
    # Just past the bound is refused too (no RecursionError needed); an ordinary document is read as usual.
    deep_object = '{"a":' * 33 + "1" + "}" * 33
    assert api_client.post(PENALTIES, deep_object, content_type="application/json").status_code == 400
    ordinary = api_client.post(PENALTIES, {"subject_name": "x"}, format="json")
    assert ordinary.status_code == 400 and "decision_number" in json_body(ordinary)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_over_the_upload_limit_is_a_413_in_json(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    big = "x" * 20_000
    as_json = api_client.post(f"{PENALTIES}?language=en", json.dumps({"remarks": big}), content_type="application/json")
    assert as_json.status_code == 413
    assert json_body(as_json) == {"detail": "The request body is too large."}
    as_form = api_client.post(
        f"{PENALTIES}?language=en", f"remarks={big}", content_type="application/x-www-form-urlencoded"
    )
    assert as_form.status_code == 413 and json_body(as_form) == {"detail": "The request body is too large."}
    as_multipart = api_client.post(f"{RECORDS}?language=en", {"facts": big}, format="multipart")
    assert as_multipart.status_code == 413 and json_body(as_multipart) == {"detail": "The request body is too large."}


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_too_many_form_fields_is_a_400_in_json(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    fields = "&".join(f"f{n}=1" for n in range(10))
    response = api_client.post(f"{PENALTIES}?language=en", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert json_body(response) == {"detail": "The request has too many fields or files."}


# --- ids in the path and URLs no route matches -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{RECORDS}abc/",
        f"{RECORDS}abc/publish/",
        f"{PENALTIES}abc/",
        f"{PENALTIES}{TWENTY_DIGITS}/",
        f"{RECORDS}{TWENTY_DIGITS}/",
        "/api/v1/dishonesty-obligations/abc/",
        "/api/v1/organizations/abc/integrity/",
        f"/api/v1/ledger/records/disclosures.penalty/{TWENTY_DIGITS}/",
        "/api/v1/no-such-endpoint/",
    ],
)
def test_an_id_that_is_not_one_is_a_json_404(api_client, world, url):
    api_client.force_login(world.user(OWN_ORG))
    english = api_client.get(url, {"language": "en"})
    assert english.status_code == 404
    assert json_body(english) == {"detail": "Not found."}
    chinese = api_client.get(url)
    assert chinese.status_code == 404 and json_body(chinese) == {"detail": "未找到。"}


def test_pages_outside_the_api_keep_their_html_error_page(client, world):
    response = client.get("/dishonesty-records/abc/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


# --- cursors ---------------------------------------------------------------------------------------------


def _cursor(querystring: str) -> str:
    return base64.b64encode(querystring.encode()).decode()


@pytest.mark.parametrize(
    ("url", "cursor"),
    [
        (PENALTIES, "zzz"),  # not base64
        (PENALTIES, _cursor("o=x")),  # offset not a number
        (PENALTIES, _cursor("p=abc")),  # position not an id
        (RECORDS, _cursor(f"p={TWENTY_DIGITS}")),  # past the id range
        ("/api/v1/organizations/", _cursor("p=%00")),  # a NUL byte for a text position
    ],
)
def test_an_invalid_cursor_is_a_400_on_cursor(api_client, world, url, cursor):
    response = api_client.get(url, {"cursor": cursor, "language": "en"})
    assert response.status_code == 400
    assert json_body(response) == {"cursor": ["Invalid cursor"]}


def test_a_cursor_the_api_gave_still_pages(api_client, world):
    first = json_body(api_client.get("/api/v1/organizations/", {"page_size": 2}))
    assert first["next"]
    second = api_client.get(first["next"])
    assert second.status_code == 200
    ids = [row["id"] for row in first["results"] + json_body(second)["results"]]
    assert len(ids) == len(set(ids)) == 4
