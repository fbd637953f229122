"""URL converters: an id in a path is a positive whole number the database can hold."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# PostgreSQL's INTEGER, the type of every id column.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to 1..2**31-1: a larger number is no record (404), not a
    value the database refuses (a 500)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]
