"""The Pathways web service: ``create_app`` builds it (flaskr's application factory)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, send_from_directory
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api

from api.auth import authenticate_request
from api.config import load_config
from api.converters import IdConverter
from api.db import close_session, init_database

limiter = Limiter(key_func=get_remote_address)
api = Api()

API_SPEC_OPTIONS: dict[str, Any] = {
    "info": {
        "description": (
            "Job-matching and skills-training recommendations for people leaving "
            "trafficking. Money is US$ per month; errors are RFC 9457 problem+json."
        )
    },
    "security": [{"bearerAuth": []}],
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then environment, then ``config`` (tests pass a mapping)."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    settings = load_config(config, instance_path=app.instance_path)
    app.config.update(settings)
    app.config.update(
        API_TITLE="Pathways",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs/static/",
        API_SPEC_OPTIONS=API_SPEC_OPTIONS,
        RATELIMIT_DEFAULT=settings["RATELIMIT_DEFAULT"],
        RATELIMIT_STORAGE_URI=settings["RATELIMIT_STORAGE_URI"],
        RATELIMIT_HEADERS_ENABLED=True,
    )
    if not app.config.get("SECRET_KEY"):
        # Nothing is signed with it yet; a random key per process is safe until sessions are.
        import secrets

        app.config["SECRET_KEY"] = secrets.token_hex(32)
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    app.json.sort_keys = False  # type: ignore[attr-defined]

    app.extensions["pathways.db"] = init_database(app.config["DATABASE_URL"])
    from api.services.recommendations import read_engine_settings

    app.extensions["pathways.engine"] = read_engine_settings(app.config)
    app.teardown_appcontext(close_session)

    limiter.init_app(app)
    api.init_app(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    app.before_request(authenticate_request)
    app.before_request(_reject_nul_text)
    app.after_request(_security_headers)
    return app


def register_blueprints(app: Flask) -> None:
    from api import (
        accounts,
        allocations,
        catalog,
        counsellors,
        employers,
        pages,
        reference,
        surveys,
    )

    api.register_blueprint(reference.blp)
    api.register_blueprint(accounts.blp)
    surveys.register(app)
    api.register_blueprint(catalog.blp)
    api.register_blueprint(employers.blp)
    api.register_blueprint(counsellors.blp)
    api.register_blueprint(allocations.blp)
    _register_docs_assets(app)
    pages.register(app)  # the pages people use; the JSON API is above


def register_error_handlers(app: Flask) -> None:
    from api.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from api.cli import register

    register(app)


def _register_docs_assets(app: Flask) -> None:
    """Serve Swagger UI's files from the installed package: shelters may be offline."""
    import swagger_ui_bundle

    folder = Path(swagger_ui_bundle.swagger_ui_path)

    @app.get("/api/v1/docs/static/<path:filename>")
    def swagger_ui_asset(filename: str) -> Response:
        return send_from_directory(folder, filename)

    limiter.exempt(swagger_ui_asset)


def _reject_nul_text() -> None:
    """No text may carry a NUL character: PostgreSQL cannot store one (a 500, not a 422).

    Checked once for every request, before any view, naming each field that has one.
    """
    from flask import request

    from api.errors import Unprocessable

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


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
