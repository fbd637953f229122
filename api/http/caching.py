"""What no cache may keep: answers about a survivor, a caller or a bearer token."""

from __future__ import annotations

from flask import Response


def no_store(response: Response) -> Response:
    """An after-request hook: the answer is for this caller only, never stored."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
