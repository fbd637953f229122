"""Bytes the database keeps per stored recommendation, on the shipped sample.

A new SQLite database (or ``DATABASE_URL``'s, which must be empty) gets the sample
(``pathways load-sample``); every demo survivor is recommended for through the API,
``limit`` 10 and then ``limit`` 100 with ``include_excluded``; the script prints what
the ``inputs`` and ``result`` columns hold per recommendation, as stored, and the size
of the body the API answers::

    PYTHONPATH=. .venv/bin/python benchmarks/recommendation_storage.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import LargeBinary, inspect, text

from api.app import create_app
from api.auth import issue_token
from api.cli import pathways

SHELTER = "Svay Rieng Shelter"


def stored_bytes(app: Any) -> list[int]:
    """``inputs`` + ``result`` of every stored recommendation, in bytes as stored."""
    engine = app.extensions["pathways.db"].engine
    binary = isinstance(
        next(
            c["type"]
            for c in inspect(engine).get_columns("recommendations")
            if c["name"] == "result"
        ),
        LargeBinary,
    )
    # Whatever the column's type (JSON is text on both databases, or bytes), its bytes.
    if engine.dialect.name == "postgresql":
        size = "octet_length({})" if binary else "octet_length(CAST({} AS text))"
    else:
        size = "length(CAST({} AS BLOB))"
    query = f"SELECT {size.format('inputs')} + {size.format('result')} FROM recommendations"
    with engine.connect() as conn:
        return [int(n) for (n,) in conn.execute(text(f"{query} ORDER BY id"))]


def on_disk(app: Any) -> list[int]:
    """PostgreSQL only: the same columns as kept on disk (TOAST compresses large values)."""
    query = "SELECT pg_column_size(inputs) + pg_column_size(result) FROM recommendations"
    with app.extensions["pathways.db"].engine.connect() as conn:
        return [int(n) for (n,) in conn.execute(text(f"{query} ORDER BY id"))]


def recommend_all(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> list[int]:
    """Recommend for every demo survivor of the shelter; the answers' sizes in bytes."""
    survivors = client.get("/api/v1/survivors?limit=100", headers=headers).get_json()["items"]
    sizes = []
    for survivor in survivors:
        url = f"/api/v1/survivors/{survivor['id']}/recommendations"
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        sizes.append(len(response.get_data()))
    return sizes


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="pathways-storage-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    runner = app.test_cli_runner()
    for command in (["init-db"], ["load-sample"]):
        outcome = runner.invoke(pathways, command)
        assert outcome.exit_code == 0, outcome.output
    with app.app_context(), app.extensions["pathways.db"].sessions() as session:
        token = issue_token(session, SHELTER, "counsellor", None)
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    print(f"database: {app.extensions['pathways.db'].engine.dialect.name}")
    postgres = app.extensions["pathways.db"].engine.dialect.name == "postgresql"
    disk = " on disk (median) |" if postgres else ""
    print(f"| request | answers | answer bytes (median) | stored bytes (median) |{disk}")
    print("|---|---|---|---|" + ("---|" if postgres else ""))
    before = 0
    for body in ({"limit": 10}, {"limit": 100, "include_excluded": True}):
        answers = recommend_all(client, headers, body)
        stored = stored_bytes(app)[before:]
        row = f"| {body} | {len(answers)} | {statistics.median(answers):,.0f} | "
        row += f"{statistics.median(stored):,.0f} |"
        if postgres:
            row += f" {statistics.median(on_disk(app)[before:]):,.0f} |"
        before += len(stored)
        print(row)
    app.extensions["pathways.db"].engine.dispose()


if __name__ == "__main__":
    main()
