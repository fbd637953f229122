"""Bearer tokens: stored as hashes, expiring after the deployment's TOKEN_DAYS, revocable,
their last use recorded, and failed authentications throttled per address and prefix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from api import create_app
from api.auth import hash_token
from api.store.models import ApiToken
from tests.api.builders import assert_problem
from tests.conftest import auth


def _row(session, tok: str) -> ApiToken:
    session.expire_all()
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(tok)))


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def test_only_the_hash_is_stored_and_the_token_expires_after_the_setting(
    client, token, session
) -> None:
    issued = client.post(
        "/api/v1/tokens",
        json={"org": "Shelter A", "role": "counsellor", "user": "dara"},
        headers=auth(token("admin", org="Operator")),
    )
    assert issued.status_code == 201
    tok = issued.get_json()["token"]
    assert issued.get_json()["expires_in_days"] == 90
    row = _row(session, tok)
    stored = {str(getattr(row, c.key)) for c in ApiToken.__table__.columns}
    assert tok not in stored and row.token_hash == hash_token(tok)
    lifetime = _aware(row.expires_at) - datetime.now(UTC)
    assert timedelta(days=89) < lifetime <= timedelta(days=90)


def test_an_expired_token_is_refused_and_says_so(client, token, session) -> None:
    tok = token("counsellor")
    assert client.get("/api/v1/me", headers=auth(tok)).status_code == 200
    session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == hash_token(tok))
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    session.commit()
    problem = assert_problem(client.get("/api/v1/me", headers=auth(tok)), 401)
    assert "expired" in problem["detail"]


def test_a_revoked_token_is_refused_at_once(client, token) -> None:
    admin = auth(token("admin", org="Operator"))
    tok = token("counsellor")
    assert client.delete(f"/api/v1/tokens/{tok[:11]}", headers=admin).status_code == 204
    problem = assert_problem(client.get("/api/v1/me", headers=auth(tok)), 401)
    assert "revoked" in problem["detail"]


def test_the_last_use_is_recorded(client, token, session) -> None:
    tok = token("counsellor")
    assert _row(session, tok).last_used_at is None
    before = datetime.now(UTC) - timedelta(seconds=1)
    client.get("/api/v1/me", headers=auth(tok))
    assert _aware(_row(session, tok).last_used_at) >= before


def test_the_lifetime_is_a_deployment_setting(monkeypatch) -> None:
    from api.config import ConfigError, load_config  # noqa: PLC0415 (one test's import)

    monkeypatch.setenv("PATHWAYS_TOKEN_DAYS", "30")
    assert load_config({"DATABASE_URL": "sqlite://"})["TOKEN_DAYS"] == 30
    monkeypatch.setenv("PATHWAYS_TOKEN_DAYS", "0")
    with pytest.raises(ConfigError, match="TOKEN_DAYS"):
        load_config({"DATABASE_URL": "sqlite://"})


@pytest.fixture
def limited(app):
    """The test app with rate limits on and three failures a minute allowed."""
    limited_app = create_app(
        {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "TESTING": True,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_AUTH_FAILURES": "3 per minute",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    yield limited_app
    limited_app.extensions["pathways.db"].engine.dispose()


def test_failed_authentication_is_throttled_per_address(limited, token) -> None:
    client = limited.test_client()
    address = {"REMOTE_ADDR": "192.0.2.10"}
    bad = {"Authorization": "Bearer pw_guess00000000000000000000000000000000000"}
    for _ in range(3):
        response = client.get("/api/v1/me", headers=bad, environ_base=address)
        assert response.status_code == 401
    problem = assert_problem(client.get("/api/v1/me", headers=bad, environ_base=address), 429)
    assert int(client.get("/api/v1/me", environ_base=address).headers["Retry-After"]) >= 1
    assert "Too many failed" in problem["detail"]
    # The same address is refused even with a good token until the window ends; another
    # address is not.
    good = auth(token("counsellor"))
    assert client.get("/api/v1/me", headers=good, environ_base=address).status_code == 429
    other = {"REMOTE_ADDR": "192.0.2.11"}
    assert client.get("/api/v1/me", headers=good, environ_base=other).status_code == 200


def test_failed_authentication_is_throttled_per_token_prefix(limited) -> None:
    client = limited.test_client()
    guesses = [f"Bearer pw_sameprefix{n:032d}" for n in range(4)]
    statuses = [
        client.get(
            "/api/v1/me",
            headers={"Authorization": guess},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        ).status_code
        for n, guess in enumerate(guesses)
    ]
    assert statuses == [401, 401, 401, 429]
