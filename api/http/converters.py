"""URL converters: an id in a path is a positive whole number the database can hold."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# PostgreSQL's INTEGER, the type of every id column.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` as an id the database can hold: a larger number is no record (the
    view's 404), not a value the database refuses (a 500).

    Out-of-range numbers are not refused here: a converter that refuses makes werkzeug
    try the address's other rules, and a PATCH to ``/vacancies/<huge>`` would be a 405
    naming the GET rule. They become 0, an id no row has (ids start at 1).
    """

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if 1 <= number <= MAX_ID else 0
