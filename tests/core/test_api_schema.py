"""The API contract tells the truth: real responses validate against /api/schema/, and every operation documents
the error statuses it can answer."""

from __future__ import annotations

import jsonschema
import pytest

from tests.api_schema import openapi_schema, response_schema, validate_response
from tests.dishonesty_records.factories import civil_servant_in, make_record
from tests.permissions import OWN_ORG, SUPERVISOR

pytestmark = pytest.mark.django_db
RECORDS = "/api/v1/dishonesty-records/"
WRITES = ("post", "put", "patch")


def _record(world, **overrides):
    return make_record(
        world.department,
        proposer=world.user(OWN_ORG),
        subject_actor=world.user(OWN_ORG),
        supervisor=world.user(SUPERVISOR),
        until="published",
        **overrides,
    )


def test_each_shape_of_a_dishonesty_record_validates_against_the_schema(api_client, world):
    body_record = _record(world)
    person_record = _record(world, civil_servant=civil_servant_in(world.department))
    seen = set()
    for user in (None, world.user(OWN_ORG)):
        api_client.logout()
        if user is not None:
            api_client.force_login(user)
        listed = api_client.get(RECORDS).json()
        validate_response(listed, RECORDS, "get", 200)
        for record in (body_record, person_record):
            body = api_client.get(f"{RECORDS}{record.pk}/").json()
            validate_response(body, f"{RECORDS}{{id}}/", "get", 200)
            seen.add(body["shape"])
    assert seen == {"internal", "public", "public_civil_servant"}


def test_a_record_in_one_shape_does_not_pass_for_another(api_client, world):
    """The `oneOf` is decided by `shape`: a public body's record relabelled as a civil servant's fails."""
    _record(world)
    body = api_client.get(RECORDS).json()["results"][0]
    assert body["shape"] == "public"
    with pytest.raises(jsonschema.ValidationError):
        validate_response({**body, "shape": "internal"}, f"{RECORDS}{{id}}/", "get", 200)


def test_error_bodies_validate_against_their_documented_shapes(api_client, world):
    not_found = api_client.get(f"{RECORDS}abc/")
    validate_response(not_found.json(), f"{RECORDS}{{id}}/", "get", 404)
    bad_filter = api_client.get(RECORDS, {"subject_organization": "x", "determined_after": "yesterday"})
    assert bad_filter.status_code == 400
    validate_response(bad_filter.json(), RECORDS, "get", 400)
    api_client.force_login(world.user(OWN_ORG))
    bad_body = api_client.post(RECORDS, {"category": "nonsense"}, format="json")
    assert bad_body.status_code == 400
    validate_response(bad_body.json(), RECORDS, "post", 400)
    api_client.logout()
    unauthenticated = api_client.post(RECORDS, {}, format="json")
    assert unauthenticated.status_code == 401
    validate_response(unauthenticated.json(), RECORDS, "post", 401)


def _operations():
    for path, operations in openapi_schema()["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer(db):
    checked = 0
    for path, method, operation in _operations():
        documented = set(operation["responses"])
        takes_query = any(parameter["in"] == "query" for parameter in operation.get("parameters", ()))
        expected = {"401", "429"}  # any caller may send a bad token; every operation is throttled
        if method in WRITES:
            expected |= {"400", "403", "413", "415"}
        if takes_query:
            expected.add("400")
        if "{" in path:
            expected.add("404")
        missing = expected - documented
        assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"
        for status in documented - {"200", "201"}:
            assert response_schema(path, method, status), (path, method, status)
        checked += 1
    assert checked >= 50


def test_guarded_reads_document_403_and_public_reads_do_not(db):
    paths = openapi_schema()["paths"]
    assert "403" in paths["/api/v1/dishonesty-obligations/"]["get"]["responses"]
    assert "403" not in paths["/api/v1/organizations/"]["get"]["responses"]
    assert "403" not in paths["/api/v1/ledger/"]["get"]["responses"]
    assert paths["/api/v1/ledger/"]["get"]["responses"]["429"]["headers"]["Retry-After"]
