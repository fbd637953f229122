"""The error answers an operation can give, for the OpenAPI document: each one an RFC
9457 problem (``application/problem+json``), as ``api.errors`` makes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import marshmallow as ma
from flask_smorest import Blueprint

from api.errors import PROBLEM_JSON, TITLES

F = TypeVar("F", bound=Callable[..., Any])

# Every authenticated operation: no or an unknown token, a wrong role, too many requests.
READ = (401, 403, 429)
# A body to read: not JSON or too deep (400), too large (413), invalid fields (422).
WRITE = (400, 401, 403, 413, 422, 429)


class ProblemItemSchema(ma.Schema):
    row = ma.fields.Integer(metadata={"description": "1-based data row (uploads)"})
    field = ma.fields.String()
    message = ma.fields.String()


class ProblemSchema(ma.Schema):
    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String(metadata={"description": "What exactly went wrong"})
    errors = ma.fields.List(ma.fields.Nested(ProblemItemSchema))


def problems(blp: Blueprint, *statuses: int) -> Callable[[F], F]:
    """Document each of ``statuses`` as a problem+json answer of the decorated view."""

    def decorate(view: F) -> F:
        for status in sorted(set(statuses)):
            view = blp.alt_response(
                status,
                schema=ProblemSchema,
                description=TITLES[status],
                content_type=PROBLEM_JSON,
            )(view)
        return view

    return decorate
