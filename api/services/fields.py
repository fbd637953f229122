"""Schema fields and checks that the API's bodies and the pages' forms share: a use
case's schema is declared here once, so a page validates with the API's own rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import marshmallow as ma

from api.errors import Unprocessable, flatten_messages

# A lone half of a surrogate pair: valid in a JSON escape, not in UTF-8 (no driver can
# store it).
_SURROGATE = re.compile("[\ud800-\udfff]")


NUL_PROBLEM = "must not contain NUL characters"
SURROGATE_PROBLEM = "must not contain a lone surrogate (\\ud800-\\udfff): it is not Unicode text"
#: What ``text_problem`` may say.
TEXT_PROBLEMS = (NUL_PROBLEM, SURROGATE_PROBLEM)


def text_problem(text: str) -> str | None:
    """Why a text cannot be stored (a NUL, a lone surrogate), or None."""
    if "\x00" in text:
        return NUL_PROBLEM
    if _SURROGATE.search(text):
        return SURROGATE_PROBLEM
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


def loaded(schema: type[ma.Schema], raw: Mapping[str, Any], refused: str) -> dict[str, Any]:
    """``raw`` loaded by ``schema``, or a 422 (``refused``) naming every bad field."""
    try:
        out: dict[str, Any] = schema().load(raw)
    except ma.ValidationError as exc:
        raise Unprocessable(refused, flatten_messages(exc.messages)) from None
    return out
