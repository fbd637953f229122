"""The error responses of every operation in the OpenAPI document, as the service sends them.

flask-smorest documents a catch-all ``default`` response in its own error shape; the
service answers every error as problem+json (``api/errors.py``), and a client (or the
fuzzer in ``tests/api/test_fuzz.py``) should be able to read, from the document alone,
which statuses an operation returns. This apispec plugin replaces the ``default`` with
the statuses that come from the machinery every view shares: authentication and roles
(401, 403), rate limits (429), a record named in the path (404), a body (400, 413,
422) and query arguments (422). A view documents the statuses of its own use case
(a 409, a 428) with ``@blp.alt_response(status, description=...)``: any status of 400
or more is documented here as a problem.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec, BasePlugin
from flask import Flask

from api.auth import OPEN_ENDPOINTS
from api.errors import PROBLEM_JSON, TITLES

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; errors lists each field found wrong.",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

# What every operation of the API may answer, whatever it does.
ANY_OPERATION = (429,)
# An operation behind a token: no token or a bad one, or a role (or a state of the
# caller's account, such as an unvetted employer) it is not open to.
AUTHENTICATED = (401, 403)
# A path with an id: no such record, or one the caller may not see.
NAMED_RECORD = (404,)
# A body: not JSON or with a NUL character (400), too large (413), invalid fields (422).
WITH_BODY = (400, 413, 422)
# A body that names records by id (``survivor_id``, ``track_ids``): none the caller may use.
NAMING_RECORDS = (404,)
# A write: a unique key taken, or a row changed meanwhile by another request.
WRITE = (409,)
# Query arguments: a cursor this server did not give out (400), invalid values (422).
WITH_QUERY = (400, 422)


def problem_response(status: int, description: str | None = None) -> dict[str, Any]:
    """An OpenAPI response of status ``status`` whose body is a problem."""
    return {
        "description": description or TITLES.get(status, "Error"),
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _merged(given: Any, documented: Any) -> Any:
    """A response from flask-smorest, with the media types a @blp.doc added to it."""
    if not (isinstance(given, dict) and isinstance(documented, dict)):
        return given if documented is None else documented
    content = {**given.get("content", {}), **documented.get("content", {})}
    return {**given, **documented, "content": content}


class ProblemResponses(BasePlugin):
    """Documents each operation's error statuses as problem+json (see the module)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def init_spec(self, spec: APISpec) -> None:
        super().init_spec(spec)
        self.spec = spec
        spec.components.schema("Problem", PROBLEM_SCHEMA)

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            if rule.endpoint in OPEN_ENDPOINTS:
                operation["security"] = []  # no token needed
            # flask-smorest keys some statuses as numbers, apispec others as text.
            # When a view's @blp.doc adds media types to a status (as text), keep both.
            for code in [c for c in responses if not isinstance(c, str)]:
                given, documented = responses.pop(code), responses.get(str(code))
                responses[str(code)] = _merged(given, documented)
            for status in self._statuses(rule, method, operation):
                responses.setdefault(str(status), None)
            for code, given in list(responses.items()):
                if code.isdigit() and int(code) >= 400:
                    described = isinstance(given, dict) and given.get("description")
                    responses[code] = problem_response(int(code), described or None)

    def _names_records(self, body: dict[str, Any]) -> bool:
        for media in body.get("content", {}).values():
            schema = media.get("schema", {})
            ref = schema.get("$ref", "")
            if ref:
                schema = self.spec.components.schemas.get(ref.rsplit("/", 1)[-1], {})
            if any(name.endswith(("_id", "_ids")) for name in schema.get("properties", {})):
                return True
        return False

    def _statuses(self, rule: Any, method: str, operation: dict[str, Any]) -> list[int]:
        statuses = list(ANY_OPERATION)
        if rule.endpoint not in OPEN_ENDPOINTS:
            statuses += AUTHENTICATED
        if rule.arguments:
            statuses += NAMED_RECORD
        if "requestBody" in operation:
            statuses += WITH_BODY
            if self._names_records(operation["requestBody"]):
                statuses += NAMING_RECORDS
        if method != "get":
            statuses += WRITE
        if any(p.get("in") == "query" for p in operation.get("parameters", [])):
            statuses += WITH_QUERY
        return statuses
