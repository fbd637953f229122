"""Positions are never over-committed under real concurrency: twenty referrals at once,
over HTTP, to gunicorn with two worker processes of ten request threads each (so the
requests race both inside a process and across processes), on the configured database:
an SQLite file in WAL mode, or PostgreSQL when DATABASE_URL names one."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from sqlalchemy import text

from benchmarks.common.servers import gunicorn
from tests.api.casework_factories import Case
from tests.conftest import ON_POSTGRES

POSITIONS = 3
REQUESTS = 20
WORKERS = 2


def post(url: str, headers: dict[str, str], body: Any) -> tuple[int, str, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={**headers, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], json.loads(error.read())


def all_at_once(url: str, headers: dict[str, str], bodies: list[Any]) -> list[Any]:
    """POST every body from its own thread, released together by a barrier."""
    start = threading.Barrier(len(bodies))
    answers: list[Any] = [None] * len(bodies)

    def send(i: int) -> None:
        start.wait(timeout=30)
        answers[i] = post(url, headers, bodies[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(a is not None for a in answers), "a request did not finish"
    return answers


# Starting gunicorn (importing the app once, then forking two workers) is most of its
# time; every wait is bounded (start 120 s, each request 30 s).
@pytest.mark.slow
def test_twenty_concurrent_referrals_for_three_positions_make_exactly_three(
    app, client, token, session
) -> None:
    case = Case(client, token)
    vacancy = case.vacancy(positions=POSITIONS)
    survivors = [case.survivor() for _ in range(REQUESTS)]
    if not ON_POSTGRES:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    session.close()
    env = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "PATHWAYS_RATELIMIT_WRITES": "1000 per minute",
    }
    server = gunicorn("api.wsgi:app", env, WORKERS, threads=REQUESTS // WORKERS, preload=True)
    with server as port:
        answers = all_at_once(
            f"http://127.0.0.1:{port}/api/v1/vacancies/{vacancy}/referrals",
            case.counsellor,
            [{"survivor_id": s} for s in survivors],
        )
    created = [body for status, _, body in answers if status == 201]
    refused = [(kind, body) for status, kind, body in answers if status == 409]
    assert len(created) == POSITIONS, [a[:1] for a in answers]
    assert len(refused) == REQUESTS - POSITIONS
    for kind, body in refused:
        assert kind == "application/problem+json"
        assert body["status"] == 409 and "No position" in body["detail"]
        assert body["errors"] == [{"field": "vacancy_id", "message": "no position left"}]
    stored = case.get(f"/vacancies/{vacancy}/referrals", case.employer)["items"]
    assert sorted(r["id"] for r in stored) == sorted(r["id"] for r in created)
    assert {r["status"] for r in stored} == {"pending"}
