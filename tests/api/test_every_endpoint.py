"""The access matrix: every route of the app's URL map under /api/v1, every method, every
actor, with the status each must get, so that a new endpoint cannot forget the rules.

Every record in a URL belongs to the first organisation of its kind ("A": shelter A's
survivor, garage A's vacancy and the referral to it, the surveyor's draft season...).
So ``counsellor_b`` and ``employer_b`` ask for another organisation's record (404),
``employer_unvetted`` is an employer with a pending profile, and a role an endpoint is
not for gets 403. The rows run in order on one world; a write an actor is allowed runs
on a record made for it (``PREPARE``) when the write would use its record up.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from api import create_app
from api.auth import OPEN_ENDPOINTS, issue_token, roles_of
from api.store.models import Base
from tests.api.access_world import ACTORS, SURVEY_NGO, AccessWorld, survivor_body
from tests.api.builders import job
from tests.api.casework_factories import SVR_COSTS
from tests.api.catalog_factories import track_body, vacancy_body
from tests.conftest import database_url

OPEN = {
    "/api/v1/health",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/docs/static/<path:filename>",
}

# anon: no token. c_a: counsellor of shelter A (owns the survivors in the URLs);
# c_b: counsellor of shelter B; e_a: vetted employer owning the vacancy and referral in
# the URLs; e_un: an employer whose profile is still pending; e_b: another vetted
# employer; surv: the surveyor owning the draft season and the track; admin.
MATRIX_TEXT = """
method rule                                               anon  c_a  c_b  e_a e_un  e_b surv admin
GET    /me                                                 401  200  200  200  200  200  200   200
GET    /organisations                                      401  403  403  403  403  403  403   200
POST   /tokens                                             401  403  403  403  403  403  403   201
GET    /provinces                                          401  200  200  200  200  200  200   200
GET    /towns                                              401  200  200  200  200  200  200   200
GET    /occupations                                        401  200  200  200  200  200  200   200
GET    /skill-families                                     401  200  200  200  200  200  200   200
GET    /seasons                                            401  200  200  200  200  200  200   200
GET    /seasons/current                                    401  200  200  200  200  200  200   200
GET    /seasons/<season_id>                                401  200  200  200  200  200  200   200
GET    /seasons/<season_id>/jobs                           401  200  200  200  200  200  200   200
GET    /seasons/<season_id>/living_costs                   401  200  200  200  200  200  200   200
GET    /seasons/<season_id>/diff                           401  200  200  200  200  200  200   200
POST   /seasons/<season_id>/survey                         401  403  403  403  403  403  200   200
POST   /seasons/<season_id>/publish                        401  403  403  403  403  403  200   200
DELETE /seasons/<season_id>                                401  403  403  403  403  403  204   204
POST   /seasons                                            401  403  403  403  403  403  201   201
GET    /tracks                                             401  200  200  200  200  200  200   200
GET    /tracks/<code>                                      401  200  200  200  200  200  200   200
POST   /tracks                                             401  403  403  403  403  403  201   201
PATCH  /tracks/<code>                                      401  403  403  403  403  403  200   200
GET    /employers                                          401  200  200  200  200  200  403   200
GET    /employers/<employer_id>                            401  200  200  200  404  404  403   200
POST   /employers                                          401  403  403  409  409  409  403   403
POST   /employers/<employer_id>/vetting                    401  403  403  403  403  403  403   200
GET    /vacancies                                          401  200  200  200  200  200  403   200
GET    /vacancies/<vacancy_id>                             401  200  200  200  404  404  403   200
POST   /vacancies                                          401  403  403  201  201  201  403   403
PATCH  /vacancies/<vacancy_id>                             401  403  403  200  404  404  403   200
GET    /survivors                                          401  200  200  403  403  403  403   200
GET    /survivors/<survivor_id>                            401  200  404  403  403  403  403   200
POST   /survivors                                          401  201  201  403  403  403  403   403
PATCH  /survivors/<survivor_id>                            401  200  404  403  403  403  403   403
GET    /survivors/<survivor_id>/recommendations            401  200  404  403  403  403  403   200
GET    /survivors/<survivor_id>/recommendations/<rec_id>   401  200  404  403  403  403  403   200
POST   /survivors/<survivor_id>/recommendations            401  201  404  403  403  403  403   403
GET    /survivors/<survivor_id>/consents                   401  200  404  403  403  403  403   200
POST   /survivors/<survivor_id>/consents                   401  201  404  403  403  403  403   403
POST   /allocations                                        401  201  422  403  403  403  403   201
GET    /allocations/<allocation_id>                        401  200  404  403  403  403  403   200
POST   /allocations/<allocation_id>/confirm                401  200  404  403  403  403  403   200
GET    /referrals                                          401  200  200  200  200  200  403   200
GET    /referrals/<referral_id>                            401  200  404  200  404  404  403   200
GET    /vacancies/<vacancy_id>/referrals                   401  200  200  200  404  404  403   200
POST   /vacancies/<vacancy_id>/referrals                   401  201  404  403  403  403  403   403
POST   /referrals/<referral_id>/decision                   401  403  403  200  404  404  403   403
POST   /referrals/<referral_id>/withdraw                   401  200  404  403  403  403  403   403
POST   /placements                                         401  201  404  403  403  403  403   403
GET    /placements/<placement_id>                          401  200  404  403  403  403  403   200
GET    /survivors/<survivor_id>/placements                 401  200  404  403  403  403  403   200
POST   /placements/<placement_id>/follow-ups               401  201  404  403  403  403  403   403
GET    /placements/<placement_id>/follow-ups               401  200  404  403  403  403  403   200
GET    /follow-ups/due                                     401  200  200  403  403  403  403   200
POST   /placements/<placement_id>/end                      401  200  404  403  403  403  403   403
POST   /survivors/<survivor_id>/closure                    401  201  404  403  403  403  403   403
GET    /reports/outcomes                                   401  200  200  200  200  200  403   200
DELETE /tokens/<prefix>                                    401  403  403  403  403  403  403   204
GET    /audit                                              401  403  403  403  403  403  403   200
GET    /avoid-list                                         401  403  403  403  403  403  403   200
POST   /avoid-list                                         401  403  403  403  403  403  403   201
DELETE /avoid-list/<entry_id>                              401  403  403  403  403  403  403   204
GET    /vacancies/held                                     401  403  403  403  403  403  403   200
POST   /vacancies/<vacancy_id>/review                      401  403  403  403  403  403  403   200
GET    /models                                             401  403  403  403  403  403  403   200
GET    /models/current                                     401  403  403  403  403  403  403   404
POST   /models/<version>/activate                          401  403  403  403  403  403  403   404
POST   /models/train                                       401  403  403  403  403  403  403   422
POST   /users                                              401  403  403  403  403  403  403   201
"""

COLUMNS = dict(
    zip(
        ("anon", "c_a", "c_b", "e_a", "e_un", "e_b", "surv", "admin"),
        ACTORS,
        strict=True,
    )
)


def _parse(text: str) -> dict[tuple[str, str], dict[str, int]]:
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    actors = [COLUMNS[name] for name in header[2:]]
    matrix = {}
    for method, rule, *statuses in rows:
        assert (method, rule) not in matrix, f"{method} {rule} has two rows"
        assert len(statuses) == len(actors), f"{method} {rule}: one status per actor"
        matrix[method, rule] = dict(zip(actors, map(int, statuses), strict=True))
    return matrix


MATRIX = _parse(MATRIX_TEXT)

# What each list may show each actor, by the names of the world's records: the items it
# lists must be exactly these among the records of that kind.
LISTS: dict[str, tuple[str, dict[str, set[str]]]] = {
    "/survivors": (
        "survivor",
        {
            "counsellor_a": {"survivor_a", "survivor_spare"},
            "counsellor_b": {"survivor_b"},
            "admin": {"survivor_a", "survivor_b", "survivor_spare"},
        },
    ),
    "/vacancies": (
        "vacancy",
        {
            "counsellor_a": {"vacancy_a", "vacancy_b"},
            "counsellor_b": {"vacancy_a", "vacancy_b"},
            "employer_a": {"vacancy_a"},
            "employer_b": {"vacancy_b"},
            "employer_unvetted": {"vacancy_unvetted"},
            "admin": {"vacancy_a", "vacancy_b", "vacancy_unvetted"},
        },
    ),
    "/employers": (
        "employer",
        {
            "counsellor_a": {"employer_a", "employer_b"},
            "counsellor_b": {"employer_a", "employer_b"},
            "employer_a": {"employer_a"},
            "employer_b": {"employer_b"},
            "employer_unvetted": {"employer_unvetted"},
            "admin": {"employer_a", "employer_b", "employer_unvetted"},
        },
    ),
    "/referrals": (
        "referral",
        {
            "counsellor_a": {"referral_a"},
            "counsellor_b": {"referral_b"},
            "employer_a": {"referral_a"},
            "employer_b": {"referral_b"},
            "employer_unvetted": set(),
            "admin": {"referral_a", "referral_b"},
        },
    ),
    "/vacancies/<vacancy_id>/referrals": (
        "referral",
        {
            "counsellor_a": {"referral_a"},
            "counsellor_b": set(),
            "employer_a": {"referral_a"},
            "admin": {"referral_a"},
        },
    ),
    "/survivors/<survivor_id>/placements": (
        "placement",
        {"counsellor_a": {"placement_a"}, "admin": {"placement_a"}},
    ),
}

# Query strings a request needs to be answered at all.
QUERIES: dict[tuple[str, str], Callable[[AccessWorld], str]] = {
    ("GET", "/seasons/<season_id>/diff"): lambda w: f"?against={w.ids['season_published']}",
}

# The URL's parameters: the records of "A".
PARAMS = {
    "season_id": "season_draft",
    "code": "track",
    "employer_id": "employer_a",
    "vacancy_id": "vacancy_a",
    "survivor_id": "survivor_a",
    "rec_id": "recommendation_a",
    "allocation_id": "allocation_a",
    "referral_id": "referral_a",
    "placement_id": "placement_a",
    "prefix": "token_prefix",
    "entry_id": "avoid_entry",
    "version": "model_version",
}

_serial = itertools.count(1)


def _unique(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"


# The body each write is sent with, by every actor (so that a 404 or 403 is the answer
# to who is asking, not to a body the schema refuses).
BODIES: dict[tuple[str, str], Callable[[AccessWorld], Any]] = {
    ("POST", "/tokens"): lambda w: {"org": "New NGO (matrix)", "role": "counsellor"},
    ("POST", "/users"): lambda w: {
        "username": _unique("matrix-user"),
        "role": "counsellor",
        "password": "a long enough pass phrase",
    },
    # Too few outcomes in the world to train on: the admin's answer is a 422 saying so.
    ("POST", "/models/train"): lambda w: {},
    ("POST", "/seasons"): lambda w: {
        "label": _unique("matrix"),
        "khr_per_usd": 4000,
        "minimum_wage_usd_month": 50,
        "living_wage_usd_month": 88.75,
    },
    ("POST", "/seasons/<season_id>/survey"): lambda w: {
        "table": "living_costs",
        "rows": [{"town": "SVR", "food": 60, "room": 30, "other": 20, "currency": "USD"}],
    },
    ("POST", "/seasons/<season_id>/publish"): lambda w: {},
    ("POST", "/tracks"): lambda w: track_body(code=_unique("matrix-track"), provider=SURVEY_NGO),
    ("PATCH", "/tracks/<code>"): lambda w: {"seats": 11},
    ("POST", "/employers"): lambda w: {
        "name": "Another profile",
        "town": "SVR",
        "sector": "garage",
        "contact": "owner",
    },
    ("POST", "/employers/<employer_id>/vetting"): lambda w: {
        "status": "vetted",
        "note": "visited again",
    },
    ("POST", "/vacancies"): lambda w: vacancy_body(),
    ("PATCH", "/vacancies/<vacancy_id>"): lambda w: {"positions": 6},
    ("POST", "/survivors"): lambda w: survivor_body(_unique("MX-NEW")),
    ("PATCH", "/survivors/<survivor_id>"): lambda w: {"literacy": "functional"},
    ("POST", "/survivors/<survivor_id>/recommendations"): lambda w: {"limit": 3},
    ("POST", "/survivors/<survivor_id>/consents"): lambda w: {
        "given": True,
        "method": "verbal",
        "guardian_consented": False,
    },
    ("POST", "/allocations"): lambda w: {"survivor_ids": [w.ids["survivor_a"]]},
    ("POST", "/allocations/<allocation_id>/confirm"): lambda w: {},
    ("POST", "/vacancies/<vacancy_id>/referrals"): lambda w: {
        "survivor_id": w.ids["survivor_spare"]
    },
    ("POST", "/referrals/<referral_id>/decision"): lambda w: {
        "decision": "accept",
        "reason": "met the candidate",
    },
    ("POST", "/referrals/<referral_id>/withdraw"): lambda w: {"reason": "moved"},
    ("POST", "/placements"): lambda w: {
        "survivor_id": w.ids["survivor_a"],
        "kind": "job",
        "started_on": "2026-03-01",
        "occupation": "7231",
        "town": "SVR",
        "employer_name": "a market stall",
    },
    ("POST", "/placements/<placement_id>/follow-ups"): lambda w: {
        "date": "2026-04-05",
        "employed": True,
        "monthly_income": 160,
    },
    ("POST", "/placements/<placement_id>/end"): lambda w: {
        "ended_on": "2026-06-01",
        "reason": "completed",
    },
    ("POST", "/avoid-list"): lambda w: {
        "kind": "employer",
        "employer_id": w.ids["employer_unvetted"],
        "reason": "known to recruit for a scam compound",
    },
    ("POST", "/vacancies/<vacancy_id>/review"): lambda w: {"decision": "clear", "note": "ok"},
    ("POST", "/survivors/<survivor_id>/closure"): lambda w: {
        "reason": "untraceable",
        "note": "moved away",
    },
}


def _fresh_draft(world: AccessWorld, actor: str) -> dict[str, Any]:
    body = BODIES["POST", "/seasons"](world)
    draft = world.call("surveyor", "POST", "/seasons", body).get_json()["id"]
    # A complete survey: the jobs' town has its living costs, so publishing it is allowed.
    costs = {"table": "living_costs", "rows": [{"town": "SVR", **SVR_COSTS, "currency": "USD"}]}
    world.call("surveyor", "POST", f"/seasons/{draft}/survey", costs)
    jobs = {"table": "jobs", "rows": [JOB_ROW]}
    world.call("surveyor", "POST", f"/seasons/{draft}/survey", jobs)
    return {"season_id": draft}


JOB_ROW = job("SVR", "7231", 150, 200, openings=5)


def _fresh_allocation(world: AccessWorld, actor: str) -> dict[str, Any]:
    body = {"survivor_ids": [_fresh_survivor(world, actor)["survivor_id"]]}
    made = world.call("counsellor_a", "POST", "/allocations", body).get_json()
    return {"allocation_id": made["id"]}


def _fresh_referral(world: AccessWorld, actor: str) -> dict[str, Any]:
    made = world.call("counsellor_a", "POST", "/survivors", survivor_body(_unique("MX")))
    survivor = made.get_json()["id"]
    consent = {"given": True, "method": "written", "guardian_consented": False}
    world.call("counsellor_a", "POST", f"/survivors/{survivor}/consents", consent)
    referral = world.call(
        "counsellor_a",
        "POST",
        f"/vacancies/{world.ids['vacancy_a']}/referrals",
        {"survivor_id": survivor},
    )
    return {"referral_id": referral.get_json()["id"]}


def _fresh_placement(world: AccessWorld, actor: str) -> dict[str, Any]:
    body = BODIES["POST", "/placements"](world)
    made = world.call("counsellor_a", "POST", "/placements", body).get_json()
    return {"placement_id": made["id"]}


def _fresh_survivor(world: AccessWorld, actor: str) -> dict[str, Any]:
    made = world.call("counsellor_a", "POST", "/survivors", survivor_body(_unique("MX")))
    return {"survivor_id": made.get_json()["id"]}


def _fresh_token(world: AccessWorld, actor: str) -> dict[str, Any]:
    body = {"org": SHELTER_SPARE, "role": "counsellor", "user": _unique("spare")}
    return {"prefix": world.call("admin", "POST", "/tokens", body).get_json()["prefix"]}


SHELTER_SPARE = "Spare shelter (matrix)"


def _fresh_avoid_entry(world: AccessWorld, actor: str) -> dict[str, Any]:
    body = {"kind": "town", "town": "TKM", "reason": "made to be removed"}
    return {"entry_id": world.call("admin", "POST", "/avoid-list", body).get_json()["id"]}


def _held_vacancy(world: AccessWorld, actor: str) -> dict[str, Any]:
    """A vacancy that asks its worker to live on site in a listed town: held."""
    body = vacancy_body(town="SHV", provides_room=True)
    made = world.call("employer_a", "POST", "/vacancies", body).get_json()
    assert made["review"] == "held", made
    return {"vacancy_id": made["id"]}


# Writes that use their record up (a season published or deleted, a referral decided, a
# case closed...): an actor allowed to make one makes it on a record made for it.
PREPARE: dict[tuple[str, str], Callable[[AccessWorld, str], dict[str, Any]]] = {
    ("POST", "/seasons/<season_id>/publish"): _fresh_draft,
    ("DELETE", "/seasons/<season_id>"): _fresh_draft,
    ("POST", "/allocations/<allocation_id>/confirm"): _fresh_allocation,
    ("POST", "/referrals/<referral_id>/decision"): _fresh_referral,
    ("POST", "/referrals/<referral_id>/withdraw"): _fresh_referral,
    ("POST", "/placements/<placement_id>/end"): _fresh_placement,
    ("POST", "/survivors/<survivor_id>/closure"): _fresh_survivor,
    ("DELETE", "/tokens/<prefix>"): _fresh_token,
    ("DELETE", "/avoid-list/<entry_id>"): _fresh_avoid_entry,
    ("POST", "/vacancies/<vacancy_id>/review"): _held_vacancy,
}


def api_routes(app: Flask) -> Iterator[tuple[str, str]]:
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule in OPEN:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, short(rule.rule)


def short(rule: str) -> str:
    """A URL map rule as the matrix writes it: without /api/v1 and the converters."""
    return re.sub(r"<[a-z]+:", "<", rule.removeprefix("/api/v1"))


def _app(database: str) -> Flask:
    return create_app({"DATABASE_URL": database, "TESTING": True, "RATELIMIT_ENABLED": False})


@pytest.fixture(scope="module")
def world(template_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    application = _app(database_url(template_database, tmp_path_factory.mktemp("matrix")))
    client = application.test_client()

    def token(role: str, org: str, user: str | None = None) -> str:
        with application.extensions["pathways.db"].sessions() as session:
            value = issue_token(session, org, role, user)
            session.commit()
        return value

    yield AccessWorld(client, token), application
    application.extensions["pathways.db"].engine.dispose()


def test_every_endpoint_and_method_has_a_row_in_the_matrix() -> None:
    app = _app("sqlite://")
    missing = sorted(set(api_routes(app)) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(api_routes(app)))
    lines = [
        f"{method:<6} {rule}  401 ...: one status per actor (anon c_a c_b e_a e_un e_b surv admin)"
        for method, rule in missing
    ]
    assert not missing, (
        "These endpoints have no row in MATRIX_TEXT (tests/api/test_every_endpoint.py); add "
        "one per endpoint, with the status each actor must get (wrong role 403, another "
        "organisation's record 404), a body in BODIES if it writes, a PREPARE entry if the "
        "write uses its record up, and a LISTS entry if it lists records, and a PARAMS entry "
        "for a new URL parameter:\n" + "\n".join(lines)
    )
    assert not stale, f"MATRIX_TEXT has rows for endpoints that no longer exist: {stale}"


def _counts(application: Flask) -> dict[str, int]:
    """Rows per table, but for those every request may touch (the audit, tokens' use)."""
    skip = {"audit_events", "api_tokens", "page_sessions", "alembic_version"}
    with application.extensions["pathways.db"].sessions() as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name not in skip
        }


def _url(rule: str, values: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        return str(values[match.group(1)])

    return "/api/v1" + re.sub(r"<(?:[a-z]+:)?([^>]+)>", fill, rule)


@pytest.mark.parametrize(("method", "rule"), list(MATRIX), ids=[f"{m} {r}" for m, r in MATRIX])
def test_each_actor_gets_the_status_of_its_row(world, method: str, rule: str) -> None:
    access, application = world
    statuses = MATRIX[method, rule]
    unexpected = []
    for actor in ACTORS:
        expected = statuses[actor]
        values = {name: access.ids[record] for name, record in PARAMS.items()}
        allowed = 200 <= expected < 300
        if allowed and (method, rule) in PREPARE:
            values.update(PREPARE[method, rule](access, actor))
        body = BODIES[method, rule](access) if (method, rule) in BODIES else None
        headers = dict(access.headers[actor])
        if method == "PATCH" and "vacancy_id" in rule:
            headers["If-Match"] = _vacancy_version(access, values["vacancy_id"])
        before = None if allowed else _counts(application)
        url = _url(rule, values)
        if (method, rule) in QUERIES:
            url += QUERIES[method, rule](access)
        response = access.client.open(url, method=method, json=body, headers=headers)
        got = response.status_code
        if got != expected:
            detail = (response.get_json(silent=True) or {}).get("detail", "")
            unexpected.append(f"{actor}: expected {expected}, got {got} ({detail})")
            continue
        if not allowed:
            assert response.content_type == "application/problem+json"
            assert _counts(application) == before, f"{method} {rule} by {actor} wrote rows"
        if allowed and method == "GET" and rule in LISTS:
            _check_list(access, rule, actor, response.get_json())
    assert not unexpected, f"{method} {rule}:\n" + "\n".join(unexpected)


def _vacancy_version(access: AccessWorld, vacancy_id: int) -> str:
    response = access.call("admin", "GET", f"/vacancies/{vacancy_id}")
    return str(response.headers["ETag"])


def _check_list(access: AccessWorld, rule: str, actor: str, body: dict[str, Any]) -> None:
    kind, visible = LISTS[rule]
    assert actor in visible, f"LISTS[{rule!r}] says nothing of what {actor} may see"
    of_kind = {name: i for name, i in access.ids.items() if name.startswith(f"{kind}_")}
    listed = {item["id"] for item in body["items"]}
    shown = {name for name, i in of_kind.items() if i in listed}
    assert shown == visible[actor], f"{rule} listed {sorted(shown)} to {actor}"


# Fields no body may set: who the caller is, whose record it is, its vetting, its id.
FORGED = {
    "id": 999,
    "role": "admin",
    "org_id": 1,
    "organisation": "Operator",
    "user_id": 1,
    "vetting": "vetted",
    "survivor_org_id": 1,
}
WRITES = [
    key
    for key in MATRIX
    if key[0] in ("POST", "PATCH")
    and key in BODIES
    and any(200 <= status < 300 for status in MATRIX[key].values())
]


@pytest.mark.parametrize(("method", "rule"), WRITES, ids=[f"{m} {r}" for m, r in WRITES])
def test_no_write_accepts_a_role_organisation_vetting_or_id_it_was_not_asked_for(
    world, method: str, rule: str
) -> None:
    access, application = world
    actor = next(a for a in ACTORS if 200 <= MATRIX[method, rule][a] < 300)
    values = {name: access.ids[record] for name, record in PARAMS.items()}
    if (method, rule) in PREPARE:
        values.update(PREPARE[method, rule](access, actor))
    headers = dict(access.headers[actor])
    if method == "PATCH" and "vacancy_id" in rule:
        headers["If-Match"] = _vacancy_version(access, values["vacancy_id"])
    body = BODIES[method, rule](access)
    before = _counts(application)
    for name, value in FORGED.items():
        if name in body:
            continue
        response = access.client.open(
            _url(rule, values), method=method, json={**body, name: value}, headers=headers
        )
        assert response.status_code == 422, (name, response.status_code, response.get_json())
        assert name in {e["field"] for e in response.get_json()["errors"]}
    assert _counts(application) == before


CANARY = "CANARY-7f3a"


def test_no_survivor_data_reaches_the_logs_or_a_url_on_any_endpoint(world, caplog) -> None:
    """A survivor whose case code and notes are a canary, then every endpoint by every
    actor, bad input and refusals included: the canary is never logged nor in a URL."""
    access, _ = world
    caplog.set_level(logging.DEBUG)
    body = survivor_body(f"{CANARY}-1", notes=f"{CANARY} note", avoid_towns=["PNH"])
    made = access.call("counsellor_a", "POST", "/survivors", body)
    assert made.status_code == 201
    canary = made.get_json()["id"]
    # A duplicate case code and a bad value: their errors must not quote the row either.
    access.call("counsellor_a", "POST", "/survivors", body)
    access.call("counsellor_a", "PATCH", f"/survivors/{canary}", {"birth_year": CANARY})
    values = {name: access.ids[record] for name, record in PARAMS.items()}
    values["survivor_id"] = canary
    for (method, rule), statuses in MATRIX.items():
        if method != "GET":
            continue
        url = _url(rule, values) + (
            QUERIES[method, rule](access) if (method, rule) in QUERIES else ""
        )
        for actor in statuses:
            response = access.client.open(url, method=method, headers=access.headers[actor])
            assert CANARY not in response.headers.get("Location", "")
            text = response.get_data(as_text=True)
            for link in re.findall(r"https?://[^\s\"']+|/api/v1/[^\s\"']+", text):
                assert CANARY not in link
    assert CANARY not in caplog.text


# The tests below each get a fresh database (the ``app`` fixture): on PostgreSQL that
# empties the one the module's world lives in, so they come after every test of it.


def test_every_api_view_declares_its_roles(app) -> None:
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.endpoint not in OPEN_ENDPOINTS:
            assert roles_of(app.view_functions[rule.endpoint]), f"{rule.endpoint} has no roles"


@pytest.mark.parametrize(
    ("method", "rule"), sorted(set(api_routes(_app("sqlite://")))), ids=lambda v: v
)
def test_every_api_endpoint_is_in_the_openapi_document(client, method, rule) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    path = "/api/v1" + re.sub(r"<(?:[a-z]+:)?([^>]+)>", r"{\1}", rule)
    assert method.lower() in spec["paths"].get(path, {}), f"{method} {path} is undocumented"


def test_a_wrong_role_is_403_before_the_body_is_read(client, token, auth) -> None:
    response = client.post(
        "/api/v1/tokens",
        data="{not json",
        headers={**auth(token("counsellor")), "Content-Type": "application/json"},
    )
    assert response.status_code == 403


def test_a_malformed_or_unknown_token_is_401_everywhere(client) -> None:
    for method, rule in sorted(MATRIX)[:: max(1, len(MATRIX) // 12)]:
        url = _url(rule, dict.fromkeys(PARAMS, 1))
        for header in ("Bearer pw_unknown-token-value", "Basic abc", "Bearer"):
            response = client.open(url, method=method, json={}, headers={"Authorization": header})
            assert response.status_code == 401, (method, rule, header)
