"""Schema fields shared by the blueprints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma


class Text(ma.fields.String):
    """A string without NUL characters (PostgreSQL refuses them: a 500, not a 422)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is not None and "\x00" in text:
            raise ma.ValidationError("must not contain NUL characters")
        return text
