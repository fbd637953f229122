"""Response headers a browser acts on: the content policy, caching, the sign-in cookie."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from api import create_app
from tests.conftest import auth, csrf, sign_in


def policy(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in directives}


@pytest.mark.parametrize("path", ["/", "/api/v1/health", "/api/v1/nothing-here"])
def test_every_answer_carries_a_content_security_policy(client, path) -> None:
    rules = policy(client.get(path))
    assert rules["default-src"] == {"'none'"}
    assert rules["frame-ancestors"] == {"'none'"}
    assert rules["form-action"] == {"'self'"}


def test_a_signed_in_page_loads_under_its_policy(client, user) -> None:
    sign_in(client, user("surveyor", org="Survey NGO"))
    page = client.get("/seasons")
    rules = policy(page)
    html = page.get_data(as_text=True)
    assert "<script" not in html  # no script-src is given, so none would run
    assert "'unsafe-inline'" in rules["style-src"]  # the charts' bar widths
    assert rules["font-src"] == {"'self'"}  # the Khmer font the site serves
    assert not re.search(r'(src|href)="https?://', html)  # nothing from another host


def test_the_api_docs_page_may_run_its_own_scripts_and_no_others(client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    rules = policy(page)
    inline = re.findall(r"<script>(.*?)</script>", page.get_data(as_text=True), re.DOTALL)
    assert inline, "Swagger UI starts from an inline script"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in rules["script-src"]
    assert "'unsafe-inline'" not in rules["script-src"]
    assert "'self'" in rules["script-src"] and "'self'" in rules["connect-src"]
    for src in re.findall(r'<(?:script src|link href)="([^"]+)"', page.get_data(as_text=True)):
        assert src.startswith("/api/v1/docs/static/")  # same origin: allowed by 'self'
        asset = client.get(src)
        assert asset.status_code == 200
        asset.close()
    spec = client.get("/api/v1/openapi.json")  # what the page fetches (connect-src 'self')
    assert spec.status_code == 200


def test_tokens_and_who_am_i_and_employers_are_never_cached(client, token) -> None:
    admin = auth(token("admin", org="Operator"))
    issued = client.post(
        "/api/v1/tokens", json={"org": "Garage", "role": "employer"}, headers=admin
    )
    assert issued.status_code == 201
    employer = auth(issued.get_json()["token"])
    for response in (
        issued,
        client.get("/api/v1/me", headers=employer),
        client.get("/api/v1/employers", headers=employer),
        client.get("/api/v1/vacancies", headers=employer),
    ):
        assert response.status_code in (200, 201)
        assert "no-store" in response.headers["Cache-Control"]


def test_the_sign_in_cookie_is_same_site_and_script_proof(client, user) -> None:
    response = sign_in(client, user("counsellor"))
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie
    assert "HttpOnly" in cookie
    assert "Secure" not in cookie  # served over plain HTTP unless configured


def test_behind_tls_the_cookie_is_sent_over_tls_only(app, monkeypatch, user) -> None:
    monkeypatch.setenv("PATHWAYS_SECURE_COOKIES", "1")
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    secure = create_app(
        {"TESTING": True, "RATELIMIT_ENABLED": False, "PASSWORD_HASH_PROFILE": "CHEAPEST"}
    )
    login = user("counsellor")
    try:
        client = secure.test_client()
        page = client.get("/", base_url="https://localhost")
        response = client.post(
            "/login",
            data={
                "username": login.username,
                "password": login.password,
                "csrf_token": csrf(page),
            },
            base_url="https://localhost",
            headers={"Referer": "https://localhost/"},  # CSRF checks it over TLS
        )
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        secure.extensions["pathways.db"].engine.dispose()
