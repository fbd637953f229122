"""One problem+json shape for every error, 400 to 500."""

import logging

import pytest

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
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(
        "/api/v1/tokens", data="x" * 4096, headers={**admin, "Content-Type": "application/json"}
    )
    assert_problem(response, 413)


def test_an_unexpected_error_is_a_generic_500_logged_on_the_server(app, caplog) -> None:
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail of survivor 42")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom")
    body = assert_problem(response, 500)
    assert "survivor 42" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert body["errors"] == []
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
