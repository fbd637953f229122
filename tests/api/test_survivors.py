"""Survivor records: counsellors of the survivor's NGO only, validated, audited, uncached."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from api.store.engine_inputs import to_profile
from api.store.models import AuditEvent, Survivor
from tests.conftest import auth

URL = "/api/v1/survivors"
THIS_YEAR = datetime.now(UTC).year


def survivor_body(**changes: Any) -> dict[str, Any]:
    """A valid survivor record; tests change what they are about."""
    body: dict[str, Any] = {
        "case_code": "SRS-2026-001",
        "birth_year": THIS_YEAR - 17,
        "gender": "male",
        "home_province": "KH-20",
        "literacy": "basic",
        "education_grade": 5,
        "aptitudes": {"electronics": 4, "textile": 1},
        "preferences": ["7421", "7231"],
        "relocation": "named",
        "willing_towns": ["PNH"],
        "avoid_towns": ["BVT"],
        "needs_accommodation": True,
        "self_employment_interest": False,
        "completed_tracks": [],
        "consent_share_with_employers": False,
        "notes": "Prefers to train near his sister.",
    }
    body.update(changes)
    return body


def create(client, tok: str, **changes: Any) -> dict[str, Any]:
    response = client.post(URL, json=survivor_body(**changes), headers=auth(tok))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def audit_rows(session, survivor_id: int) -> list[tuple[str, int | None]]:
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.user_id)
        .where(AuditEvent.entity == "survivor", AuditEvent.entity_id == survivor_id)
        .order_by(AuditEvent.id)
    )
    return [(action, user_id) for action, user_id in rows]


def test_counsellor_creates_reads_and_updates_a_survivor(client, token) -> None:
    tok = token("counsellor")
    created = create(client, tok)
    assert created["case_code"] == "SRS-2026-001"
    assert created["aptitudes"] == {"electronics": 4, "textile": 1}
    assert created["preferences"] == ["7421", "7231"]

    read = client.get(f"{URL}/{created['id']}", headers=auth(tok))
    assert read.status_code == 200
    assert read.get_json() == created

    patched = client.patch(
        f"{URL}/{created['id']}",
        json={"relocation": "anywhere", "aptitudes": {"electronics": 5}},
        headers=auth(tok),
    )
    assert patched.status_code == 200
    body = patched.get_json()
    assert body["relocation"] == "anywhere"
    assert body["aptitudes"] == {"electronics": 5}
    assert body["willing_towns"] == ["PNH"]  # untouched fields stay
    assert client.get(f"{URL}/{created['id']}", headers=auth(tok)).get_json() == body


def test_a_new_record_needs_only_the_essentials_and_gets_defaults(client, token) -> None:
    tok = token("counsellor")
    minimal = {"case_code": "X-1", "birth_year": THIS_YEAR - 20, "home_province": "KH-1"}
    response = client.post(URL, json={**minimal, "literacy": "none"}, headers=auth(tok))
    assert response.status_code == 201
    body = response.get_json()
    assert body["relocation"] == "home_only"
    assert body["aptitudes"] == {}
    assert body["consent_share_with_employers"] is False
    assert body["gender"] is None


def test_list_shows_only_the_counsellors_own_ngo_page_by_page(client, token) -> None:
    mine = token("counsellor", org="Shelter A")
    theirs = token("counsellor", org="Shelter B")
    ids = [create(client, mine, case_code=f"A-{i}")["id"] for i in range(3)]
    create(client, theirs, case_code="B-1")

    first = client.get(f"{URL}?limit=2", headers=auth(mine)).get_json()
    assert [s["id"] for s in first["items"]] == ids[:2]
    second = client.get(f"{URL}?limit=2&cursor={first['next_cursor']}", headers=auth(mine))
    assert [s["id"] for s in second.get_json()["items"]] == ids[2:]
    assert second.get_json()["next_cursor"] is None


def test_another_ngos_counsellor_gets_404_for_every_access(client, token, session) -> None:
    survivor = create(client, token("counsellor", org="Shelter A"))
    other = token("counsellor", org="Shelter B")
    url = f"{URL}/{survivor['id']}"
    read = client.get(url, headers=auth(other))
    assert read.status_code == 404
    assert read.get_json() == client.get(f"{URL}/999999", headers=auth(other)).get_json()
    assert client.patch(url, json={"notes": "x"}, headers=auth(other)).status_code == 404
    assert session.get(Survivor, survivor["id"]).notes == survivor_body()["notes"]


@pytest.mark.parametrize("role", ["employer", "surveyor"])
def test_employers_and_surveyors_are_refused(client, token, role) -> None:
    survivor = create(client, token("counsellor"))
    tok = token(role, org="Shelter A")  # even inside the survivor's own organisation
    assert client.get(f"{URL}/{survivor['id']}", headers=auth(tok)).status_code == 403
    assert client.get(URL, headers=auth(tok)).status_code == 403
    assert client.post(URL, json=survivor_body(case_code="Z"), headers=auth(tok)).status_code == 403
    patch = client.patch(f"{URL}/{survivor['id']}", json={"notes": "x"}, headers=auth(tok))
    assert patch.status_code == 403


def test_no_token_is_401(client) -> None:
    assert client.get(URL).status_code == 401


def test_admin_may_read_any_ngos_survivor_and_the_read_is_audited(client, token, session) -> None:
    survivor = create(client, token("counsellor", org="Shelter A"))
    admin = token("admin", org="Pathways Operator")
    response = client.get(f"{URL}/{survivor['id']}", headers=auth(admin))
    assert response.status_code == 200
    admin_user = session.scalar(select(AuditEvent.user_id).order_by(AuditEvent.id.desc()))
    assert audit_rows(session, survivor["id"])[-1] == ("read", admin_user)
    listed = client.get(URL, headers=auth(admin)).get_json()
    assert [s["id"] for s in listed["items"]] == [survivor["id"]]
    assert audit_rows(session, survivor["id"])[-1][0] == "read"


def test_admin_may_not_write_survivors(client, token) -> None:
    survivor = create(client, token("counsellor"))
    admin = token("admin", org="Pathways Operator")
    created = client.post(URL, json=survivor_body(case_code="Q"), headers=auth(admin))
    assert created.status_code == 403
    assert (
        client.patch(f"{URL}/{survivor['id']}", json={"notes": ""}, headers=auth(admin)).status_code
        == 403
    )


def test_every_read_and_write_leaves_an_audit_row_without_content(client, token, session) -> None:
    tok = token("counsellor")
    survivor = create(client, tok)
    client.get(f"{URL}/{survivor['id']}", headers=auth(tok))
    client.patch(f"{URL}/{survivor['id']}", json={"education_grade": 6}, headers=auth(tok))
    client.get(URL, headers=auth(tok))
    assert [a for a, _ in audit_rows(session, survivor["id"])] == [
        "create",
        "read",
        "update",
        "read",
    ]
    event = session.scalar(select(AuditEvent).where(AuditEvent.entity == "survivor"))
    assert event.org_id == session.get(Survivor, survivor["id"]).org_id
    assert set(AuditEvent.__table__.columns.keys()) == {
        "id",
        "at",
        "user_id",
        "role",
        "actor_org_id",
        "org_id",
        "action",
        "entity",
        "entity_id",
        "status",
    }


def test_every_survivor_response_is_marked_no_store(client, token) -> None:
    tok = token("counsellor")
    created = client.post(URL, json=survivor_body(), headers=auth(tok))
    responses = [
        created,
        client.get(f"{URL}/{created.get_json()['id']}", headers=auth(tok)),
        client.get(URL, headers=auth(tok)),
        client.patch(f"{URL}/{created.get_json()['id']}", json={"notes": ""}, headers=auth(tok)),
        client.get(f"{URL}/424242", headers=auth(tok)),
        client.post(URL, json=survivor_body(birth_year=1800), headers=auth(tok)),
    ]
    assert [r.headers.get("Cache-Control") for r in responses] == ["no-store"] * len(responses)


def test_validation_names_every_problem_and_writes_nothing(client, token, session) -> None:
    tok = token("counsellor")
    bad = survivor_body(
        birth_year=THIS_YEAR - 3,
        home_province="KH-99",
        literacy="fluent",
        relocation="abroad",
        education_grade=13,
        aptitudes={"electronics": 6, "juggling": 2},
        preferences=["7421", "9999"],
        willing_towns=["XXX"],
        avoid_towns=["PNH", "YYY"],
    )
    before = count(session, AuditEvent)
    response = client.post(URL, json=bad, headers=auth(tok))
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    problems = response.get_json()["errors"]
    fields = {p["field"] for p in problems}
    assert fields == {
        "birth_year",
        "home_province",
        "literacy",
        "relocation",
        "education_grade",
        "aptitudes.electronics",
        "aptitudes.juggling",
        "preferences",
        "willing_towns",
        "avoid_towns",
    }
    messages = " ".join(p["message"] for p in problems)
    assert "'9999'" in messages and "'XXX'" in messages and "'YYY'" in messages
    assert "'7421'" not in messages
    assert count(session, Survivor) == 0
    assert count(session, AuditEvent) == before


def test_type_errors_and_unknown_codes_come_in_one_answer(client, token) -> None:
    tok = token("counsellor")
    bad = survivor_body(birth_year="nineteen", willing_towns=["NOWHERE"], name="Sokha")
    response = client.post(URL, json=bad, headers=auth(tok))
    assert response.status_code == 422
    fields = {p["field"] for p in response.get_json()["errors"]}
    assert {"birth_year", "willing_towns", "name"} <= fields


@pytest.mark.parametrize("age", [9, 81])
def test_implausible_ages_are_refused(client, token, age) -> None:
    response = client.post(
        URL, json=survivor_body(birth_year=THIS_YEAR - age), headers=auth(token("counsellor"))
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.get_json()["errors"]] == ["birth_year"]


@pytest.mark.parametrize("age", [10, 80])
def test_ages_at_the_bounds_are_accepted(client, token, age) -> None:
    tok = token("counsellor")
    assert create(client, tok, birth_year=THIS_YEAR - age)["birth_year"] == THIS_YEAR - age


def test_missing_essentials_are_named(client, token, session) -> None:
    response = client.post(URL, json={"notes": "x"}, headers=auth(token("counsellor")))
    assert response.status_code == 422
    fields = {p["field"] for p in response.get_json()["errors"]}
    assert fields == {"case_code", "birth_year", "home_province", "literacy"}
    assert count(session, Survivor) == 0


def test_a_name_is_not_accepted_as_case_code(client, token) -> None:
    response = client.post(
        URL, json=survivor_body(case_code="Sok Dara"), headers=auth(token("counsellor"))
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "case_code"


@pytest.mark.parametrize("code", ["SRS-2026-001\n", " SRS-2026-001", "SRS-2026-001 ", "SRS\n2026"])
def test_a_look_alike_case_code_with_whitespace_is_refused(client, token, code) -> None:
    tok = token("counsellor")
    first = create(client, tok)
    response = client.post(URL, json=survivor_body(case_code=code), headers=auth(tok))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "case_code"
    response = client.patch(f"{URL}/{first['id']}", json={"case_code": code}, headers=auth(tok))
    assert response.status_code == 422


def test_case_codes_are_unique_within_an_ngo_only(client, token, session) -> None:
    a = token("counsellor", org="Shelter A")
    create(client, a)
    again = client.post(URL, json=survivor_body(), headers=auth(a))
    assert again.status_code == 409
    assert again.get_json()["errors"][0]["field"] == "case_code"
    create(client, token("counsellor", org="Shelter B"))  # another NGO may use it
    assert count(session, Survivor) == 2


def test_a_bad_patch_changes_nothing(client, token, session) -> None:
    tok = token("counsellor")
    survivor = create(client, tok)
    events = count(session, AuditEvent)
    response = client.patch(
        f"{URL}/{survivor['id']}",
        json={"relocation": "anywhere", "avoid_towns": ["MARS"]},
        headers=auth(tok),
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.get_json()["errors"]] == ["avoid_towns"]
    assert client.get(f"{URL}/{survivor['id']}", headers=auth(tok)).get_json()["relocation"] == (
        "named"
    )
    assert count(session, AuditEvent) == events + 1  # only the read just above


def test_patch_to_a_taken_case_code_is_a_conflict(client, token) -> None:
    tok = token("counsellor")
    create(client, tok, case_code="A-1")
    second = create(client, tok, case_code="A-2")
    response = client.patch(f"{URL}/{second['id']}", json={"case_code": "A-1"}, headers=auth(tok))
    assert response.status_code == 409


def test_two_patches_racing_for_one_case_code_get_a_409_and_log_no_notes(
    client, token, caplog, monkeypatch
) -> None:
    tok = token("counsellor")
    create(client, tok, case_code="RACE-NOTE-0")
    second = create(client, tok, case_code="RACE-NOTE-1")
    # The other PATCH commits between this one's check and its write: the check saw the
    # code free, the database's unique constraint does not.
    monkeypatch.setattr("api.services.survivors.case_code_taken", lambda *_args: False)
    change = {"case_code": "RACE-NOTE-0", "notes": "CONFIDENTIAL case note 0: police"}
    with caplog.at_level("DEBUG"):
        response = client.patch(f"{URL}/{second['id']}", json=change, headers=auth(tok))
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "case_code"
    assert "CONFIDENTIAL" not in caplog.text
    assert "RACE-NOTE-0" not in caplog.text
    stored = client.get(f"{URL}/{second['id']}", headers=auth(tok)).get_json()
    assert stored["case_code"] == "RACE-NOTE-1" and stored["notes"] != change["notes"]


def test_the_database_engine_hides_bound_values_from_its_errors(app) -> None:
    assert app.extensions["pathways.db"].engine.hide_parameters


def test_the_engine_profile_has_no_notes_or_case_code(client, token, session) -> None:
    survivor = create(client, token("counsellor"))
    profile = to_profile(session.get(Survivor, survivor["id"]))
    assert profile.survivor_id == survivor["id"]
    assert profile.aptitudes == {"electronics": 4, "textile": 1}
    assert profile.preferences == ("7421", "7231")
    assert profile.willing_towns == ("PNH",)
    text = repr(profile)
    assert "SRS-2026-001" not in text and "sister" not in text


def test_survivor_data_never_reaches_the_logs(client, token, caplog) -> None:
    tok = token("counsellor")
    with caplog.at_level("DEBUG"):
        survivor = create(client, tok, notes="UNIQUE-NOTE-MARKER")
        client.get(f"{URL}/{survivor['id']}", headers=auth(tok))
        client.post(URL, json=survivor_body(case_code="BAD CODE"), headers=auth(tok))
    assert "UNIQUE-NOTE-MARKER" not in caplog.text
    assert "SRS-2026-001" not in caplog.text


def test_sample_demo_survivors_belong_to_the_sample_shelter(client, runner, token) -> None:
    first = runner.invoke(args=["load-sample"])
    assert first.exit_code == 0, first.output
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    shelter = token("counsellor", org="Svay Rieng Shelter")
    items = client.get(URL, headers=auth(shelter)).get_json()["items"]
    by_code = {s["case_code"]: s for s in items}
    assert len(by_code) == len(items) >= 4
    minor = by_code["SRS-2026-001"]
    assert THIS_YEAR - minor["birth_year"] == 16
    assert "7231" in minor["preferences"]
    assert by_code["SRS-2026-002"]["literacy"] == "none"
    assert client.get(URL, headers=auth(token("counsellor", org="Other NGO"))).get_json() == {
        "items": [],
        "next_cursor": None,
    }


def test_preferences_may_name_tracks_and_completed_tracks_must_exist(client, runner, token):
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    tok = token("counsellor")
    ok = create(client, tok, preferences=["electronics-repair-pnh", "7421"])
    assert ok["preferences"] == ["electronics-repair-pnh", "7421"]
    bad = client.post(
        URL,
        json=survivor_body(case_code="T-2", completed_tracks=["sewing-svr", "juggling-pnh"]),
        headers=auth(tok),
    )
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == [
        {"field": "completed_tracks", "message": "'juggling-pnh' is not a known track code"}
    ]
