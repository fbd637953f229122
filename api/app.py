"""``create_app``: the Pathways web service, built by an application factory (flaskr's)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response

from api import http, pages
from api.auth import authenticate_request
from api.config import load_config, service_config
from api.errors import register_error_handlers
from api.extensions import limiter, smorest
from api.http.converters import IdConverter
from api.store.db import close_session, init_database

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
    app = Flask("api", instance_relative_config=True)
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
        # Without a configured key, page sign-ins last as long as this process.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    app.json.sort_keys = False  # type: ignore[attr-defined]

    app.extensions["pathways.db"] = init_database(app.config["DATABASE_URL"])
    app.extensions["pathways.services"] = service_config(app.config)
    app.teardown_appcontext(close_session)

    limiter.init_app(app)
    smorest.init_app(app)
    http.register(app)  # the JSON API under /api/v1
    pages.register(app)  # the pages people use
    register_error_handlers(app)
    app.before_request(authenticate_request)
    app.before_request(http.reject_nul_text)
    app.after_request(_security_headers)
    return app


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
