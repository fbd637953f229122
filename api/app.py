"""``create_app``: the Pathways web service, built by an application factory (flaskr's)."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request

from api import http, pages
from api.auth import authenticate_request
from api.config import load_config, service_config
from api.errors import register_error_handlers
from api.extensions import limiter, smorest
from api.http import guards
from api.http.converters import IdConverter
from api.http.openapi import ProblemResponses
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
    smorest.init_app(app, spec_kwargs={"extra_plugins": [ProblemResponses(app)]})
    http.register(app)  # the JSON API under /api/v1
    pages.register(app)  # the pages people use
    register_error_handlers(app)
    app.before_request(guards.limit_body)
    app.before_request(authenticate_request)
    app.before_request(guards.check_text)
    app.after_request(_security_headers)
    return app


# The pages load nothing but themselves: their style sheet and font, inline SVG charts,
# their forms.
PAGE_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Swagger UI (/api/v1/docs) runs its scripts from /api/v1/docs/static/, one inline
# script that starts it (allowed by its hash), and fetches the OpenAPI document.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint == "api-docs.openapi_swagger_ui":
        response.headers["Content-Security-Policy"] = DOCS_CSP.format(
            hashes=" ".join(_script_hashes(response.get_data(as_text=True)))
        )
    else:
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    return response


def _script_hashes(page: str) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(page)
    ]
