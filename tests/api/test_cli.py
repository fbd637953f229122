"""The `pathways` commands: init-db, load-sample, create-token, revoke-token."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from api.store.models import ApiToken, Organisation, Province, Town

ROOT = Path(__file__).resolve().parents[2]


def test_init_db_is_idempotent_and_loads_the_reference_data(runner, session) -> None:
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "25 provinces" in result.output
    assert session.scalar(select(func.count()).select_from(Province)) == 25
    assert session.scalar(select(func.count()).select_from(Town)) == 15


def test_create_token_prints_the_token_as_the_last_line(runner, session) -> None:
    result = runner.invoke(args=["create-token", "--org", "Shelter B", "--role", "counsellor"])
    assert result.exit_code == 0
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("pw_") and len(token) > 40
    assert session.scalar(select(Organisation.name).where(Organisation.name == "Shelter B"))
    # only the hash is stored
    assert (
        session.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.token_hash == token)
        )
        == 0
    )


def test_create_token_with_an_unknown_role_fails_and_writes_nothing(runner, session) -> None:
    result = runner.invoke(args=["create-token", "--org", "Shelter C", "--role", "boss"])
    assert result.exit_code != 0
    assert "boss" in result.output
    assert session.scalar(select(Organisation).where(Organisation.name == "Shelter C")) is None


def test_revoked_tokens_stop_working(runner, client, token, auth) -> None:
    tok = token("counsellor")
    assert client.get("/api/v1/me", headers=auth(tok)).status_code == 200
    result = runner.invoke(args=["revoke-token", tok[:11]])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=auth(tok)).status_code == 401
    again = runner.invoke(args=["revoke-token", tok[:11]])
    assert again.exit_code != 0


def test_load_sample_twice_changes_nothing(runner, session) -> None:
    def counts() -> dict[str, int]:
        from api.store.models import Base

        return {
            t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
            if t.name not in ("audit_events", "api_tokens", "users")
        }

    first = runner.invoke(args=["load-sample"])
    assert first.exit_code == 0, first.output
    after_first = counts()
    second = runner.invoke(args=["load-sample"])
    assert second.exit_code == 0, second.output
    session.expire_all()
    assert counts() == after_first
    assert after_first["organisations"] >= 4


def test_init_db_with_an_unreachable_database_says_so_in_one_line(tmp_path) -> None:
    env = dict(os.environ, DATABASE_URL="postgresql://nobody:secret@127.0.0.1:9/nowhere")
    result = subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", "init-db"],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(ROOT),
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line]
    assert len(lines) == 1, result.stderr
    assert "cannot use the database" in lines[0]
    assert "secret" not in lines[0]  # the password is never printed


def test_each_served_request_gets_its_own_app_context_and_session(app, monkeypatch) -> None:
    """`pathways serve` runs inside the CLI app's context, which its workers inherit: the
    app it serves must be another one, or every request would share one `g` and one
    database session (a failed transaction on PostgreSQL then broke every request)."""
    from api.cli.serve import served_app

    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    with app.app_context():  # where the serve command runs
        served = served_app()
        sessions = []
        served.teardown_appcontext(lambda _exc: sessions.append("closed"))
        client = served.test_client()
        for _ in range(3):
            assert client.get("/api/v1/health").status_code == 200
        assert sessions == ["closed"] * 3
        served.extensions["pathways.db"].engine.dispose()
