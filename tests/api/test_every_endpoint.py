"""Sweeps over every route the app has, so that a new endpoint cannot forget the rules."""

import re

import pytest

from api import create_app
from api.auth import OPEN_ENDPOINTS, roles_of

OPEN = {
    "/api/v1/health",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/docs/static/<path:filename>",
}


def _api_routes():
    app = create_app({"DATABASE_URL": "sqlite://", "RATELIMIT_ENABLED": False})
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule in OPEN:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.rule


def _fill(rule: str) -> str:
    return re.sub(r"<(?:int:)?[^>]+>", "1", rule)


@pytest.mark.parametrize(("method", "rule"), sorted(set(_api_routes())))
def test_every_api_endpoint_refuses_a_request_without_a_token(client, method, rule) -> None:
    response = client.open(_fill(rule), method=method, json={})
    assert response.status_code == 401, f"{method} {rule} answered {response.status_code}"
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize(("method", "rule"), sorted(set(_api_routes())))
def test_every_api_endpoint_is_in_the_openapi_document(client, method, rule) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    path = re.sub(r"<(?:[a-z]+:)?([^>]+)>", r"{\1}", rule)
    assert method.lower() in spec["paths"].get(path, {}), f"{method} {path} is undocumented"


def test_every_api_view_declares_its_roles(app) -> None:

    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.endpoint not in OPEN_ENDPOINTS:
            assert roles_of(app.view_functions[rule.endpoint]), f"{rule.endpoint} has no roles"


def test_a_wrong_role_is_403_before_the_body_is_read(client, token, auth) -> None:
    response = client.post(
        "/api/v1/tokens",
        data="{not json",
        headers={**auth(token("counsellor")), "Content-Type": "application/json"},
    )
    assert response.status_code == 403
