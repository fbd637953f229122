"""Cohort allocation through the HTTP API and the CLI: the study's beauty-salon
situation, proposals that reserve nothing, confirms that reserve atomically."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from api.store.models import Allocation, SeatReservation, Track
from tests.api.builders import World, job
from tests.conftest import auth

BEAUTY = "beauty-salon-svr"
TAILORING = "tailoring-svr"


@pytest.fixture
def world(client, token) -> World:
    w = World(client, token)
    w.season(
        [
            job("SVR", "5142", 120, 200),
            job("SVR", "7531", 100, 150),
        ]
    )
    w.track(BEAUTY, "SVR", "beauty", ["5142"], seats=2)
    w.track(TAILORING, "SVR", "textile", ["7531"], seats=12)
    return w


def woman(world: World, beauty: int, case: str) -> int:
    """A woman whose first wish is the beauty salon and second the tailoring track."""
    return world.survivor(
        case_code=case,
        gender="female",
        aptitudes={"beauty": beauty, "textile": 2},
        preferences=[BEAUTY, TAILORING],
    )


def four_women(world: World, prefix: str = "W") -> list[int]:
    """The study's four: the two without the aptitude arrive first."""
    return [woman(world, level, f"{prefix}-{n}") for n, level in enumerate((2, 5, 3, 5))]


def propose(world: World, body: dict[str, Any], headers=None, status: int = 201) -> Any:
    return world.post("/allocations", body, headers or world.counsellor, status)


def confirm(world: World, allocation_id: int, headers=None) -> Any:
    return world.client.post(
        f"/api/v1/allocations/{allocation_id}/confirm", json={}, headers=headers or world.counsellor
    )


def by_survivor(body: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {a["survivor_id"]: a for a in body["assignments"]}


def reservations(session, code: str | None = None) -> int:
    stmt = select(func.count()).select_from(SeatReservation)
    if code is not None:
        stmt = stmt.join(Track, Track.id == SeatReservation.track_id).where(Track.code == code)
    return int(session.scalar(stmt))


def seats_available(world: World, code: str) -> int:
    response = world.client.get(f"/api/v1/tracks/{code}", headers=world.counsellor)
    assert response.status_code == 200, response.get_json()
    return int(response.get_json()["seats_available"])


# --- The study's situation ------------------------------------------------------------


def test_two_beauty_seats_go_to_the_two_with_the_aptitude_and_the_others_get_their_second_wish(
    world,
) -> None:
    low, high, middle, high_too = four_women(world)
    body = propose(world, {"survivor_ids": [low, high, middle, high_too]})

    got = by_survivor(body)
    assert got[high]["track_code"] == got[high_too]["track_code"] == BEAUTY
    assert got[high]["preference_rank"] == got[high_too]["preference_rank"] == 1
    for other in (low, middle):
        assert got[other]["track_code"] == TAILORING
        assert got[other]["preference_rank"] == 2
        text = got[other]["explanation"]
        assert "wish 2" in text
        assert f"{BEAUTY}: 2 seats, both given to survivors with a higher score for it" in text
        assert "aptitude 5, 5 in beauty" in text
    assert "wish 1" in got[high]["explanation"]
    assert body["stats"] == {"assigned": 4, "unassigned": 0, "first_choice": 2, "top_two": 4}


def test_allocation_scores_are_those_the_recommendations_show(world) -> None:
    cohort = four_women(world)
    body = propose(world, {"survivor_ids": cohort})

    for a in body["assignments"]:
        shown = world.items(a["survivor_id"], limit=50)["items"]
        best = max(
            i["score"] for i in shown if i["track"] and i["track"]["code"] == a["track_code"]
        )
        assert a["score"] == best
    assert body["total_score"] == pytest.approx(sum(a["score"] for a in body["assignments"]))


def test_the_allocation_beats_arrival_order_and_shows_the_gain(world) -> None:
    cohort = four_women(world)
    body = propose(world, {"survivor_ids": cohort})

    quo = body["status_quo"]
    # First come, first served: the first two arrivals take the beauty seats.
    assert quo["assigned"] == body["stats"]["assigned"] == 4
    assert quo["first_choice"] == 2
    assert body["total_score"] > quo["total_score"]
    # Reversed arrival: the aptitude-5 women come first and arrival order is optimal too.
    reverse = propose(world, {"survivor_ids": [cohort[3], cohort[1], cohort[2], cohort[0]]})
    assert reverse["status_quo"]["total_score"] == pytest.approx(reverse["total_score"])


def test_the_cohort_figures_compare_the_proposal_arrival_order_and_the_seats(world) -> None:
    low, high, middle, high_too = four_women(world)
    body = propose(world, {"survivor_ids": [low, high, middle, high_too]})
    figures = body["figures"]
    assert set(figures) == {"pathways", "status_quo", "seats_allow"}
    names = {
        "survivors",
        "assigned",
        "first_choice",
        "top_two",
        "top_two_good",
        "talent_fit",
        "livable",
        "median_net_income_usd_month",
    }
    assert all(set(f) == names for f in figures.values())
    ours, quo, allow = figures["pathways"], figures["status_quo"], figures["seats_allow"]
    # Aptitude 3 or more in beauty: high, middle and high_too; two beauty seats.
    assert allow["top_two_good"] == allow["talent_fit"] == 2
    assert ours["top_two_good"] == ours["talent_fit"] == 2
    # Arrival order: low (aptitude 2) and high take the beauty seats.
    assert quo["top_two_good"] == quo["talent_fit"] == 1
    assert ours["assigned"] == quo["assigned"] == body["stats"]["assigned"] == 4
    assert ours["first_choice"] == body["stats"]["first_choice"]
    assert allow["median_net_income_usd_month"] is None
    # The median net income is that of the best pathway through each seat given.
    nets, livable = [], 0
    for a in body["assignments"]:
        shown = world.items(a["survivor_id"], limit=50)["items"]
        best = max(
            (i for i in shown if i["track"] and i["track"]["code"] == a["track_code"]),
            key=lambda i: i["score"],
        )
        nets.append(best["net_income_usd_month"])
        livable += best["meets_living_wage"]
    nets.sort()
    assert ours["median_net_income_usd_month"] == pytest.approx((nets[1] + nets[2]) / 2)
    assert ours["livable"] == livable


def test_a_survivor_a_hard_rule_keeps_out_is_told_the_rule(world) -> None:
    world.track("beauty-salon-srp", "SRP", "beauty", ["5142"], seats=2)
    stays_home = world.survivor(
        gender="female",
        aptitudes={"beauty": 5},
        preferences=["beauty-salon-srp", BEAUTY],
        relocation="home_only",
    )
    body = propose(world, {"survivor_ids": [stays_home]})

    (a,) = body["assignments"]
    assert a["track_code"] == BEAUTY and a["preference_rank"] == 2
    assert "beauty-salon-srp: not allowed for this survivor" in a["explanation"]


# --- Proposals and confirms -----------------------------------------------------------


def test_a_proposal_reserves_nothing_and_is_fetched_again_unchanged(world, session) -> None:
    body = propose(world, {"survivor_ids": four_women(world)})

    assert body["status"] == "proposed"
    assert reservations(session) == 0
    assert seats_available(world, BEAUTY) == 2
    again = world.client.get(f"/api/v1/allocations/{body['id']}", headers=world.counsellor)
    assert again.status_code == 200
    assert again.get_json() == body
    tracks = {t["code"]: t for t in body["tracks"]}
    assert tracks[BEAUTY]["seats_available"] == 2 and tracks[BEAUTY]["assigned"] == 2
    assert tracks[BEAUTY]["next_start"] == "2027-01-15"


def test_confirm_reserves_the_seats_and_seats_available_drops(world, session) -> None:
    cohort = four_women(world)
    body = propose(world, {"survivor_ids": cohort})

    response = confirm(world, body["id"])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "confirmed"
    assert reservations(session, BEAUTY) == 2
    assert reservations(session, TAILORING) == 2
    assert seats_available(world, BEAUTY) == 0
    assert seats_available(world, TAILORING) == 10
    held = session.execute(select(SeatReservation.survivor_id, Track.code).join(Track)).all()
    assert {(s, c) for s, c in held} == {
        (a["survivor_id"], a["track_code"]) for a in body["assignments"]
    }
    # The next cohort is offered only what is left.
    later = propose(world, {"survivor_ids": [woman(world, 5, "LATE-1")]})
    assert later["assignments"][0]["track_code"] == TAILORING
    assert BEAUTY not in {t["code"] for t in later["tracks"]}
    assert f"{BEAUTY}: no seat available this intake" in later["assignments"][0]["explanation"]


def test_a_second_confirm_is_a_conflict(world, session) -> None:
    body = propose(world, {"survivor_ids": four_women(world)})
    assert confirm(world, body["id"]).status_code == 200

    again = confirm(world, body["id"])
    assert again.status_code == 409
    assert "already confirmed" in again.get_json()["detail"]
    assert reservations(session) == 4


def test_a_stale_proposal_is_a_conflict_naming_the_track_and_reserves_nothing(
    world, session
) -> None:
    first = propose(world, {"survivor_ids": four_women(world, "A")})
    second = propose(world, {"survivor_ids": four_women(world, "B")})
    assert confirm(world, first["id"]).status_code == 200

    stale = confirm(world, second["id"])
    assert stale.status_code == 409
    problem = stale.get_json()
    assert BEAUTY in problem["detail"]
    assert any(e["field"] == f"tracks.{BEAUTY}" for e in problem["errors"])
    assert reservations(session) == 4  # the first proposal's only
    assert (
        world.client.get(
            f"/api/v1/allocations/{second['id']}", headers=world.counsellor
        ).get_json()["status"]
        == "proposed"
    )


def test_a_survivor_seated_meanwhile_is_a_conflict_at_confirm_and_left_out_of_proposals(
    world, session
) -> None:
    cohort = four_women(world)
    alone = propose(world, {"survivor_ids": [cohort[0]], "track_codes": [TAILORING]})
    together = propose(world, {"survivor_ids": cohort})
    assert confirm(world, together["id"]).status_code == 200

    late = confirm(world, alone["id"])
    assert late.status_code == 409
    assert f"survivor {cohort[0]}" in late.get_json()["detail"]
    assert reservations(session) == 4
    again = propose(world, {"survivor_ids": [cohort[1], woman(world, 5, "NEW")]}, status=409)
    assert str(cohort[1]) in again["detail"]
    assert "already holds a seat" in str(again["errors"])


def test_a_proposal_whose_intake_moved_is_a_conflict(world, session) -> None:
    body = propose(world, {"survivor_ids": four_women(world)})
    moved = world.client.patch(
        f"/api/v1/tracks/{BEAUTY}", json={"next_start": "2027-03-01"}, headers=world.surveyor
    )
    assert moved.status_code == 200, moved.get_json()

    response = confirm(world, body["id"])
    assert response.status_code == 409
    assert "2027-03-01" in str(response.get_json()["errors"])
    assert reservations(session) == 0


def test_two_confirms_racing_never_overbook(world, app, session) -> None:
    proposals = [propose(world, {"survivor_ids": four_women(world, p)})["id"] for p in "XY"]
    barrier = threading.Barrier(len(proposals))
    statuses: list[int] = []

    def run(allocation_id: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/api/v1/allocations/{allocation_id}/confirm", json={}, headers=world.counsellor
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=run, args=(p,)) for p in proposals]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert sorted(statuses) == [200, 409]
    assert reservations(session, BEAUTY) == 2
    assert seats_available(world, BEAUTY) == 0


# --- Bad input and access ---------------------------------------------------------------


def allocations(session) -> int:
    return int(session.scalar(select(func.count()).select_from(Allocation)))


def test_unknown_survivor_ids_are_listed(world, session) -> None:
    known = woman(world, 5, "K-1")
    problem = propose(world, {"survivor_ids": [known, 9001, 9002]}, status=422)
    assert "9001" in problem["detail"] and "9002" in problem["detail"]
    assert {e["field"] for e in problem["errors"]} == {"survivor_ids"}
    assert allocations(session) == 0


def test_unknown_track_codes_are_listed(world, session) -> None:
    known = woman(world, 5, "K-1")
    body = {"survivor_ids": [known], "track_codes": [BEAUTY, "no-such-track", "nor-this"]}
    problem = propose(world, body, status=422)
    assert "no-such-track" in problem["detail"] and "nor-this" in problem["detail"]
    assert allocations(session) == 0


def test_another_ngos_survivor_is_answered_like_an_unknown_id(world, token, session) -> None:
    ours = woman(world, 5, "K-1")
    other = auth(token("counsellor", org="Shelter B"))
    theirs = int(
        world.post(
            "/survivors",
            {"case_code": "B-1", "birth_year": 2000, "home_province": "KH-20", "literacy": "basic"},
            other,
        )["id"]
    )
    foreign = propose(world, {"survivor_ids": [ours, theirs]}, status=422)
    missing = propose(world, {"survivor_ids": [ours, theirs + 1000]}, status=422)
    # Nothing in the answer tells an id in use elsewhere from one that does not exist.
    assert foreign["detail"].replace(str(theirs), "N") == missing["detail"].replace(
        str(theirs + 1000), "N"
    )
    assert [e["field"] for e in foreign["errors"]] == ["survivor_ids"]
    assert allocations(session) == 0
    mine = propose(world, {"survivor_ids": [ours]})
    assert world.client.get(f"/api/v1/allocations/{mine['id']}", headers=other).status_code == 404
    assert confirm(world, mine["id"], other).status_code == 404
    assert reservations(session) == 0


def test_an_empty_or_repeated_cohort_is_unprocessable(world, session) -> None:
    one = woman(world, 5, "K-1")
    propose(world, {"survivor_ids": []}, status=422)
    repeated = propose(world, {"survivor_ids": [one, one]}, status=422)
    assert str(one) in repeated["detail"]
    propose(world, {"survivor_ids": [one], "track_codes": [BEAUTY, BEAUTY]}, status=422)
    propose(world, {"survivor_ids": ["one"]}, status=422)
    propose(world, {"survivor_ids": [one], "track_codes": []}, status=422)
    assert allocations(session) == 0


def test_no_track_with_a_free_seat_is_a_clear_conflict(world, session) -> None:
    full = propose(world, {"survivor_ids": four_women(world)})
    assert confirm(world, full["id"]).status_code == 200
    shrunk = world.client.patch(
        f"/api/v1/tracks/{TAILORING}", json={"seats": 2}, headers=world.surveyor
    )
    assert shrunk.status_code == 200, shrunk.get_json()

    problem = propose(world, {"survivor_ids": [woman(world, 5, "K-1")]}, status=409)
    assert "no track has a seat" in problem["detail"].lower()
    assert allocations(session) == 1


def test_employers_may_not_allocate(world, token, session) -> None:
    one = woman(world, 5, "K-1")
    employer = auth(token("employer", org="Some employer"))
    propose(world, {"survivor_ids": [one]}, employer, status=403)
    mine = propose(world, {"survivor_ids": [one]})
    assert (
        world.client.get(f"/api/v1/allocations/{mine['id']}", headers=employer).status_code == 403
    )
    assert confirm(world, mine["id"], employer).status_code == 403
    assert reservations(session) == 0


def test_an_admin_may_allocate_and_confirm_one_ngos_cohort(world, token, session) -> None:
    cohort = four_women(world)
    other = auth(token("counsellor", org="Shelter B"))
    body = {"case_code": "B-1", "birth_year": 2000, "home_province": "KH-20", "literacy": "basic"}
    theirs = int(world.post("/survivors", body, other)["id"])
    mixed = propose(world, {"survivor_ids": [*cohort, theirs]}, world.admin, status=422)
    assert "several NGOs" in mixed["detail"]

    allocation = propose(world, {"survivor_ids": cohort}, world.admin)
    assert confirm(world, allocation["id"], world.admin).status_code == 200
    assert reservations(session) == 4
    # The NGO's counsellor sees the allocation the admin made for its cohort.
    url = f"/api/v1/allocations/{allocation['id']}"
    assert world.client.get(url, headers=world.counsellor).get_json()["status"] == "confirmed"


# --- The command line -----------------------------------------------------------------


def test_cli_allocate_proposes_then_confirms(world, runner, session) -> None:
    ids = ",".join(str(i) for i in four_women(world))
    proposal = runner.invoke(args=["allocate", "--org", "Shelter A", "--survivors", ids])
    assert proposal.exit_code == 0, proposal.output
    assert "first choice" in proposal.output and "status quo" in proposal.output
    assert "top two, good at" in proposal.output and "seats allow" in proposal.output
    assert proposal.output.count(f"Given {BEAUTY}") == 2
    assert reservations(session) == 0

    confirmed = runner.invoke(
        args=["allocate", "--org", "Shelter A", "--survivors", ids, "--confirm"]
    )
    assert confirmed.exit_code == 0, confirmed.output
    assert "4 seats reserved" in confirmed.output
    assert reservations(session) == 4
    assert seats_available(world, BEAUTY) == 0
    newcomer = woman(world, 5, "NEW")
    rest = runner.invoke(args=["allocate", "--org", "Shelter A", "--all"])
    assert rest.exit_code == 0, rest.output
    assert "4 survivors already hold a seat and are left out" in rest.output
    assert [
        line.split(":")[0] for line in rest.output.splitlines() if line.startswith("survivor ")
    ] == [f"survivor {newcomer}"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--survivors", "1,x"], "--survivors"),
        (["--survivors", "9001"], "9001"),
        ([], "--survivors"),
        (["--all", "--tracks", "no-such-track"], "no-such-track"),
    ],
)
def test_cli_allocate_bad_input_is_one_line_and_fails(world, runner, session, args, message):
    woman(world, 5, "K-1")
    result = runner.invoke(args=["allocate", "--org", "Shelter A", *args])
    assert result.exit_code != 0
    lines = [line for line in result.output.strip().splitlines() if line]
    assert len(lines) == 1 and message in lines[0], result.output
    assert allocations(session) == 0


def test_cli_allocates_the_sample_shelter(runner, session) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    result = runner.invoke(args=["allocate", "--org", "Svay Rieng Shelter", "--all"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("survivor ")]
    assert len(lines) == 5
    assert "Given " in result.output
    assert reservations(session) == 0
