"""Lure detection: the admin's list of towns and employers no one is sent to is a hard
rule with its reason, and a vacancy that looks like a trafficker's offer is held for an
admin's review and never recommended or referred to until it is cleared."""

from __future__ import annotations

import pytest

from tests.api.builders import World, assert_problem, job
from tests.conftest import auth


@pytest.fixture
def world(client, token) -> World:
    w = World(client, token)
    # Garment sewing (8153) is learned on the job; the season pays it US$180 to 220.
    w.season([job("PNH", "8153", 180, 220), job("SVR", "8153", 180, 220)])
    return w


def _employer_id(world: World, name: str) -> int:
    headers = auth(world.token("employer", org=name))
    return int(world.client.get("/api/v1/employers", headers=headers).get_json()["items"][0]["id"])


def _vacancy(world: World, vacancy_id: int):
    return world.client.get(f"/api/v1/vacancies/{vacancy_id}", headers=world.admin).get_json()


def _offered(world: World, survivor: int) -> dict[int, dict]:
    body = world.items(survivor, limit=100, include_excluded=True)
    return {i["vacancy_id"]: i for i in body["items"] if i["vacancy_id"]}, {
        e["vacancy_id"]: e["reason"] for e in body["excluded"] if e["vacancy_id"]
    }


def test_a_listed_town_is_never_offered_and_the_reason_is_the_admins(world) -> None:
    vacancy = world.vacancy("Phnom Penh Garments", "8153", "PNH", 200)
    survivor = world.survivor(relocation="anywhere")
    offered, _ = _offered(world, survivor)
    assert vacancy in offered
    world.post(
        "/avoid-list",
        {"kind": "town", "town": "PNH", "reason": "scam compounds recruit here"},
        world.admin,
    )
    offered, excluded = _offered(world, survivor)
    assert vacancy not in offered
    assert excluded[vacancy] == (
        "Work in Phnom Penh, a town no one is sent to: scam compounds recruit here"
    )
    body = world.items(survivor, limit=100)
    assert all(i["town"]["code"] != "PNH" for i in body["items"])
    assert all((i["track"] or {}).get("town") != "PNH" for i in body["items"])


def test_a_listed_employer_is_never_offered(world) -> None:
    vacancy = world.vacancy("Lucky Star Recruiting", "8153", "SVR", 200)
    survivor = world.survivor()
    employer = _employer_id(world, "Lucky Star Recruiting")
    entry = world.post(
        "/avoid-list",
        {"kind": "employer", "employer_id": employer, "reason": "reported by a shelter"},
        world.admin,
    )
    offered, excluded = _offered(world, survivor)
    assert vacancy not in offered
    assert "reported by a shelter" in excluded[vacancy]
    listed = world.client.get("/api/v1/avoid-list", headers=world.admin).get_json()["items"]
    assert [e["employer_id"] for e in listed] == [employer]
    gone = world.client.delete(f"/api/v1/avoid-list/{entry['id']}", headers=world.admin)
    assert gone.status_code == 204
    offered, _ = _offered(world, survivor)
    assert vacancy in offered


def test_pay_far_above_the_market_for_work_learned_on_the_job_is_held(world) -> None:
    fair = world.vacancy("Fair Garments", "8153", "SVR", 300)  # 1.5 x the season's 200
    lure = world.vacancy("Golden Future Ltd", "8153", "SVR", 900)  # 4.5 x
    assert _vacancy(world, fair)["review"] is None
    assert _vacancy(world, lure)["review"] == "held"
    held = world.client.get("/api/v1/vacancies/held", headers=world.admin).get_json()["items"]
    assert [v["id"] for v in held] == [lure]
    assert "more than 2 times the season's US$200" in held[0]["review_reason"]

    survivor = world.survivor()
    offered, excluded = _offered(world, survivor)
    assert fair in offered and lure not in offered
    assert excluded[lure] == "The vacancy is held for an admin's review: it may be a lure"
    counsellor_list = world.client.get("/api/v1/vacancies", headers=world.counsellor).get_json()
    assert lure not in [v["id"] for v in counsellor_list["items"]]
    # A counsellor cannot refer to it either, even by its id.
    world.client.post(
        f"/api/v1/survivors/{survivor}/consents",
        json={"given": True, "method": "written"},
        headers=world.counsellor,
    )
    refused = world.client.post(
        f"/api/v1/vacancies/{lure}/referrals",
        json={"survivor_id": survivor},
        headers=world.counsellor,
    )
    assert_problem(refused, 404)

    cleared = world.post(
        f"/vacancies/{lure}/review", {"decision": "clear", "note": "piece rates"}, world.admin, 200
    )
    assert cleared["review"] == "cleared"
    offered, _ = _offered(world, survivor)
    assert lure in offered


def test_a_rejected_vacancy_is_never_offered_and_a_review_needs_a_held_one(world) -> None:
    lure = world.vacancy("Golden Future Ltd", "8153", "SVR", 900)
    world.post(f"/vacancies/{lure}/review", {"decision": "reject"}, world.admin, 200)
    offered, _ = _offered(world, world.survivor())
    assert lure not in offered
    fair = world.vacancy("Fair Garments", "8153", "SVR", 250)
    problem = assert_problem(
        world.client.post(
            f"/api/v1/vacancies/{fair}/review", json={"decision": "clear"}, headers=world.admin
        ),
        409,
    )
    assert "not held" in problem["detail"]


def test_the_same_pay_for_work_that_needs_training_is_not_a_lure(world) -> None:
    # Motorcycle repair (7231) is not learned on the job: skilled pay is no sign.
    vacancy = world.vacancy("Skilled Garage", "7231", "SVR", 900)
    assert _vacancy(world, vacancy)["review"] is None


def test_living_on_site_in_a_listed_town_is_held(world) -> None:
    world.post("/avoid-list", {"kind": "town", "town": "SHV", "reason": "casinos"}, world.admin)
    vacancy = world.vacancy("Bay Resort", "8153", "SHV", 200, provides_room=True)
    body = _vacancy(world, vacancy)
    assert body["review"] == "held"


def test_raising_a_cleared_vacancys_pay_far_above_the_market_holds_it_again(world) -> None:
    vacancy = world.vacancy("Fair Garments", "8153", "SVR", 250)
    tok = auth(world.token("employer", org="Fair Garments"))
    version = world.client.get(f"/api/v1/vacancies/{vacancy}", headers=tok).headers["ETag"]
    changed = world.client.patch(
        f"/api/v1/vacancies/{vacancy}", json={"pay": 1000}, headers={**tok, "If-Match": version}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["review"] == "held"


def test_bad_avoid_list_entries_are_422_naming_the_field_and_a_repeat_is_409(world) -> None:
    for body, field in (
        ({"kind": "town", "town": "XXX", "reason": "r"}, "town"),
        ({"kind": "employer", "reason": "r"}, "employer_id"),
        ({"kind": "village", "town": "PNH", "reason": "r"}, "kind"),
        ({"kind": "town", "town": "PNH"}, "reason"),
    ):
        response = world.client.post("/api/v1/avoid-list", json=body, headers=world.admin)
        assert assert_problem(response, 422)["errors"][0]["field"] == field
    world.post("/avoid-list", {"kind": "town", "town": "PNH", "reason": "r"}, world.admin)
    again = world.client.post(
        "/api/v1/avoid-list",
        json={"kind": "town", "town": "PNH", "reason": "r"},
        headers=world.admin,
    )
    assert_problem(again, 409)


def test_the_avoid_list_from_the_shell_is_the_same_list(world, runner) -> None:
    vacancy = world.vacancy("Phnom Penh Garments", "8153", "PNH", 200)
    survivor = world.survivor(relocation="anywhere")
    assert runner.invoke(args=["avoid-list", "list"]).output.strip() == "The avoid list is empty."
    added = runner.invoke(
        args=["avoid-list", "add", "--town", "PNH", "--reason", "scam compounds recruit here"]
    )
    assert added.exit_code == 0, added.output
    entry = int(added.output.split()[2].rstrip(":"))
    offered, excluded = _offered(world, survivor)
    assert vacancy not in offered
    assert excluded[vacancy].endswith("a town no one is sent to: scam compounds recruit here")
    listed = runner.invoke(args=["avoid-list", "list"]).output
    assert listed.strip() == f"{entry}  town PNH  scam compounds recruit here"
    api = world.client.get("/api/v1/avoid-list", headers=world.admin).get_json()["items"]
    assert [(e["id"], e["town"]) for e in api] == [(entry, "PNH")]

    removed = runner.invoke(args=["avoid-list", "remove", str(entry)])
    assert removed.exit_code == 0 and removed.output.strip() == f"Removed entry {entry}."
    offered, _ = _offered(world, survivor)
    assert vacancy in offered


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["add", "--town", "XXX", "--reason", "r"], "Name a town by its code. (town: unknown"),
        (["add", "--employer", "999999", "--reason", "r"], "Name an employer by its id."),
        (["add", "--employer", "ten", "--reason", "r"], "--employer must be a whole number"),
        (["add", "--town", "PNH", "--employer", "1", "--reason", "r"], "exactly one of"),
        (["add", "--town", "PNH", "--reason", "  "], "(reason: Length must be between 1 and"),
        (["add", "--town", "PNH", "--reason", "a\x00b"], "(reason: must not contain NUL"),
        (["remove", "424242"], "There is no avoid-list entry 424242."),
        (["remove", "1.5"], "ENTRY must be a whole number"),
    ],
)
def test_a_bad_avoid_list_command_says_why_in_one_line_and_writes_nothing(
    world, runner, args, said
) -> None:
    result = runner.invoke(args=["avoid-list", *args])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and said in lines[0], result.output
    assert world.client.get("/api/v1/avoid-list", headers=world.admin).get_json()["items"] == []


def test_the_same_town_twice_from_the_shell_is_refused(world, runner) -> None:
    first = runner.invoke(args=["avoid-list", "add", "--town", "BVT", "--reason", "casinos"])
    assert first.exit_code == 0
    again = runner.invoke(args=["avoid-list", "add", "--town", "BVT", "--reason", "again"])
    assert again.exit_code != 0
    assert again.output.strip() == "Error: That town is on the avoid list already."
    items = world.client.get("/api/v1/avoid-list", headers=world.admin).get_json()["items"]
    assert [e["reason"] for e in items] == ["casinos"]
