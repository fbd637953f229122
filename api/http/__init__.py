"""The JSON API under /api/v1: one blueprint module per resource, registered here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from flask import Flask, Response, request, send_from_directory

from api.errors import Unprocessable
from api.extensions import limiter, smorest
from api.http import (
    accounts,
    allocations,
    consents,
    employers,
    placements,
    reference,
    referrals,
    reports,
    seasons,
    survivors,
    tracks,
)


def register(app: Flask) -> None:
    """Register every resource's blueprint and the offline Swagger UI assets."""
    smorest.register_blueprint(reference.blp)
    smorest.register_blueprint(accounts.blp)
    seasons.register(app)
    smorest.register_blueprint(tracks.blp)
    smorest.register_blueprint(employers.blp)
    smorest.register_blueprint(survivors.blp)
    smorest.register_blueprint(allocations.blp)
    smorest.register_blueprint(consents.blp)
    smorest.register_blueprint(referrals.blp)
    smorest.register_blueprint(placements.blp)
    smorest.register_blueprint(reports.blp)
    _register_docs_assets(app)


def _register_docs_assets(app: Flask) -> None:
    """Serve Swagger UI's files from the installed package: shelters may be offline."""
    folder = Path(swagger_ui_bundle.swagger_ui_path)

    @app.get("/api/v1/docs/static/<path:filename>")
    def swagger_ui_asset(filename: str) -> Response:
        return send_from_directory(folder, filename)

    limiter.exempt(swagger_ui_asset)


def reject_nul_text() -> None:
    """No text may carry a NUL character: PostgreSQL cannot store one (a 500, not a 422).

    Checked once for every request, before any view, naming each field that has one.
    """
    problems = [
        {"field": key, "message": "must not contain NUL characters"}
        for key, values in request.args.lists()
        if "\x00" in key or any("\x00" in v for v in values)
    ]
    if request.is_json and b"\\u0000" in request.get_data(cache=True):
        body = request.get_json(silent=True)
        problems += [
            {"field": field, "message": "must not contain NUL characters"}
            for field in _nul_fields(body, "")
        ]
    if problems:
        raise Unprocessable("Text must not contain NUL characters.", problems)


def _nul_fields(value: Any, path: str) -> list[str]:
    """Dotted paths of the strings (keys too) in a JSON value that hold a NUL."""
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return [name]
            items.append((name, inner))
    elif isinstance(value, list):
        items = [(f"{path}.{i}" if path else str(i), inner) for i, inner in enumerate(value)]
    return [field for name, inner in items for field in _nul_fields(inner, name)]
