"""JSON for the database's JSON columns and the large responses, written by orjson.

orjson writes the engine's frozen dataclasses, tuples, dates and numpy numbers as
they are, in one pass in C: building and encoding a recommendation's body this way
took about 0.35 ms a request in the benchmark, against about 1.3 ms for walking it in
Python and encoding with ``json`` (benchmarks/README.md). Floats are written in their
shortest exact form, so a value read back equals the value written. Keys that are not
strings (ints) are written as strings, as ``json.dumps`` does.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    """UTF-8 JSON of ``value`` (dataclasses, tuples, dates and numpy values included)."""
    return orjson.dumps(value, option=OPTIONS)


def dumps_text(value: Any) -> str:
    """The same as text: SQLAlchemy's ``json_serializer`` for the JSON columns."""
    return dumps(value).decode()


def plain(value: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON object of plain values (dicts, lists, str, numbers, None) from ``value``."""
    loaded: dict[str, Any] = orjson.loads(dumps(value))
    return loaded


loads = orjson.loads


class PackedJSON(TypeDecorator[Any]):
    """A JSON value kept zlib-compressed in a binary column.

    For the columns that keep large, repetitive documents (a recommendation's body
    with its excluded pathways, ten to fifteen times smaller packed). A value that is
    not compressed (a row written as JSON before its column was packed) reads back
    as well: zlib's stream never starts with ``{`` or ``[``.
    """

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else pack(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else unpack(value)


def pack(value: Any) -> bytes:
    """``value`` as compressed JSON."""
    return zlib.compress(dumps(value))


def unpack(raw: bytes | bytearray | memoryview | str) -> Any:
    """The value of ``pack`` (or of plain JSON, as text or bytes)."""
    data = raw.encode() if isinstance(raw, str) else bytes(raw)
    if data[:1] in (b"{", b"["):
        return loads(data)
    return loads(zlib.decompress(data))
