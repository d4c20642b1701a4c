"""The OpenAPI schema as a JSON-Schema validator of real responses (what schemathesis checks in CI, per test)."""

from __future__ import annotations

import functools
import json

import jsonschema
from django.test import Client


@functools.cache
def openapi_schema() -> dict:
    """The schema served at /api/schema/ (in English), as external systems download it."""
    response = Client().get("/api/schema/", {"format": "json", "lang": "en"})
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def response_schema(path: str, method: str, status: int | str, media_type: str = "application/json") -> dict:
    operation = openapi_schema()["paths"][path][method.lower()]
    return operation["responses"][str(status)]["content"][media_type]["schema"]


def validate_response(body, path: str, method: str, status: int | str) -> None:
    """Raises jsonschema.ValidationError unless `body` matches what the schema documents for that response."""
    schema = openapi_schema()
    document = {
        "allOf": [_as_json_schema(response_schema(path, method, status))],
        "components": _components(id(schema)),
    }
    jsonschema.Draft4Validator(document, format_checker=jsonschema.FormatChecker()).validate(body)


@functools.cache
def _components(_schema_id: int) -> dict:
    return _as_json_schema(openapi_schema()["components"])


def _as_json_schema(node):
    """OpenAPI 3.0 schema objects are JSON Schema but for `nullable`: `{"type": "string", "nullable": true}`
    becomes `{"anyOf": [{"type": "string"}, {"type": "null"}]}`."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted
