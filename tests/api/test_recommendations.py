"""The study's situations through the HTTP API: seasons uploaded by a surveyor, tracks
and vacancies posted by NGOs and employers, survivors recorded by a counsellor."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from api.http.survivors import RecommendationSchema
from api.store.models import AuditEvent, Recommendation
from matcher import MODEL_VERSION
from tests.api.builders import World, job, shop
from tests.conftest import auth


@pytest.fixture
def world(client, token) -> World:
    return World(client, token)


def track_codes(body: dict[str, Any]) -> list[str | None]:
    return [i["track"]["code"] if i["track"] else None for i in body["items"]]


# --- The study's situations -------------------------------------------------------------


def test_man_who_wants_electronics_is_not_sent_to_sewing(world) -> None:
    world.season(
        [
            job("SVR", "8153", 95, 110, openings=40),
            job("SVR", "7531", 90, 120),
            job("SVR", "7421", 95, 130, openings=5),
            job("SVR", "7422", 100, 140, openings=5),
        ]
    )
    world.track("sewing-svr", "SVR", "textile", ["8153", "7531"], seats=30)
    world.track("electronics-repair-svr", "SVR", "electronics", ["7421", "7422"])
    man = world.survivor(
        gender="male",
        aptitudes={"electronics": 5, "textile": 1},
        preferences=["electronics-repair-svr"],
    )
    body = world.items(man)

    first = body["items"][0]
    assert first["track"]["code"] == "electronics-repair-svr"
    assert first["track"]["seats_available"] == 12
    assert "First choice of the survivor" in first["reasons"]
    codes = track_codes(body)
    last_electronics = max(i for i, c in enumerate(codes) if c == "electronics-repair-svr")
    assert all(i > last_electronics for i, c in enumerate(codes) if c == "sewing-svr")


def test_2008_garment_job_is_flagged_below_living_wage_and_ranks_below_a_livable_one(
    world,
) -> None:
    world.season([job("SVR", "5131", 100, 110)])
    garment = world.vacancy("Garment factory", "8153", "SVR", 45, positions=20)
    waiter = world.vacancy("Riverside restaurant", "5131", "SVR", 100)
    survivor = world.survivor(
        preferences=["8153", "5131"], aptitudes={"textile": 4, "hospitality": 3}
    )
    body = world.items(survivor)

    by_vacancy = {i["vacancy_id"]: i for i in body["items"] if i["vacancy_id"]}
    flagged = by_vacancy[garment]
    assert flagged["gross_income_usd_month"] == 45.0
    assert flagged["living_wage_usd_month"] == 88.75
    assert flagged["net_income_usd_month"] == -43.75
    assert flagged["meets_living_wage"] is False
    assert any("$45" in r and "below the living wage" in r for r in flagged["reasons"])
    assert flagged["employer"]["name"] == "Garment factory"
    livable = by_vacancy[waiter]
    assert livable["meets_living_wage"] is True
    assert livable["rank"] < flagged["rank"]


def _tailor_world(world: World) -> None:
    world.season(
        [
            shop("SVR", "7531", 65, 75, "home", 150),
            shop("SRP", "7531", 150, 190, "tourist", 300),
            shop("BTB", "7531", 70, 80, "home", 150),
        ]
    )
    world.track("tailoring-svr", "SVR", "textile", ["7531"])


def test_tailor_willing_to_move_sees_tourist_town_shop_before_village_shop(world) -> None:
    _tailor_world(world)
    tailor = world.survivor(
        completed_tracks=["tailoring-svr"],
        aptitudes={"textile": 4},
        relocation="named",
        willing_towns=["SRP"],
        self_employment_interest=True,
    )
    body = world.items(tailor)

    assert RecommendationSchema().dump(body) == body
    towns = [i["town"]["code"] for i in body["items"]]
    assert towns.index("SRP") < towns.index("SVR")
    assert "BTB" not in towns
    tourist = body["items"][towns.index("SRP")]
    assert tourist["pathway"] == "self_employment"
    assert tourist["track"] is None  # she is already trained
    assert tourist["town"]["tourist_hub"] is True
    assert tourist["startup"]["ngo_support_usd"] == 125.0
    assert any("Siem Reap" in r for r in tourist["reasons"])


def test_tailor_who_will_not_move_sees_only_home(world) -> None:
    _tailor_world(world)
    tailor = world.survivor(completed_tracks=["tailoring-svr"], aptitudes={"textile": 4})
    body = world.items(tailor, include_excluded=True)

    assert body["items"]
    assert {i["town"]["code"] for i in body["items"]} <= {"SVR", "BVT"}
    away = [e for e in body["excluded"] if e["town"]["code"] == "SRP"]
    assert away and "outside the survivor's home province" in away[0]["reason"]


def test_sixteen_year_old_never_sees_construction_or_night_work(world) -> None:
    world.season(
        [
            job("SVR", "9313", 250, 300, openings=50),
            job("SVR", "7112", 300, 400, openings=20),
            job("SVR", "5132", 200, 260, openings=10),
            job("SVR", "7231", 120, 160),
            job("SVR", "5131", 100, 120),
        ]
    )
    world.track("motorcycle-repair-svr", "SVR", "mechanical", ["7231"])
    night = world.vacancy("Night cafe", "5131", "SVR", 200, night_shift=True)
    boy = world.survivor(
        age=16,
        aptitudes={"mechanical": 4, "construction": 5},
        preferences=["motorcycle-repair-svr", "9313"],
        relocation="anywhere",
    )
    body = world.items(boy, limit=50, include_excluded=True)
    assert RecommendationSchema().dump(body) == body

    assert body["items"]
    occupations = {i["occupation"]["code"] for i in body["items"]}
    assert occupations.isdisjoint({"9313", "7112", "5132"})
    assert night not in {i["vacancy_id"] for i in body["items"]}
    assert "motorcycle-repair-svr" in track_codes(body)
    excluded = {e["occupation"]["code"] for e in body["excluded"]}
    assert "9313" in excluded  # his second wish: he is told why not


def test_illiterate_survivor_gets_no_reading_track_and_sees_the_literacy_track(world) -> None:
    world.season(
        [
            job("SVR", "5142", 120, 200),
            job("SVR", "4132", 200, 300),
            job("SVR", "5230", 150, 250),
        ]
    )
    world.track("beauty-salon-svr", "SVR", "beauty", ["5142"], min_literacy="basic")
    world.track("data-entry-svr", "SVR", "digital", ["4132"], min_literacy="functional")
    world.track("khmer-literacy-svr", "SVR", "language", ["5223", "5230"], min_literacy="none")
    woman = world.survivor(
        literacy="none",
        gender="female",
        aptitudes={"beauty": 4},
        preferences=["beauty-salon-svr"],
    )
    body = world.items(woman, include_excluded=True)

    assert set(track_codes(body)) - {None} == {"khmer-literacy-svr"}
    blocked = {e["track"]["code"]: e["reason"] for e in body["excluded"] if e["track"]}
    assert "needs basic literacy" in blocked["beauty-salon-svr"]


# --- Access, storage, errors --------------------------------------------------------------


def test_another_ngo_and_employers_cannot_read_a_survivor_or_their_recommendations(
    world, token
) -> None:
    world.season([job("SVR", "5131", 100, 110)])
    survivor = world.survivor()
    rec = world.items(survivor)
    url = f"/api/v1/survivors/{survivor}/recommendations/{rec['id']}"

    other = auth(token("counsellor", org="Shelter B"))
    assert world.client.get(f"/api/v1/survivors/{survivor}", headers=other).status_code == 404
    assert world.client.get(url, headers=other).status_code == 404
    assert world.recommend(survivor, other).status_code == 404
    employer = auth(token("employer", org="Some employer"))
    assert world.client.get(f"/api/v1/survivors/{survivor}", headers=employer).status_code == 403
    assert world.client.get(url, headers=employer).status_code == 403
    assert world.recommend(survivor, employer).status_code == 403


def test_stored_recommendation_is_fetched_again_unchanged(world, session) -> None:
    season = world.season([job("SVR", "5131", 100, 110), job("SVR", "9412", 90, 100)])
    survivor = world.survivor(notes="SECRET-CASE-NOTE")
    made = world.recommend(survivor)
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "no-store"
    body = made.get_json()
    assert body["survivor_id"] == survivor
    assert body["season"] == {"id": season, "label": "2008"}
    assert body["model_version"] == MODEL_VERSION
    assert set(body["items"][0]) >= {
        "rank",
        "pathway",
        "track",
        "occupation",
        "town",
        "employer",
        "vacancy_id",
        "warnings",
        "gross_income_usd_month",
        "living_costs_usd_month",
        "net_income_usd_month",
        "living_wage_usd_month",
        "meets_living_wage",
        "score",
        "components",
        "reasons",
    }
    assert {"aptitude", "preference", "income", "demand", "location"} <= set(
        body["items"][0]["components"]
    )

    assert RecommendationSchema().dump(body) == body  # exactly the documented shape

    url = f"/api/v1/survivors/{survivor}/recommendations/{body['id']}"
    again = world.client.get(url, headers=world.counsellor)
    assert again.status_code == 200
    assert again.headers["Cache-Control"] == "no-store"
    assert again.get_json() == body
    admin = world.client.get(url, headers=world.admin)
    assert admin.get_json() == body

    stored = session.get(Recommendation, body["id"])
    assert (stored.season_id, stored.model_version) == (season, MODEL_VERSION)
    assert stored.inputs["profile"]["survivor_id"] == survivor
    assert "SECRET-CASE-NOTE" not in str(stored.inputs)
    actions = session.execute(
        select(AuditEvent.entity, AuditEvent.action).where(
            AuditEvent.entity.in_(["recommendation", "survivor"]),
            AuditEvent.action.in_(["recommend", "read"]),
        )
    ).all()
    assert actions.count(("survivor", "recommend")) == 1
    assert actions.count(("recommendation", "read")) == 2


def test_a_recommendation_of_another_survivor_is_not_found(world) -> None:
    world.season([job("SVR", "5131", 100, 110)])
    first, second = world.survivor(case_code="A-1"), world.survivor(case_code="A-2")
    rec = world.items(first)
    url = f"/api/v1/survivors/{second}/recommendations/{rec['id']}"
    assert world.client.get(url, headers=world.counsellor).status_code == 404


def test_no_published_season_is_a_clear_conflict_and_nothing_is_stored(world, session) -> None:
    survivor = world.survivor()
    response = world.recommend(survivor)
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "must be published" in response.get_json()["detail"]
    draft = world.season([job("SVR", "5131", 100, 110)], publish=False)
    response = world.recommend(survivor, season_id=draft)
    assert response.status_code == 409
    assert "draft" in response.get_json()["detail"]
    unknown = world.recommend(survivor, season_id=999)
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"][0]["field"] == "season_id"
    assert session.scalars(select(Recommendation)).all() == []


def test_an_older_season_can_be_chosen(world) -> None:
    old = world.season([job("SVR", "5131", 40, 45)], label="2008")
    world.season([job("SVR", "5131", 200, 220)], label="2026")
    survivor = world.survivor()
    current = world.items(survivor)
    assert current["season"]["label"] == "2026"
    assert current["items"][0]["gross_income_usd_month"] == 210.0
    chosen = world.items(survivor, season_id=old)
    assert chosen["season"] == {"id": old, "label": "2008"}
    assert chosen["items"][0]["gross_income_usd_month"] == 42.5


def test_a_newly_published_season_is_used_by_the_next_recommendation(world) -> None:
    # Each process keeps the current season and its prepared market between requests;
    # publishing another season must reach the very next recommendation.
    world.season([job("SVR", "5131", 40, 45)], label="2008")
    survivor = world.survivor()
    assert world.items(survivor)["season"]["label"] == "2008"
    world.season([job("SVR", "5131", 200, 220)], label="2026")
    after = world.items(survivor)
    assert after["season"]["label"] == "2026"
    assert after["items"][0]["gross_income_usd_month"] == 210.0


def test_a_track_leading_to_another_occupation_reaches_the_next_recommendation(world) -> None:
    # Each process keeps a prepared market while the catalog is unchanged; a track's
    # occupation list is in another table, and changing it must still be seen at once.
    world.season([job("SVR", "7421", 150, 170), job("SVR", "7231", 150, 170)])
    world.track("repair-svr", "SVR", "electronics", ["7421"])
    survivor = world.survivor(aptitudes={"electronics": 5}, preferences=["repair-svr"])
    first = world.items(survivor)["items"][0]
    assert (first["track"]["code"], first["occupation"]["code"]) == ("repair-svr", "7421")
    changed = world.client.patch(
        "/api/v1/tracks/repair-svr", json={"occupations": ["7231"]}, headers=world.surveyor
    )
    assert changed.status_code == 200, changed.get_json()
    after = [i for i in world.items(survivor)["items"] if i["track"]]
    assert {i["occupation"]["code"] for i in after} == {"7231"}


def test_limit_is_respected_and_validated(world) -> None:
    world.season([job("SVR", o, 100, 150) for o in ("5131", "9412", "9112", "5223")])
    survivor = world.survivor()
    assert len(world.items(survivor, limit=2)["items"]) == 2
    bad = world.recommend(survivor, limit=0, include_excluded="maybe")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"limit", "include_excluded"}


def test_a_closed_vacancy_leaves_the_next_recommendation(world) -> None:
    world.season([job("SVR", "9412", 90, 100)])
    vacancy = world.vacancy("Riverside restaurant", "5131", "SVR", 150)
    survivor = world.survivor()
    assert vacancy in {i["vacancy_id"] for i in world.items(survivor)["items"]}

    employer = auth(world.token("employer", org="Riverside restaurant"))
    current = world.client.get(f"/api/v1/vacancies/{vacancy}", headers=employer)
    closed = world.client.patch(
        f"/api/v1/vacancies/{vacancy}",
        json={"status": "closed"},
        headers={**employer, "If-Match": current.headers["ETag"]},
    )
    assert closed.status_code == 200, closed.get_json()
    assert vacancy not in {i["vacancy_id"] for i in world.items(survivor)["items"]}


def test_the_demo_survivors_get_recommendations_from_the_sample(client, runner, token) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    shelter = auth(token("counsellor", org="Svay Rieng Shelter"))
    survivors = client.get("/api/v1/survivors", headers=shelter).get_json()["items"]
    by_code = {s["case_code"]: s["id"] for s in survivors}
    occupations = client.get("/api/v1/occupations?limit=500", headers=shelter).get_json()["items"]
    light = {o["code"] for o in occupations if o["light_work"]}
    hazardous = {o["code"] for o in occupations if o["hazardous"] or o["night_work"]}

    def recommend(code: str) -> dict[str, Any]:
        url = f"/api/v1/survivors/{by_code[code]}/recommendations"
        response = client.post(url, json={"limit": 50}, headers=shelter)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    for code in ("SRS-2026-001", "SRS-2026-002", "SRS-2026-003", "SRS-2026-004"):
        assert recommend(code)["items"], code
    minor = recommend("SRS-2026-001")
    assert {i["occupation"]["code"] for i in minor["items"]}.isdisjoint(hazardous)
    assert "motorcycle-repair-svr" in track_codes(minor)
    child = recommend("SRS-2026-005")  # 14: light work only, if any
    assert {i["occupation"]["code"] for i in child["items"]} <= light


def test_a_survivors_recommendations_are_listed_for_their_ngo_only(world, token) -> None:
    world.season([job("SVR", "5131", 100, 110)])
    survivor = world.survivor()
    made = [world.items(survivor)["id"], world.items(survivor, limit=1)["id"]]
    url = f"/api/v1/survivors/{survivor}/recommendations"
    listed = world.client.get(url, headers=world.counsellor)
    assert listed.status_code == 200
    assert listed.headers["Cache-Control"] == "no-store"
    body = listed.get_json()
    assert [r["id"] for r in body["items"]] == made
    assert body["items"][1]["items"] == 1
    assert body["items"][0]["season"]["label"] == "2008"
    other = auth(token("counsellor", org="Shelter B"))
    assert world.client.get(url, headers=other).status_code == 404
    employer = auth(token("employer", org="Some employer"))
    assert world.client.get(url, headers=employer).status_code == 403


def test_the_openapi_document_describes_the_recommendation(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/survivors/{survivor_id}/recommendations"]["post"]
    assert "201" in post["responses"]
    schemas = spec["components"]["schemas"]
    assert {"survivor_id", "season", "generated_at", "model_version", "items", "excluded"} <= set(
        schemas["Recommendation"]["properties"]
    )
    assert {"gross_income_usd_month", "meets_living_wage", "components", "reasons"} <= set(
        schemas["RecommendationItem"]["properties"]
    )
