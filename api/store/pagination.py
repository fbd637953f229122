"""Keyset pagination: ``?limit=`` (default 50, max 500) and an opaque ``?cursor=``."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

import marshmallow as ma
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.errors import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(
        load_default=DEFAULT_LIMIT, validate=ma.validate.Range(min=1, max=MAX_LIMIT)
    )
    cursor = ma.fields.String(load_default=None)


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(
            "The cursor is not one this server gave out.",
            [{"field": "cursor", "message": "not a valid cursor"}],
        ) from exc


def _cursor_value(cursor: str, key: InstrumentedAttribute[Any]) -> Any:
    """The decoded cursor, if it has the key's type (else the database would fail)."""
    value = decode_cursor(cursor)
    expected = key.property.columns[0].type.python_type
    out_of_range = isinstance(value, int) and not -(2**63) <= value < 2**63
    if isinstance(value, bool) or not isinstance(value, expected) or out_of_range:
        raise BadRequest(
            "The cursor is not one this server gave out.",
            [{"field": "cursor", "message": "not a valid cursor"}],
        )
    return value


def paginate(
    session: Session,
    stmt: Select[Any],
    key: InstrumentedAttribute[Any],
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Any], str | None]:
    """One page of ``stmt`` ordered by the unique column ``key``, and the next cursor."""
    if cursor:
        stmt = stmt.where(key > _cursor_value(cursor, key))
    rows = session.scalars(stmt.order_by(key).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(getattr(rows[-1], key.key))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A ``{"items": [...], "next_cursor": ...}`` schema for the OpenAPI document."""
    return type(
        name,
        (ma.Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "next_cursor": ma.fields.String(allow_none=True, required=True),
        },
    )
