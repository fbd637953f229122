"""Schema fields shared by the case-work blueprints (consents, referrals, placements)."""

from __future__ import annotations

from flask import Response


def no_store(response: Response) -> Response:
    """Every answer about a survivor's case is kept out of caches."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
