"""The JSON API under /api/v1: one blueprint module per resource, registered here."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Flask, Response, send_from_directory

from api.extensions import limiter, smorest
from api.http import (
    accounts,
    allocations,
    audit,
    consents,
    employers,
    lures,
    models,
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
    smorest.register_blueprint(lures.blp)
    smorest.register_blueprint(survivors.blp)
    smorest.register_blueprint(allocations.blp)
    smorest.register_blueprint(consents.blp)
    smorest.register_blueprint(referrals.blp)
    smorest.register_blueprint(placements.blp)
    smorest.register_blueprint(reports.blp)
    smorest.register_blueprint(audit.blp)
    smorest.register_blueprint(models.blp)
    _register_docs_assets(app)


def _register_docs_assets(app: Flask) -> None:
    """Serve Swagger UI's files from the installed package: shelters may be offline."""
    folder = Path(swagger_ui_bundle.swagger_ui_path)

    @app.get("/api/v1/docs/static/<path:filename>")
    def swagger_ui_asset(filename: str) -> Response:
        return send_from_directory(folder, filename)

    limiter.exempt(swagger_ui_asset)
