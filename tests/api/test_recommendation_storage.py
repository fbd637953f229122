"""What a recommendation costs the database (issue 16: 11): kept packed, writes bounded.

A recommendation with ``limit: 100`` and ``include_excluded`` answered tens of
kilobytes and stored them as they were, on every call, at the general rate limit.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import LargeBinary, inspect, text

from api.app import create_app
from api.store.db import downgrade, upgrade
from tests.api.builders import World, job, shop
from tests.conftest import database_url

WRITES = 3


@pytest.fixture
def app(template_database: str, tmp_path) -> Iterator[Flask]:
    application = create_app(
        {
            "DATABASE_URL": database_url(template_database, tmp_path),
            "TESTING": True,
            # The limiter is one object: another test's app may have switched it off.
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_WRITES": f"{WRITES} per minute",
        }
    )
    yield application
    application.extensions["pathways.db"].engine.dispose()


def stored_bytes(app: Flask) -> list[int]:
    """``inputs`` + ``result`` of every stored recommendation, as the database keeps them."""
    engine = app.extensions["pathways.db"].engine
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("recommendations")}
    if engine.dialect.name == "postgresql" and isinstance(columns["result"], LargeBinary):
        size = "octet_length({})"
    elif engine.dialect.name == "postgresql":
        size = "octet_length(CAST({} AS text))"
    else:
        size = "length(CAST({} AS BLOB))"
    query = f"SELECT {size.format('inputs')} + {size.format('result')} FROM recommendations"
    with engine.connect() as conn:
        return [int(n) for (n,) in conn.execute(text(f"{query} ORDER BY id"))]


def market(world: World) -> int:
    world.season(
        [
            job(town, occupation, 90, 120)
            for town in ("SVR", "BVT", "PNH", "SRP", "BTB")
            for occupation in ("5131", "7531", "5141", "8153", "9112")
        ]
        + [shop("SVR", "7531", 65, 75, "home", 150), shop("SRP", "7531", 150, 190, "tourist", 300)]
    )
    return world.survivor(age=16)


def test_a_stored_recommendation_is_packed_and_reads_back_as_sent(app, client, token) -> None:
    world = World(client, token)
    survivor = market(world)
    sent = world.items(survivor, limit=100, include_excluded=True)
    assert sent["excluded"], "a minor has excluded pathways: the big case"
    (kept,) = stored_bytes(app)
    assert kept * 4 < len(client.application.json.dumps(sent))
    url = f"/api/v1/survivors/{survivor}/recommendations/{sent['id']}"
    assert client.get(url, headers=world.counsellor).get_json() == sent


def test_a_caller_stores_a_bounded_number_of_recommendations_a_minute(client, token) -> None:
    world = World(client, token)
    survivor = market(world)
    for _ in range(WRITES):
        assert world.recommend(survivor).status_code == 201
    refused = world.recommend(survivor)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    other = World(client, token)  # another counsellor of the same NGO has their own budget
    assert world.recommend(survivor, headers=other.counsellor).status_code == 201
    listed = client.get(f"/api/v1/survivors/{survivor}/recommendations", headers=world.counsellor)
    assert len(listed.get_json()["items"]) == WRITES + 1


def test_recommendations_stored_as_json_before_are_packed_by_the_migration(
    app, client, token
) -> None:
    world = World(client, token)
    survivor = market(world)
    sent = world.items(survivor, limit=100, include_excluded=True)
    engine = app.extensions["pathways.db"].engine
    (packed,) = stored_bytes(app)
    downgrade(engine, "0008_casework")
    (plain,) = stored_bytes(app)
    assert plain > packed * 4
    upgrade(engine)
    assert stored_bytes(app) == [packed]
    url = f"/api/v1/survivors/{survivor}/recommendations/{sent['id']}"
    assert client.get(url, headers=world.counsellor).get_json() == sent
