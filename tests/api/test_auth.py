"""Every endpoint but /health and the OpenAPI document needs a token of the right role."""

import pytest

PROTECTED = [
    "/api/v1/provinces",
    "/api/v1/towns",
    "/api/v1/occupations",
    "/api/v1/skill-families",
    "/api/v1/me",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_no_token_is_401_with_a_bearer_challenge(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-pathways-token",
        "Bearer pw_a b",
        "Bearer pw_" + "x" * 300,
        "Bearer pw_unknownbutwellformed0000000000000000000000",
    ],
)
def test_malformed_or_unknown_tokens_are_401(client, header) -> None:
    response = client.get("/api/v1/towns", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["detail"]


def test_a_known_token_with_the_wrong_role_is_403(client, token, auth) -> None:
    response = client.get("/api/v1/organisations", headers=auth(token("counsellor")))
    assert response.status_code == 403
    assert "admin" in response.get_json()["detail"]


def test_health_and_openapi_need_no_token(client) -> None:
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_me_tells_the_caller_their_organisation_and_role(client, token, auth) -> None:
    body = client.get("/api/v1/me", headers=auth(token("surveyor", org="Survey NGO"))).get_json()
    assert body["organisation"] == "Survey NGO"
    assert body["role"] == "surveyor"


def test_an_admin_issues_a_token_over_http_that_works_and_can_be_revoked(
    client, token, auth
) -> None:
    admin = auth(token("admin", org="Operator"))
    created = client.post(
        "/api/v1/tokens", json={"org": "Garage Ltd", "role": "employer"}, headers=admin
    )
    assert created.status_code == 201
    new = created.get_json()
    assert client.get("/api/v1/me", headers=auth(new["token"])).get_json()["role"] == "employer"
    assert client.delete(f"/api/v1/tokens/{new['prefix']}", headers=admin).status_code == 204
    assert client.get("/api/v1/me", headers=auth(new["token"])).status_code == 401


def test_an_unknown_role_over_http_is_422_and_creates_nothing(client, token, auth) -> None:
    admin = auth(token("admin", org="Operator"))
    response = client.post("/api/v1/tokens", json={"org": "Nobody", "role": "boss"}, headers=admin)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "role"
    orgs = client.get("/api/v1/organisations", headers=admin).get_json()["items"]
    assert "Nobody" not in {o["name"] for o in orgs}
