"""JSON for the database's JSON columns and the large responses, written by orjson.

orjson writes the engine's frozen dataclasses, tuples, dates and numpy numbers as
they are, in one pass in C: building and encoding a recommendation's body this way
took about 0.35 ms a request in the benchmark, against about 1.3 ms for walking it in
Python and encoding with ``json`` (benchmarks/README.md). Floats are written in their
shortest exact form, so a value read back equals the value written. Keys that are not
strings (ints) are written as strings, as ``json.dumps`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

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
