"""The administrator's safety pages: the avoid list, held vacancies and the outcome
models, through a test client as a signed-in admin."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from api.store.models import AuditEvent, AvoidEntry
from tests.api.builders import World, job
from tests.conftest import csrf, sign_in


def _post(client, path: str, data: dict, page: str):
    return client.post(path, data={**data, "csrf_token": csrf(client.get(page))})


def _world(client, token) -> World:
    w = World(client, token)
    w.season([job("PNH", "8153", 180, 220), job("SVR", "8153", 180, 220)])
    return w


def test_an_admin_puts_a_town_on_the_avoid_list_and_takes_it_off(
    client, token, user, session
) -> None:
    world = _world(client, token)
    survivor = world.survivor(relocation="anywhere")
    sign_in(client, user("admin"))
    page = client.get("/admin/safety").get_data(as_text=True)
    assert "The avoid list is empty." in page and "No vacancy is held for review." in page
    added = _post(
        client,
        "/admin/safety/avoid",
        {"kind": "town", "town": "PNH", "reason": "scam compounds recruit here"},
        "/admin/safety",
    )
    assert added.status_code == 302
    page = client.get("/admin/safety").get_data(as_text=True)
    assert "Town: Phnom Penh" in page and "scam compounds recruit here" in page
    items = world.items(survivor, limit=100)["items"]
    assert items and all(i["town"]["code"] != "PNH" for i in items)
    entry = session.scalar(select(AvoidEntry.id))
    removed = _post(client, f"/admin/safety/avoid/{entry}/remove", {}, "/admin/safety")
    assert removed.status_code == 302
    assert "The avoid list is empty." in client.get("/admin/safety").get_data(as_text=True)
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "avoid_entry")
    ).all()
    assert sorted(actions) == ["create", "delete"]


def test_an_avoid_entry_without_a_reason_or_twice_is_refused_in_the_frame(
    client, user, session
) -> None:
    sign_in(client, user("admin"))
    bad = _post(client, "/admin/safety/avoid", {"kind": "town", "town": "PNH"}, "/admin/safety")
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Nothing was saved." in text and "Say why, in up to 2000 characters." in text
    assert "<nav" in text  # the site's frame, with its way back
    assert session.scalar(select(func.count()).select_from(AvoidEntry)) == 0
    # The form loads with the API's own schema: text no database stores is named.
    nul = {"kind": "town", "town": "PNH", "reason": "casinos\x00"}
    bad = _post(client, "/admin/safety/avoid", nul, "/admin/safety")
    assert bad.status_code == 422
    assert "must not contain NUL characters" in bad.get_data(as_text=True)
    client.get("/admin/safety?lang=km")
    bad = _post(client, "/admin/safety/avoid", nul, "/admin/safety")
    assert bad.status_code == 422
    assert "មិនត្រូវមានតួអក្សរ NUL ទេ" in bad.get_data(as_text=True)  # the book says it
    client.get("/admin/safety?lang=en")
    no_employer = {"kind": "employer", "employer_id": "", "reason": "recruits children"}
    bad = _post(client, "/admin/safety/avoid", no_employer, "/admin/safety")
    assert bad.status_code == 422 and "choose one" in bad.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(AvoidEntry)) == 0
    form = {"kind": "town", "town": "BVT", "reason": "casinos"}
    assert _post(client, "/admin/safety/avoid", form, "/admin/safety").status_code == 302
    again = _post(client, "/admin/safety/avoid", form, "/admin/safety")
    assert again.status_code == 422
    assert "That town is on the avoid list already." in again.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(AvoidEntry)) == 1


def test_an_admin_clears_a_held_vacancy_after_reading_what_looked_wrong(
    client, token, user
) -> None:
    world = _world(client, token)
    lure = world.vacancy("Golden Future Ltd", "8153", "SVR", 900)  # 4.5 x the season's pay
    sign_in(client, user("admin"))
    page = client.get("/admin/safety").get_data(as_text=True)
    assert "Golden Future Ltd" in page and "more than 2 times the season" in page
    no_note = _post(
        client, f"/admin/safety/vacancies/{lure}/review", {"decision": "clear"}, "/admin/safety"
    )
    assert no_note.status_code == 422
    assert client.get("/api/v1/vacancies/held", headers=world.admin).get_json()["items"]
    cleared = _post(
        client,
        f"/admin/safety/vacancies/{lure}/review",
        {"decision": "clear", "note": "piece rates at harvest"},
        "/admin/safety",
    )
    assert cleared.status_code == 302
    assert client.get("/api/v1/vacancies/held", headers=world.admin).get_json()["items"] == []
    assert "No vacancy is held for review." in client.get("/admin/safety").get_data(as_text=True)


def test_the_safety_and_model_pages_are_for_admins_only(client, user) -> None:
    sign_in(client, user("counsellor"))
    for path in ("/admin/safety", "/admin/models"):
        response = client.get(path)
        assert response.status_code == 403, path


def test_without_outcomes_the_models_page_says_how_many_are_needed(client, user) -> None:
    sign_in(client, user("admin"))
    page = client.get("/admin/models").get_data(as_text=True)
    assert re.search(r"0 placements have a follow-up; a model is trained from \d+", page)
    refused = _post(client, "/admin/models/train", {"activate": "1"}, "/admin/models")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "No model was trained." in text and "placements have a follow-up" in text
