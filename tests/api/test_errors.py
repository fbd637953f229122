"""One problem+json shape for every error, 400 to 500."""

import logging

import pytest

from api.auth import require_roles
from tests.api.builders import assert_problem


@pytest.fixture
def admin(token, auth):
    return auth(token("admin", org="Operator"))


def test_a_body_that_is_not_json_is_400(client, admin) -> None:
    response = client.post(
        "/api/v1/tokens", data="{not json", headers={**admin, "Content-Type": "application/json"}
    )
    assert_problem(response, 400)


def test_missing_fields_are_422_with_each_field_named(client, admin) -> None:
    body = assert_problem(client.post("/api/v1/tokens", json={}, headers=admin), 422)
    assert {e["field"] for e in body["errors"]} == {"org", "role"}


def test_unknown_address_is_404_and_wrong_method_is_405(client) -> None:
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    response = client.delete("/api/v1/health")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_body_over_the_limit_is_413(app, client, admin) -> None:
    app.config["MAX_BODY_BYTES"] = 1024
    response = client.post(
        "/api/v1/tokens", data="x" * 4096, headers={**admin, "Content-Type": "application/json"}
    )
    assert_problem(response, 413)


def test_an_upload_over_the_upload_limit_is_413(app, client, token, auth) -> None:
    surveyor = auth(token("surveyor"))
    season = {"label": "big", "khr_per_usd": 4000, "minimum_wage_usd_month": 210}
    season_id = client.post(
        "/api/v1/seasons", json={**season, "living_wage_usd_month": 250}, headers=surveyor
    ).get_json()["id"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(
        f"/api/v1/seasons/{season_id}/survey",
        data="x" * 4096,
        headers={**surveyor, "Content-Type": "application/octet-stream"},
    )
    assert_problem(response, 413)


def test_an_unexpected_error_is_a_generic_500_logged_on_the_server(
    app, caplog, token, auth
) -> None:
    @app.get("/api/v1/boom")
    @require_roles("admin")
    def boom():
        raise RuntimeError("secret detail of survivor 42")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/api/v1/boom", headers=auth(token("admin")))
    body = assert_problem(response, 500)
    assert "survivor 42" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert body["errors"] == []
    assert "secret detail" in caplog.text


def test_an_unexpected_error_on_a_page_is_a_page_with_a_way_back(app, caplog) -> None:
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail of survivor 42")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom?lang=km")
    text = response.get_data(as_text=True)
    assert response.status_code == 500 and response.content_type.startswith("text/html")
    assert '<html lang="km">' in text and 'href="/"' in text
    assert "survivor 42" not in text and "Traceback" not in text
    assert "secret detail" in caplog.text


def test_401_403_and_404_share_the_shape(client, token, auth) -> None:
    assert_problem(client.get("/api/v1/towns"), 401)
    assert_problem(client.get("/api/v1/organisations", headers=auth(token("employer"))), 403)
    assert_problem(client.delete("/api/v1/tokens/pw_nothing", headers=auth(token("admin"))), 404)


def test_text_with_a_nul_character_is_422_not_a_database_error(client, token, auth) -> None:
    counsellor = auth(token("counsellor"))
    response = client.post(
        "/api/v1/survivors",
        data='{"case_code": "A\\u0000B", "birth_year": 2005, "home_province": "KH-20", '
        '"literacy": "basic"}',
        headers={**counsellor, "Content-Type": "application/json"},
    )
    body = assert_problem(response, 422)
    assert "NUL" in body["detail"]
    assert client.get("/api/v1/survivors", headers=counsellor).get_json()["items"] == []
    assert_problem(client.get("/api/v1/towns?cursor=%00", headers=counsellor), 422)


def test_an_id_too_large_for_the_database_is_404_not_500(client, token, auth) -> None:
    counsellor = auth(token("counsellor"))
    for path in ("/api/v1/survivors/150370946782556389376", "/api/v1/allocations/2147483648"):
        assert_problem(client.get(path, headers=counsellor), 404)
    response = client.post(
        "/api/v1/allocations/99999999999999999999/confirm", json={}, headers=counsellor
    )
    assert_problem(response, 404)


def test_a_number_too_large_in_a_body_is_422_not_500(client, token, auth) -> None:
    counsellor = auth(token("counsellor"))
    response = client.post(
        "/api/v1/allocations", json={"survivor_ids": [2**70]}, headers=counsellor
    )
    # SQLite's driver refuses the number; PostgreSQL compares it and finds no survivor.
    assert assert_problem(response, 422)["errors"][0]["field"] in ("body", "survivor_ids")


def test_a_body_without_a_token_is_never_read(client) -> None:
    # Before: every NUL string was listed, to anyone (a 250 MB answer to 33 MB).
    body = "[" + ",".join(['"\\u0000"'] * 5000) + "]"
    for url in ("/api/v1/tokens", "/api/v1/survivors"):
        response = client.post(url, data=body, content_type="application/json")
        assert_problem(response, 401)
        assert len(response.get_data()) < 1000
    response = client.post("/login", data=body, content_type="application/json")
    assert response.status_code == 400  # no CSRF token: refused before the body is read
    assert "\\u0000" not in response.get_data(as_text=True)


def test_an_authenticated_body_full_of_nul_names_only_the_first_few(client, admin) -> None:
    body = '{"org": "x", "role": "admin", "user": [' + ",".join(['"\\u0000"'] * 5000) + "]}"
    response = client.post(
        "/api/v1/tokens", data=body, content_type="application/json", headers=admin
    )
    problem = assert_problem(response, 422)
    assert 1 <= len(problem["errors"]) <= 10
    assert len(response.get_data()) < 2000


def test_a_body_over_the_small_limit_is_413_before_it_is_parsed(app, client, admin) -> None:
    size = app.config["MAX_BODY_BYTES"] + 1
    body = '{"org": "' + "x" * size + '", "role": "admin"}'
    response = client.post(
        "/api/v1/tokens", data=body, content_type="application/json", headers=admin
    )
    assert_problem(response, 413)
    page = client.post("/login", data={"username": "x" * size})
    assert page.status_code == 413


@pytest.mark.parametrize("depth", [40, 5000, 100_000])
def test_deeply_nested_json_is_400_not_a_500(client, admin, depth) -> None:
    body = '{"org": ' + "[" * depth + "]" * depth + ', "role": "admin"}'
    response = client.post(
        "/api/v1/tokens", data=body, content_type="application/json", headers=admin
    )
    problem = assert_problem(response, 400)
    assert "nested" in problem["detail"]


def test_a_lone_surrogate_in_text_is_422_not_a_500(client, token, auth) -> None:
    tok = auth(token("employer", org="Garage"))
    response = client.post(
        "/api/v1/employers",
        data='{"name": "Garage \\ud800", "town": "SVR"}',
        content_type="application/json",
        headers=tok,
    )
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["field"] == "name"
    assert "surrogate" in problem["errors"][0]["message"]
    pair = client.post(
        "/api/v1/employers",
        data='{"name": "Garage \\ud83d\\ude97", "town": "SVR"}',  # a whole pair: a car
        content_type="application/json",
        headers=tok,
    )
    assert pair.status_code == 201
