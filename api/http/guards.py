"""Checks every API request passes before any view reads its body.

They run after ``authenticate_request``, so that nobody without a token makes the
server read, parse or answer about a body; each stops at the first few problems, so
that an answer is never larger than a small multiple of the limit it enforces.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from flask import current_app, g, request

from api.errors import BadRequest, Unprocessable
from api.services.fields import text_problem

# Endpoints that take a survey file: they get MAX_CONTENT_LENGTH, the others the small
# MAX_BODY_BYTES (a JSON body of a few fields, a sign-in form).
UPLOAD_ENDPOINTS = frozenset({"surveys.upload_survey", "pages.upload_survey"})
MAX_JSON_DEPTH = 32  # the deepest of our bodies is 3; Python's parser gives up near 1000
MAX_PROBLEMS = 10


def limit_body() -> None:
    """Cap the body of every request but the survey uploads (werkzeug answers 413)."""
    if request.endpoint not in UPLOAD_ENDPOINTS:
        request.max_content_length = int(current_app.config["MAX_BODY_BYTES"])


def check_text() -> None:
    """No query value, and no string of an authenticated JSON body, holds a NUL or a
    lone surrogate; no number of one is NaN or infinite; no JSON body is nested
    deeper than ``MAX_JSON_DEPTH``.

    PostgreSQL refuses both characters and Python's parser recurses on nesting: each
    would be a 500 further in, so they are 400/422 here, naming the first few fields.
    """
    problems: list[dict[str, str]] = []
    for key, values in request.args.lists():
        message = next(filter(None, map(text_problem, [key, *values])), None)
        if message and len(problems) < MAX_PROBLEMS:
            problems.append({"field": key, "message": message})
    if "principal" in g and request.is_json and request.endpoint not in UPLOAD_ENDPOINTS:
        problems += _json_problems(request.get_data(cache=True))[: MAX_PROBLEMS - len(problems)]
    if problems:
        raise Unprocessable(
            "Text must be Unicode without NUL characters, and numbers finite.", problems
        )


def _json_problems(data: bytes) -> list[dict[str, str]]:
    if not data.strip():
        return []
    try:
        body = json.loads(data)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        return []  # not JSON: the view's parser says so, as for any other body
    problems: list[dict[str, str]] = []
    for path, value in _leaves(body):
        message = text_problem(value) if isinstance(value, str) else _number_problem(value)
        if message:
            problems.append({"field": path or "body", "message": message})
            if len(problems) == MAX_PROBLEMS:
                break
    return problems


def _too_deep() -> BadRequest:
    return BadRequest(
        f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.",
        [{"field": "body", "message": f"nested deeper than {MAX_JSON_DEPTH} levels"}],
    )


def _number_problem(number: float) -> str | None:
    # Python's parser reads NaN, Infinity and 1e999 as floats; no figure we store is one,
    # and a stored one would come back out as invalid JSON.
    return None if math.isfinite(number) else "must be a finite number"


def _leaves(body: Any) -> Iterator[tuple[str, str | float]]:
    """(dotted path, value) of every string, key and float, without recursion."""
    stack: list[tuple[str, Any, int]] = [("", body, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str | float):
            yield path, value
            continue
        if depth >= MAX_JSON_DEPTH and isinstance(value, dict | list):
            raise _too_deep()
        if isinstance(value, dict):
            for key, inner in value.items():
                name = f"{path}.{key}" if path else str(key)
                yield name, key
                stack.append((name, inner, depth + 1))
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                stack.append((f"{path}.{i}" if path else str(i), inner, depth + 1))
