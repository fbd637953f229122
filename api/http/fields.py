"""Schema fields shared by the blueprints."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import marshmallow as ma

from api.services.fields import Text

__all__ = ["Text", "UtcDateTime", "WholeMatch"]


class WholeMatch(ma.validate.Regexp):
    """A pattern the whole string must match: ``re.match`` with ``$`` lets a final
    newline through, so ``"SRS-2026-001\\n"`` would sit beside ``SRS-2026-001``.

    The pattern (``^...$``, shown in the OpenAPI document) is checked with ``fullmatch``.
    """

    def __call__(self, value: Any) -> Any:
        if self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value


class UtcDateTime(ma.fields.DateTime):
    """ISO 8601 with its UTC offset: SQLite returns the stored UTC times naive."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
