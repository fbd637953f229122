"""Schema fields and checks that the API's bodies and the pages' forms share: a use
case's schema is declared here once, so a page validates with the API's own rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import marshmallow as ma

# A lone half of a surrogate pair: valid in a JSON escape, not in UTF-8 (no driver can
# store it).
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why a text cannot be stored (a NUL, a lone surrogate), or None."""
    if "\x00" in text:
        return "must not contain NUL characters"
    if _SURROGATE.search(text):
        return "must not contain a lone surrogate (\\ud800-\\udfff): it is not Unicode text"
    return None


class Text(ma.fields.String):
    """A string without NUL characters or lone surrogates (no database stores them)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        message = None if text is None else text_problem(text)
        if message:
            raise ma.ValidationError(message)
        return text
