"""Training tracks: who may read and write them, bad input, seats left, sample loading."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from api.auth import require_roles
from api.store.catalog import load_catalog
from api.store.models import SeatReservation, Track
from tests.api.builders import assert_problem
from tests.api.catalog_factories import NGO, track_body
from training_catalog import literacy_meets


@pytest.fixture
def surveyor(token, auth):
    return auth(token("surveyor", org=NGO))


@pytest.fixture
def admin(token, auth):
    return auth(token("admin", org="Operator"))


def track_count(session) -> int:
    return session.scalar(select(func.count(Track.id)))


def create(client, headers, **overrides):
    return client.post("/api/v1/tracks", json=track_body(**overrides), headers=headers)


def test_surveyor_creates_a_track_of_its_own_ngo(client, surveyor) -> None:
    response = create(client, surveyor)
    assert response.status_code == 201
    track = response.get_json()
    assert track["provider"] == NGO
    assert track["seats_available"] == track["seats"] == 10
    assert track["duration_class"] == "short"
    assert track["occupations"] == ["7231"]
    assert track["employer_commitments"] == []


@pytest.mark.parametrize("role", ["counsellor", "employer", "surveyor", "admin"])
def test_every_role_reads_the_catalog(client, surveyor, token, auth, role) -> None:
    create(client, surveyor)
    headers = auth(token(role, org="Reader Org"))
    listing = client.get("/api/v1/tracks", headers=headers)
    assert [t["code"] for t in listing.get_json()["items"]] == ["motorcycle-repair-svr"]
    one = client.get("/api/v1/tracks/motorcycle-repair-svr", headers=headers)
    assert one.get_json()["town"] == "SVR"


def test_reading_tracks_needs_a_token(client) -> None:
    assert_problem(client.get("/api/v1/tracks"), 401)


@pytest.mark.parametrize("role", ["counsellor", "employer"])
def test_only_surveyors_and_admins_create_tracks(client, session, token, auth, role) -> None:
    headers = auth(token(role, org=NGO))
    assert_problem(create(client, headers), 403)
    assert track_count(session) == 0


def test_unknown_track_is_404(client, surveyor) -> None:
    assert_problem(client.get("/api/v1/tracks/no-such-track", headers=surveyor), 404)


def test_a_surveyor_cannot_create_a_track_for_another_ngo(client, session, surveyor) -> None:
    assert_problem(create(client, surveyor, provider="Some Other NGO"), 403)
    assert track_count(session) == 0


def test_an_admin_names_the_provider_ngo(client, session, admin, token) -> None:
    token("surveyor", org=NGO)  # the NGO exists
    missing = assert_problem(create(client, admin), 422)
    assert missing["errors"][0]["field"] == "provider"
    unknown = assert_problem(create(client, admin, provider="Nobody"), 422)
    assert unknown["errors"][0]["field"] == "provider"
    assert track_count(session) == 0
    assert create(client, admin, provider=NGO).get_json()["provider"] == NGO


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"town": "XYZ"}, "town"),
        ({"occupations": ["7231", "0000"]}, "occupations.1"),
        ({"skill_family": "juggling"}, "skill_family"),
        ({"seats": 0}, "seats"),
        ({"seats": -3}, "seats"),
        ({"duration_months": 0}, "duration_months"),
        ({"min_literacy": "fluent"}, "min_literacy"),
        ({"cost_usd": -1}, "cost_usd"),
        ({"next_start": "next spring"}, "next_start"),
        ({"code": "Motorcycle Repair"}, "code"),
        ({"seats": "ten"}, "seats"),
        ({"seats_available": 99}, "seats_available"),
    ],
)
def test_bad_track_input_is_422_naming_the_field_and_nothing_is_written(
    client, session, surveyor, overrides, field
) -> None:
    body = assert_problem(create(client, surveyor, **overrides), 422)
    assert field in {e["field"] for e in body["errors"]}
    assert track_count(session) == 0


def test_every_bad_field_is_listed_at_once(client, surveyor) -> None:
    body = assert_problem(create(client, surveyor, town="XYZ", occupations=["0000"]), 422)
    assert {e["field"] for e in body["errors"]} == {"town", "occupations.0"}


def test_a_track_code_is_taken_once(client, session, surveyor) -> None:
    create(client, surveyor)
    assert_problem(create(client, surveyor, name="Another"), 409)
    assert track_count(session) == 1


def test_the_provider_ngo_changes_its_track(client, surveyor) -> None:
    create(client, surveyor, occupations=["7231", "8322"])
    response = client.patch(
        "/api/v1/tracks/motorcycle-repair-svr",
        json={"seats": 12, "occupations": ["8322", "7231", "7421"], "duration_months": 18},
        headers=surveyor,
    )
    assert response.status_code == 200
    track = response.get_json()
    assert track["seats"] == track["seats_available"] == 12
    assert track["occupations"] == ["8322", "7231", "7421"]
    assert track["duration_class"] == "mid"


def test_another_ngo_cannot_change_the_track_but_an_admin_can(
    client, surveyor, token, auth, admin
) -> None:
    create(client, surveyor)
    other = auth(token("surveyor", org="Another NGO"))
    url = "/api/v1/tracks/motorcycle-repair-svr"
    assert_problem(client.patch(url, json={"seats": 1}, headers=other), 403)
    counsellor = auth(token("counsellor", org=NGO))
    assert_problem(client.patch(url, json={"seats": 1}, headers=counsellor), 403)
    assert client.get(url, headers=surveyor).get_json()["seats"] == 10
    assert client.patch(url, json={"seats": 4}, headers=admin).get_json()["seats"] == 4


def test_bad_change_is_422_and_the_track_is_unchanged(client, surveyor) -> None:
    create(client, surveyor)
    url = "/api/v1/tracks/motorcycle-repair-svr"
    body = assert_problem(
        client.patch(url, json={"seats": 20, "town": "XYZ"}, headers=surveyor), 422
    )
    assert body["errors"][0]["field"] == "town"
    assert_problem(client.patch(url, json={"duration_months": 0}, headers=surveyor), 422)
    track = client.get(url, headers=surveyor).get_json()
    assert (track["seats"], track["town"], track["duration_months"]) == (10, "SVR", 8)


def reserve(session, code: str, intake: date, survivors: range) -> None:
    track_id = session.scalar(select(Track.id).where(Track.code == code))
    session.add_all(
        SeatReservation(track_id=track_id, intake_start=intake, survivor_id=s) for s in survivors
    )
    session.commit()


def test_seats_available_counts_only_reservations_for_the_next_start(
    app, client, session, surveyor
) -> None:
    create(client, surveyor, seats=10, next_start="2027-01-11")
    reserve(session, "motorcycle-repair-svr", date(2027, 1, 11), range(1, 4))
    reserve(session, "motorcycle-repair-svr", date(2026, 6, 1), range(4, 9))  # a past intake
    url = "/api/v1/tracks/motorcycle-repair-svr"
    assert client.get(url, headers=surveyor).get_json()["seats_available"] == 7
    listed = client.get("/api/v1/tracks", headers=surveyor).get_json()["items"][0]
    assert listed["seats_available"] == 7

    with app.app_context():
        (track,) = load_catalog(session).tracks
    assert (track.seats, track.seats_available) == (10, 7)

    moved = client.patch(url, json={"next_start": "2027-07-05"}, headers=surveyor)
    assert moved.get_json()["seats_available"] == 10


def test_seats_cannot_go_below_the_seats_already_reserved(client, session, surveyor) -> None:
    create(client, surveyor, seats=10)
    reserve(session, "motorcycle-repair-svr", date(2027, 1, 11), range(1, 7))
    url = "/api/v1/tracks/motorcycle-repair-svr"
    assert_problem(client.patch(url, json={"seats": 5}, headers=surveyor), 409)
    assert client.patch(url, json={"seats": 6}, headers=surveyor).get_json()["seats_available"] == 0


def test_load_catalog_gives_the_engine_towns_occupations_and_tracks(
    app, client, session, surveyor
) -> None:

    create(client, surveyor)
    catalog = load_catalog(session)
    assert len(catalog.towns) == 15 and catalog.towns["SRP"].tourist_hub
    assert catalog.occupations["9313"].hazardous
    assert catalog.occupations["4212"].exploitation_risk
    (track,) = catalog.tracks
    assert track.provider == NGO and track.occupations == ("7231",)


def test_tracks_page_through_with_a_cursor(client, surveyor) -> None:
    for n in range(5):
        create(client, surveyor, code=f"sewing-{n}")
    seen, cursor = [], None
    while True:
        url = "/api/v1/tracks?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=surveyor).get_json()
        seen += [t["code"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"sewing-{n}" for n in range(5)]


def test_sample_catalog_loads_once(runner, client, session, token, auth) -> None:
    first = runner.invoke(args=["load-sample"])
    assert first.exit_code == 0, first.output
    count = track_count(session)
    second = runner.invoke(args=["load-sample"])
    assert second.exit_code == 0 and "tracks: 0 added" in second.output
    assert track_count(session) == count >= 18

    headers = auth(token("counsellor", org="Svay Rieng Shelter"))
    tracks = client.get("/api/v1/tracks?limit=500", headers=headers).get_json()["items"]
    by_code = {t["code"]: t for t in tracks}
    assert by_code["sewing-svr"]["seats_available"] == 30
    assert by_code["khmer-literacy-svr"]["min_literacy"] == "none"
    assert {"PNH", "SRP", "SHV", "BTB", "KPT", "SVR", "SSP", "POI"} <= {t["town"] for t in tracks}
    assert by_code["motorcycle-repair-svr"]["employer_commitments"]


def test_the_role_is_checked_before_the_body(client, token, auth) -> None:
    counsellor = auth(token("counsellor", org=NGO))
    assert_problem(client.post("/api/v1/tracks", json={}, headers=counsellor), 403)
    assert_problem(client.post("/api/v1/tracks", json={}), 401)


def test_the_openapi_document_describes_tracks_and_vacancies(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "requestBody" in spec["paths"]["/api/v1/tracks"]["post"]
    assert "requestBody" in spec["paths"]["/api/v1/vacancies/{vacancy_id}"]["patch"]
    for path in ("/api/v1/tracks/{code}", "/api/v1/employers/{employer_id}/vetting"):
        assert path in spec["paths"]


def test_a_nul_character_is_bad_input_not_a_server_error(client, session, surveyor) -> None:
    body = assert_problem(create(client, surveyor, name="Sewing\u0000"), 422)
    assert body["errors"][0]["field"] == "name"
    assert_problem(create(client, surveyor, town="S\u0000"), 422)
    assert track_count(session) == 0
    assert_problem(client.get("/api/v1/tracks/a%00b", headers=surveyor), 404)
    assert_problem(client.get("/api/v1/tracks?town=%00", headers=surveyor), 422)


def test_a_catalog_rule_error_is_a_422_problem(app, token, auth) -> None:

    @app.get("/api/v1/catalog-rule")
    @require_roles("admin")
    def catalog_rule():
        return {"meets": literacy_meets("fluent", "basic")}

    response = app.test_client().get("/api/v1/catalog-rule", headers=auth(token("admin")))
    body = assert_problem(response, 422)
    assert "fluent" in body["detail"]
