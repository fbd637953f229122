"""Fuzzing every operation of /api/v1/openapi.json, as every role, with schemathesis.

Each operation gets requests generated from its own description (valid and invalid
bodies, queries and ids), sent through the WSGI app as each role and as no one. A
response passes when it is not a server error and its status, content type and body
are those the document gives for the operation. A database with a season, a vetted
employer's vacancy, survivors with consent, a referral, a placement and a follow-up
(records 1 and 2 of most kinds) gives the generated ids something to find.

``make test`` runs a few examples per operation and role (deterministic: derandomized);
``make fuzz`` runs many more (``FUZZ_EXAMPLES``) with fresh random data each time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import create_app
from api.auth import issue_token
from tests.api.casework_factories import Case
from tests.conftest import auth, database_url

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
LONG_RUN = "FUZZ_EXAMPLES" in os.environ
ROLES = ("anonymous", "admin", "counsellor", "surveyor", "employer")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_app(template_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        {
            "DATABASE_URL": database_url(template_database, folder),
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    yield app
    app.extensions["pathways.db"].engine.dispose()


@pytest.fixture(scope="module")
def headers(fuzz_app: Flask) -> dict[str, dict[str, str]]:
    """Each role's headers, for the organisations that own the seeded records."""

    def token(role: str, org: str = "Shelter A", user: str | None = None) -> str:
        with fuzz_app.extensions["pathways.db"].sessions() as session:
            value = issue_token(session, org, role, user)
            session.commit()
        return value

    case = Case(fuzz_app.test_client(), token)
    case.season()
    vacancy = case.vacancy(positions=3)
    survivors = [case.survivor(), case.survivor(age=17)]
    referral = case.refer(vacancy, survivors[0])
    case.decide(referral["id"], "accept")
    placement = case.place(survivors[0], vacancy_id=vacancy)
    case.follow_up(placement["id"])
    return {
        "anonymous": {},
        "admin": case.admin,
        "counsellor": case.counsellor,
        "surveyor": case.surveyor,
        "employer": case.employer,
    }


@pytest.fixture(scope="module")
def api_schema(fuzz_app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


def _operations() -> list[tuple[str, str, str]]:
    """(method, path, mode) of every operation the document describes, read at collection.

    Negative mode (values that break the documented types and bounds) only for those
    with something to break: parameters or a body.
    """
    app = create_app({"DATABASE_URL": "sqlite://", "TESTING": True})
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    app.extensions["pathways.db"].engine.dispose()
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            found.append((method.upper(), path, "positive"))
            if operation.get("parameters") or operation.get("requestBody"):
                found.append((method.upper(), path, "negative"))
    return found


OPERATIONS = _operations()


@pytest.mark.parametrize(
    ("method", "path", "mode"), OPERATIONS, ids=[" ".join(o) for o in OPERATIONS]
)
def test_every_operation_answers_as_documented(
    api_schema: Any, headers: dict[str, dict[str, str]], method: str, path: str, mode: str
) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
    @settings(
        max_examples=EXAMPLES,
        derandomize=not LONG_RUN,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink] if LONG_RUN else [Phase.generate],
    )
    def answers_as_documented(case: Any) -> None:
        for role in ROLES:  # the same request from each role: each sees its own answers
            try:
                case.call_and_validate(headers=headers[role], checks=CHECKS)
            except Exception as failure:
                failure.add_note(f"as {role}")
                raise

    answers_as_documented()


def test_the_fixture_tokens_work(fuzz_app: Flask, headers: dict[str, dict[str, str]]) -> None:
    """The fuzzing above means little if every role's token were refused."""
    client = fuzz_app.test_client()
    for role in ROLES[1:]:
        me = client.get("/api/v1/me", headers=headers[role])
        assert me.status_code == 200, role
        assert me.get_json()["role"] == role
    assert client.get("/api/v1/me", headers=auth("pw_unknown")).status_code == 401
