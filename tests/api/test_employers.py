"""Employers and vacancies: registration, vetting, visibility, the law, If-Match."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api.auth import authenticate
from api.config import current_config
from api.errors import Conflict
from api.services import surveys
from api.services.employers import update_vacancy
from api.store.catalog import load_vacancies
from api.store.models import Employer, Organisation, Vacancy
from api.store.models.survey import Season
from tests.api.builders import assert_problem
from tests.api.catalog_factories import (
    NGO,
    post_vacancy,
    register_employer,
    track_body,
    vacancy_body,
    vet,
)


@pytest.fixture
def admin(token, auth):
    return auth(token("admin", org="Operator"))


@pytest.fixture
def counsellor(token, auth):
    return auth(token("counsellor", org="Svay Rieng Shelter"))


@pytest.fixture
def employer(token, auth):
    return auth(token("employer", org="Golden Wheel Garage Co"))


@pytest.fixture
def vetted_employer(client, employer, admin):
    vet(client, admin, register_employer(client, employer))
    return employer


def vacancy_count(session) -> int:
    return session.scalar(select(func.count(Vacancy.id)))


def visible_ids(client, headers) -> list[int]:
    items = client.get("/api/v1/vacancies", headers=headers).get_json()["items"]
    return [v["id"] for v in items]


# --- registration and vetting ---------------------------------------------------------


def test_an_employer_registers_once_and_starts_pending(client, session, employer) -> None:
    response = client.post(
        "/api/v1/employers",
        json={"name": "Golden Wheel Garage", "town": "SVR", "sector": "garage", "contact": "x"},
        headers=employer,
    )
    assert response.status_code == 201
    assert response.get_json()["vetting"] == "pending"
    again = client.post(
        "/api/v1/employers", json={"name": "Second", "town": "PNH"}, headers=employer
    )
    assert_problem(again, 409)
    assert session.scalar(select(func.count(Employer.id))) == 1


@pytest.mark.parametrize("role", ["counsellor", "surveyor", "admin"])
def test_only_the_employer_role_registers_a_business(client, session, token, auth, role) -> None:
    headers = auth(token(role, org="Someone"))
    response = client.post("/api/v1/employers", json={"name": "X", "town": "SVR"}, headers=headers)
    assert_problem(response, 403)
    assert session.scalar(select(func.count(Employer.id))) == 0


def test_registering_in_an_unknown_town_is_422(client, session, employer) -> None:
    response = client.post("/api/v1/employers", json={"name": "X", "town": "XYZ"}, headers=employer)
    assert assert_problem(response, 422)["errors"][0]["field"] == "town"
    assert session.scalar(select(func.count(Employer.id))) == 0


def test_an_admin_vets_with_a_note_and_is_recorded_as_the_decider(client, employer, admin) -> None:
    employer_id = register_employer(client, employer)
    decided = vet(client, admin, employer_id)
    assert decided["vetting"] == "vetted"
    assert decided["vetting_note"] == "visited the workshop"
    me = client.get("/api/v1/me", headers=admin).get_json()
    assert decided["decided_by"] == me["user_id"]
    assert decided["decided_at"]
    own = client.get(f"/api/v1/employers/{employer_id}", headers=employer).get_json()
    assert own["vetting"] == "vetted"


def test_the_vetting_note_and_its_author_stay_with_the_admins(
    client, employer, admin, counsellor
) -> None:
    employer_id = register_employer(client, employer)
    note = "suspended: police inquiry into recruitment practices"
    response = client.post(
        f"/api/v1/employers/{employer_id}/vetting",
        json={"status": "vetted", "note": note},
        headers=admin,
    )
    assert response.status_code == 200
    for headers in (employer, counsellor):
        one = client.get(f"/api/v1/employers/{employer_id}", headers=headers)
        listed = client.get("/api/v1/employers", headers=headers)
        for text in (one.get_data(as_text=True), listed.get_data(as_text=True)):
            assert "police" not in text
            assert "vetting_note" not in text and "decided_by" not in text
        assert one.get_json()["vetting"] == "vetted"
    assert (
        client.get(f"/api/v1/employers/{employer_id}", headers=admin).get_json()["vetting_note"]
        == note
    )


def test_vetting_is_for_admins_with_a_known_status(client, employer, admin, counsellor) -> None:
    employer_id = register_employer(client, employer)
    url = f"/api/v1/employers/{employer_id}/vetting"
    for headers in (employer, counsellor):
        assert_problem(
            client.post(url, json={"status": "vetted", "note": "n"}, headers=headers), 403
        )
    assert_problem(client.post(url, json={"status": "pending", "note": "n"}, headers=admin), 422)
    assert_problem(client.post(url, json={"status": "vetted"}, headers=admin), 422)
    assert_problem(
        client.post("/api/v1/employers/999/vetting", json={"status": "vetted", "note": "n"},
                    headers=admin),
        404,
    )  # fmt: skip
    risky = {"status": "rejected", "note": "n", "approved_for_risk": True}
    assert_problem(client.post(url, json=risky, headers=admin), 422)
    assert (
        client.get(f"/api/v1/employers/{employer_id}", headers=admin).get_json()["vetting"]
        == "pending"
    )


def test_counsellors_see_only_vetted_employers(client, token, auth, admin, counsellor) -> None:
    first = register_employer(client, auth(token("employer", org="A")), name="A")
    register_employer(client, auth(token("employer", org="B")), name="B")
    vet(client, admin, first)
    items = client.get("/api/v1/employers", headers=counsellor).get_json()["items"]
    assert [e["name"] for e in items] == ["A"]
    everyone = client.get("/api/v1/employers", headers=admin).get_json()["items"]
    assert len(everyone) == 2


# --- visibility -----------------------------------------------------------------------


def test_only_vetted_employers_vacancies_reach_counsellors_and_suspension_hides_them(
    client, employer, admin, counsellor
) -> None:
    employer_id = register_employer(client, employer)
    vacancy = post_vacancy(client, employer)  # an unvetted employer may post
    assert visible_ids(client, counsellor) == []
    assert_problem(client.get(f"/api/v1/vacancies/{vacancy['id']}", headers=counsellor), 404)

    vet(client, admin, employer_id)
    assert visible_ids(client, counsellor) == [vacancy["id"]]

    vet(client, admin, employer_id, status="suspended")
    assert visible_ids(client, counsellor) == []
    assert_problem(client.get(f"/api/v1/vacancies/{vacancy['id']}", headers=counsellor), 404)
    assert visible_ids(client, employer) == [vacancy["id"]]  # the employer still sees its own


def test_counsellors_never_see_closed_or_full_vacancies(
    client, vetted_employer, counsellor
) -> None:
    full = post_vacancy(client, vetted_employer, positions=1)
    closed = post_vacancy(client, vetted_employer)
    kept = post_vacancy(client, vetted_employer)
    for vacancy, change in ((full, {"positions_filled": 1}), (closed, {"status": "closed"})):
        response = client.patch(
            f"/api/v1/vacancies/{vacancy['id']}",
            json=change,
            headers={**vetted_employer, "If-Match": str(vacancy["version"])},
        )
        assert response.status_code == 200
    assert visible_ids(client, counsellor) == [kept["id"]]
    assert len(visible_ids(client, vetted_employer)) == 3


def test_an_employer_never_sees_or_edits_another_employers_vacancy(
    client, vetted_employer, token, auth
) -> None:
    vacancy = post_vacancy(client, vetted_employer)
    other = auth(token("employer", org="Other Business"))
    register_employer(client, other, name="Other")
    url = f"/api/v1/vacancies/{vacancy['id']}"
    assert_problem(client.get(url, headers=other), 404)
    assert_problem(client.patch(url, json={"pay": 1}, headers={**other, "If-Match": "1"}), 404)
    assert visible_ids(client, other) == []
    assert client.get(url, headers=vetted_employer).get_json()["pay"] == 200


def test_surveyors_have_no_vacancy_list(client, token, auth) -> None:
    assert_problem(client.get("/api/v1/vacancies", headers=auth(token("surveyor"))), 403)


def test_posting_needs_an_employer_profile(client, session, employer) -> None:
    assert_problem(client.post("/api/v1/vacancies", json=vacancy_body(), headers=employer), 409)
    assert vacancy_count(session) == 0


# --- bad input and the law ------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occupation": "0000"}, "occupation"),
        ({"town": "XYZ"}, "town"),
        ({"hires_from_track": "no-such-track"}, "hires_from_track"),
        ({"pay": 0}, "pay"),
        ({"pay": -20}, "pay"),
        ({"positions": 0}, "positions"),
        ({"pay_unit": "hour"}, "pay_unit"),
        ({"currency": "EUR"}, "currency"),
        ({"min_age": "sixteen"}, "min_age"),
    ],
)
def test_bad_vacancy_input_is_422_naming_the_field_and_nothing_is_written(
    client, session, vetted_employer, overrides, field
) -> None:
    response = client.post(
        "/api/v1/vacancies", json=vacancy_body(**overrides), headers=vetted_employer
    )
    body = assert_problem(response, 422)
    assert field in {e["field"] for e in body["errors"]}
    assert vacancy_count(session) == 0


@pytest.mark.parametrize(
    ("overrides", "field", "cited"),
    [
        ({"min_age": 14}, "min_age", "art. 177(1)"),
        ({"occupation": "9313", "min_age": 16}, "min_age", "art. 177(2)"),
        ({"night_shift": True, "min_age": 17}, "night_shift", "art. 144"),
        ({"occupation": "5132", "min_age": 17}, "min_age", "art. 144"),
    ],
)
def test_unlawful_vacancies_are_refused_citing_the_rule(
    client, session, vetted_employer, overrides, field, cited
) -> None:
    response = client.post(
        "/api/v1/vacancies", json=vacancy_body(**overrides), headers=vetted_employer
    )
    body = assert_problem(response, 422)
    assert any(e["field"] == field and cited in e["rule"] for e in body["errors"])
    assert vacancy_count(session) == 0


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    occupation=st.sampled_from(["7231", "9313", "5132", "9112", "6111"]),
    min_age=st.integers(min_value=0, max_value=40),
    night_shift=st.booleans(),
)
def test_no_stored_vacancy_ever_breaks_the_labour_law(
    client, vetted_employer, occupation, min_age, night_shift
) -> None:
    hazardous = {"9313", "5132", "6111"}
    night_work = {"5132"}
    response = client.post(
        "/api/v1/vacancies",
        json=vacancy_body(occupation=occupation, min_age=min_age, night_shift=night_shift),
        headers=vetted_employer,
    )
    lawful = min_age >= 15 and (
        min_age >= 18 or not (occupation in hazardous or occupation in night_work or night_shift)
    )
    assert response.status_code == (201 if lawful else 422)


def test_exploitation_risk_needs_admin_approval_and_never_a_minor(
    client, session, employer, admin
) -> None:
    employer_id = register_employer(client, employer)
    vet(client, admin, employer_id)
    massage = vacancy_body(occupation="3255", min_age=18)
    refused = assert_problem(client.post("/api/v1/vacancies", json=massage, headers=employer), 422)
    assert refused["errors"][0]["field"] == "occupation"
    assert "approval" in refused["errors"][0]["rule"]

    approved = vet(client, admin, employer_id, approved_for_risk=True)
    assert approved["approved_for_risk"] is True
    assert client.post("/api/v1/vacancies", json=massage, headers=employer).status_code == 201
    minors = vacancy_body(occupation="3255", min_age=17)
    body = assert_problem(client.post("/api/v1/vacancies", json=minors, headers=employer), 422)
    assert any("exploitation risk" in e["rule"] for e in body["errors"])
    assert vacancy_count(session) == 1

    # suspending withdraws the approval: a later vetting must grant it again
    vet(client, admin, employer_id, status="suspended")
    assert vet(client, admin, employer_id)["approved_for_risk"] is False


def test_pay_is_normalised_to_usd_a_month_when_written(app, client, vetted_employer) -> None:
    riel_a_day = post_vacancy(client, vetted_employer, pay=35000, pay_unit="day", currency="KHR")
    assert riel_a_day["pay_usd_month"] == pytest.approx(35000 * 26 / 4100, abs=0.01)
    assert (riel_a_day["pay"], riel_a_day["pay_unit"], riel_a_day["currency"]) == (
        35000,
        "day",
        "KHR",
    )
    weekly = post_vacancy(client, vetted_employer, pay=60, pay_unit="week", currency="USD")
    assert weekly["pay_usd_month"] == pytest.approx(60 * 52 / 12, abs=0.01)
    # Another deployment's rate (the setting is read once, when the app is created).
    app.extensions["pathways.services"] = replace(
        app.extensions["pathways.services"], khr_per_usd=4000.0
    )
    monthly = post_vacancy(client, vetted_employer, pay=800000, currency="KHR")
    assert monthly["pay_usd_month"] == 200.0


def test_pay_that_comes_to_under_a_cent_a_month_is_422_not_a_database_error(
    client, session, vetted_employer
) -> None:
    response = client.post(
        "/api/v1/vacancies",
        json=vacancy_body(pay=0.001, pay_unit="month", currency="KHR"),
        headers=vetted_employer,
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == "pay"
    assert vacancy_count(session) == 0


# --- optimistic concurrency -----------------------------------------------------------


@pytest.mark.parametrize("version", ["\u00b2", "\uff11", "\u0663", "1" * 40])
def test_if_match_with_a_digit_int_cannot_read_is_400(client, vetted_employer, version) -> None:
    vacancy = post_vacancy(client, vetted_employer)
    url = f"/api/v1/vacancies/{vacancy['id']}"
    headers = {**vetted_employer, "If-Match": version}
    assert_problem(client.patch(url, json={"pay": 250}, headers=headers), 400)


def test_editing_a_vacancy_needs_the_current_version(client, vetted_employer) -> None:
    vacancy = post_vacancy(client, vetted_employer)
    url = f"/api/v1/vacancies/{vacancy['id']}"
    read = client.get(url, headers=vetted_employer)
    assert read.headers["ETag"] == '"1"'

    assert_problem(client.patch(url, json={"pay": 250}, headers=vetted_employer), 428)
    bad = {**vetted_employer, "If-Match": "yesterday"}
    assert_problem(client.patch(url, json={"pay": 250}, headers=bad), 400)

    first = client.patch(url, json={"pay": 250}, headers={**vetted_employer, "If-Match": '"1"'})
    assert first.status_code == 200
    assert first.get_json()["version"] == 2 and first.headers["ETag"] == '"2"'
    assert first.get_json()["pay_usd_month"] == 250

    stale = client.patch(url, json={"pay": 300}, headers={**vetted_employer, "If-Match": "1"})
    assert_problem(stale, 409)
    assert stale.headers["ETag"] == '"2"'
    assert client.get(url, headers=vetted_employer).get_json()["pay"] == 250

    weak = client.patch(url, json={"pay": 300}, headers={**vetted_employer, "If-Match": 'W/"2"'})
    assert weak.get_json()["version"] == 3


def test_a_write_racing_another_is_409_at_the_database(app, client, vetted_employer) -> None:
    """Both writers read version 1; the second's UPDATE finds the row already at 2."""

    vacancy = post_vacancy(client, vetted_employer)
    with app.app_context(), app.extensions["pathways.db"].sessions() as slow:
        principal = authenticate(slow, vetted_employer["Authorization"])
        assert slow.get(Vacancy, vacancy["id"]).version == 1  # read before the other write
        fast = client.patch(
            f"/api/v1/vacancies/{vacancy['id']}",
            json={"positions": 5},
            headers={**vetted_employer, "If-Match": "1"},
        )
        assert fast.status_code == 200

        with pytest.raises(Conflict):
            update_vacancy(slow, principal, current_config(), vacancy["id"], 1, {"positions": 9})
    stored = client.get(f"/api/v1/vacancies/{vacancy['id']}", headers=vetted_employer)
    assert stored.get_json()["positions"] == 5


def test_an_unlawful_edit_is_refused_and_changes_nothing(client, vetted_employer) -> None:
    vacancy = post_vacancy(client, vetted_employer, positions=2)
    url = f"/api/v1/vacancies/{vacancy['id']}"
    headers = {**vetted_employer, "If-Match": "1"}
    body = assert_problem(client.patch(url, json={"night_shift": True}, headers=headers), 422)
    assert "art. 144" in body["errors"][0]["rule"]
    assert_problem(client.patch(url, json={"positions_filled": 3}, headers=headers), 422)
    assert_problem(client.patch(url, json={"positions": 0}, headers=headers), 422)
    assert_problem(client.patch(url, json={"occupation": "0000"}, headers=headers), 422)
    stored = client.get(url, headers=vetted_employer)
    assert stored.headers["ETag"] == '"1"'
    assert stored.get_json()["night_shift"] is False


# --- commitments and the engine's view ------------------------------------------------


def test_a_vetted_employer_hiring_from_a_track_is_listed_on_the_track(
    client, employer, admin, counsellor, token, auth
) -> None:
    surveyor = auth(token("surveyor", org=NGO))
    assert client.post("/api/v1/tracks", json=track_body(), headers=surveyor).status_code == 201
    employer_id = register_employer(client, employer)
    vacancy = post_vacancy(client, employer, hires_from_track="motorcycle-repair-svr")
    assert vacancy["hires_from_track"] == "motorcycle-repair-svr"
    url = "/api/v1/tracks/motorcycle-repair-svr"
    assert client.get(url, headers=counsellor).get_json()["employer_commitments"] == []
    vet(client, admin, employer_id)
    assert client.get(url, headers=counsellor).get_json()["employer_commitments"] == [vacancy["id"]]


def test_load_vacancies_gives_the_engine_every_vacancy_with_its_employer_status(
    client, session, employer, admin
) -> None:

    register_employer(client, employer)
    vacancy = post_vacancy(client, employer, positions=3)
    (seen,) = load_vacancies(session)
    assert (seen.id, seen.employer_status, seen.positions_left) == (vacancy["id"], "pending", 3)
    assert seen.pay_usd_month == 200.0 and seen.is_open


def test_sample_employers_and_vacancies_load_once(runner, client, session, counsellor) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    employers = session.scalar(select(func.count(Employer.id)))
    vacancies = vacancy_count(session)
    second = runner.invoke(args=["load-sample"])
    assert "employers: 0 added; vacancies: 0 added" in second.output
    assert session.scalar(select(func.count(Employer.id))) == employers >= 5
    assert vacancy_count(session) == vacancies

    items = client.get("/api/v1/vacancies?limit=500", headers=counsellor).get_json()["items"]
    names = {v["employer"]["name"] for v in items}
    assert "Ocean Breeze Guesthouse" not in names  # pending: never offered
    assert all(v["status"] == "open" and v["positions_left"] > 0 for v in items)
    garage = [v for v in items if v["hires_from_track"] == "motorcycle-repair-svr"]
    assert garage and garage[0]["pay_usd_month"] == pytest.approx(35000 * 26 / 4100, abs=0.01)
    assert any(v["hires_from_track"] == "english-hospitality-srp" for v in items)


def test_another_employers_vacancy_is_404_even_without_if_match(
    client, vetted_employer, token, auth
) -> None:
    vacancy = post_vacancy(client, vetted_employer)
    other = auth(token("employer", org="Other Business"))
    url = f"/api/v1/vacancies/{vacancy['id']}"
    assert_problem(client.patch(url, json={"pay": 1}, headers=other), 404)


def test_a_withdrawn_risk_approval_hides_the_risk_vacancy_at_once(
    client, session, employer, admin, counsellor
) -> None:

    employer_id = register_employer(client, employer)
    vet(client, admin, employer_id, approved_for_risk=True)
    risky = post_vacancy(client, employer, occupation="4212", min_age=21, night_shift=True)
    safe = post_vacancy(client, employer)
    assert visible_ids(client, counsellor) == [risky["id"], safe["id"]]
    assert [v.id for v in load_vacancies(session)] == [risky["id"], safe["id"]]

    vet(client, admin, employer_id, approved_for_risk=False)
    assert visible_ids(client, counsellor) == [safe["id"]]
    assert_problem(client.get(f"/api/v1/vacancies/{risky['id']}", headers=counsellor), 404)
    assert [v.id for v in load_vacancies(session)] == [safe["id"]]


def test_pay_uses_the_current_published_season_when_there_is_one(
    client, session, vetted_employer
) -> None:

    session.add(
        Season(
            label="test season",
            status="published",
            khr_per_usd=4000.0,
            working_days_per_month=22.0,
            minimum_wage_usd_month=210.0,
            living_wage_usd_month=250.0,
            published_at=datetime.now(UTC),
        )
    )
    session.commit()
    current = surveys.current_season(session)
    vacancy = post_vacancy(client, vetted_employer, pay=40000, pay_unit="day", currency="KHR")
    expected = 40000 * current.working_days_per_month / current.khr_per_usd
    assert vacancy["pay_usd_month"] == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/vacancies/99999999999999999999",
        "/api/v1/employers/99999999999999999999",
    ],
)
def test_an_id_beyond_any_row_is_404(client, counsellor, url) -> None:
    assert_problem(client.get(url, headers=counsellor), 404)


@pytest.mark.parametrize("vacancy_id", ["0", "2147483648", "99999999999999999999"])
def test_a_patch_to_an_id_beyond_any_row_is_404_not_405(client, vetted_employer, vacancy_id):
    """Found by fuzzing: the address also has a GET, and an id the converter refused
    made werkzeug answer 405 (Allow: GET) to the PATCH."""
    response = client.patch(
        f"/api/v1/vacancies/{vacancy_id}", json={"positions": 2}, headers=vetted_employer
    )
    assert_problem(response, 404)


def test_times_in_answers_carry_their_utc_offset(client, vetted_employer, admin) -> None:
    """Found by fuzzing: SQLite gives back naive times, sent without an offset, which
    the document's date-time format (RFC 3339) does not allow."""
    vacancy = post_vacancy(client, vetted_employer)
    employer = client.get("/api/v1/employers", headers=admin).get_json()["items"][0]
    organisations = client.get("/api/v1/organisations", headers=admin).get_json()["items"]
    for stamp in [vacancy["created_at"], employer["created_at"], organisations[0]["created_at"]]:
        assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0), stamp


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("/api/v1/tracks", 5),
        ("/api/v1/tracks", [1]),
        ("/api/v1/vacancies", "abc"),
        ("/api/v1/vacancies", {"a": 1}),
        ("/api/v1/vacancies", True),
        ("/api/v1/vacancies", 2**70),
        ("/api/v1/employers", 1.5),
    ],
)
def test_a_cursor_of_the_wrong_type_is_400(client, counsellor, path, value) -> None:

    cursor = base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
    assert_problem(client.get(f"{path}?cursor={cursor}", headers=counsellor), 400)


def test_a_nul_character_in_an_employer_or_vacancy_is_422(
    client, session, employer, vetted_employer, counsellor
) -> None:
    other = client.post(
        "/api/v1/employers", json={"name": "A\u0000B", "town": "SVR"}, headers=employer
    )
    assert_problem(other, 422)
    response = client.post(
        "/api/v1/vacancies", json=vacancy_body(description="x\u0000"), headers=vetted_employer
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == "description"
    assert vacancy_count(session) == 0
    assert_problem(client.get("/api/v1/vacancies?occupation=%00", headers=counsellor), 422)


def test_sample_organisations_act_through_their_own_tokens(runner, client, token, auth) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    garage = auth(token("employer", org="Golden Wheel Garage (sample)"))
    own = client.get("/api/v1/vacancies", headers=garage).get_json()["items"]
    assert {v["employer"]["name"] for v in own} == {"Golden Wheel Garage"}
    ngo = auth(token("surveyor", org="Svay Rieng Shelter Workshop (sample)"))
    changed = client.patch("/api/v1/tracks/sewing-svr", json={"seats": 24}, headers=ngo)
    assert changed.get_json()["seats_available"] == 24
    other = client.patch("/api/v1/tracks/beauty-salon-srp", json={"seats": 24}, headers=ngo)
    assert_problem(other, 403)


def test_the_openapi_document_asks_for_if_match(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    patch = spec["paths"]["/api/v1/vacancies/{vacancy_id}"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])


def test_counsellors_see_exactly_the_offerable_vacancies_of_every_kind(
    client, session, token, auth, counsellor
) -> None:
    """Every combination of vetting, risk approval, status and room left, at once."""

    kinds = [(s, False) for s in ("pending", "vetted", "rejected", "suspended")]
    kinds.append(("vetted", True))
    # tokens first: each is written in its own transaction
    tokens = {f"Employer {n}": auth(token("employer", org=f"Employer {n}")) for n in range(5)}
    expected, own = set(), {}
    for n, (vetting, approved) in enumerate(kinds):
        org_name = f"Employer {n}"
        headers = tokens[org_name]
        org_id = session.scalar(select(Organisation.id).where(Organisation.name == org_name))
        employer = Employer(
            org_id=org_id, name=org_name, town="SRP", vetting=vetting, approved_for_risk=approved
        )
        session.add(employer)
        session.flush()
        own[org_name] = (headers, set())
        for status, full, occupation in product(
            ("open", "closed"), (False, True), ("5131", "4212")
        ):
            vacancy = Vacancy(
                employer_id=employer.id,
                occupation=occupation,  # 4212 casino work carries an exploitation risk
                town="SRP",
                pay=200,
                pay_unit="month",
                currency="USD",
                pay_usd_month=200,
                positions=2,
                positions_filled=2 if full else 1,
                status=status,
                min_age=18,
            )
            session.add(vacancy)
            session.flush()
            own[org_name][1].add(vacancy.id)
            risky_unapproved = occupation == "4212" and not approved
            if vetting == "vetted" and status == "open" and not full and not risky_unapproved:
                expected.add(vacancy.id)
    session.commit()

    def ids(headers):
        page = client.get("/api/v1/vacancies?limit=500", headers=headers).get_json()
        return {v["id"] for v in page["items"]}

    assert ids(counsellor) == expected and len(expected) == 3
    for headers, theirs in own.values():
        assert ids(headers) == theirs
    engine_ids = {v.id for v in load_vacancies(session)}
    hidden_risk = {
        v.id
        for v in session.scalars(select(Vacancy).join(Employer))
        if v.occupation == "4212" and not v.employer.approved_for_risk
    }
    assert engine_ids == set().union(*(t for _, t in own.values())) - hidden_risk
