"""The OpenAPI schema as the API behaves: the error responses every operation can give, derived from what its
view can do, so that no view lists them by hand and a new app's endpoints are documented from their first day.

- 400 where the operation takes a body or query parameters (filters, the cursor): `{"field": ["message"]}`,
  `non_field_errors` for the request as a whole, or `{"detail": "…"}` for a malformed one;
- 401 wherever credentials are read (an invalid or revoked token is refused on any operation);
- 403 where a permission class other than AllowAny applies, and on writes accepted from a signed-in session
  (its CSRF check);
- 404 on every route with an id in its path (outside the caller's reach answers 404 too);
- 413 and 415 where a body is accepted;
- 429 wherever a throttle applies, with Retry-After.

An error response a view documents itself keeps its description and gets the shape.
"""

from django_filters import NumberFilter
from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

from .bounds import BIGINT_MAX, BIGINT_MIN

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in the caller's language."}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": 'Messages per field (`{"subject_name": ["This field is required."]}`; nested for nested fields), '
    "`non_field_errors` for the request as a whole, or `detail` for a request that could not be read.",
    "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}, {"type": "string"}]},
}
DESCRIPTIONS = {
    "400": "Invalid input: field errors, or a malformed request.",
    "401": "No valid credentials: anonymous where a caller is needed, or a token that is invalid or revoked.",
    "403": "Not allowed for this caller (its roles or token scopes; a signed-in session without its CSRF token).",
    "404": "Nothing with that id within the caller's reach.",
    "413": "The request body is larger than the server accepts.",
    "415": "A Content-Type this operation does not read.",
    "429": "Too many requests: try again after Retry-After seconds.",
}
_NO_BODY = "No response body"
_WRITES = ("POST", "PUT", "PATCH")


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self.error_statuses(operation):
            documented = responses.setdefault(code, {})
            if "content" not in documented:
                documented["content"] = {"application/json": {"schema": self._error_component(code)}}
            if not documented.get("description") or documented["description"] == _NO_BODY:
                documented["description"] = DESCRIPTIONS[code]
            if code == "429":
                documented.setdefault("headers", {})["Retry-After"] = {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait before the next request.",
                }
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation) -> list[str]:
        view = self.view
        writes = self.method in _WRITES
        authenticators = view.get_authenticators()
        statuses = []
        if writes or any(parameter["in"] == "query" for parameter in operation.get("parameters", ())):
            statuses.append("400")
        if authenticators:
            statuses.append("401")
        guarded = any(not isinstance(permission, AllowAny) for permission in view.get_permissions())
        if guarded or (writes and any(isinstance(a, SessionAuthentication) for a in authenticators)):
            statuses.append("403")
        if "{" in self.path:
            statuses.append("404")
        if writes:
            statuses += ["413", "415"]
        if view.get_throttles():
            statuses.append("429")
        return statuses

    def _error_component(self, code: str) -> dict:
        name, schema = ("ValidationError", VALIDATION_ERROR_SCHEMA) if code == "400" else ("Error", ERROR_SCHEMA)
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return component.ref


class BoundedNumberFilterExtension(DjangoFilterExtension):
    """Number filters documented with the bounds core.api.filters enforces (an id filter: a whole number from 1)."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        if isinstance(filter_field, NumberFilter):
            low, high = filter_field.extra.get("min_value"), filter_field.extra.get("max_value")
            for parameter in parameters:
                schema = parameter["schema"]
                if getattr(filter_field, "field_class", None) is not NumberFilter.field_class:
                    schema.update(type="integer", format="int64")
                schema["minimum"] = BIGINT_MIN if low is None else max(low, BIGINT_MIN)
                schema["maximum"] = BIGINT_MAX if high is None else min(high, BIGINT_MAX)
        return parameters
