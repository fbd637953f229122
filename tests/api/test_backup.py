"""``pathways backup`` and ``pathways restore``: a round trip gives back every table's rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select

from tests.api.casework_factories import Case


def every_row(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows, in primary-key order, read from the database itself."""
    metadata = MetaData()
    metadata.reflect(engine)
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return tables


@pytest.fixture
def engine(app) -> Engine:
    return app.extensions["pathways.db"].engine


@pytest.fixture
def casework(client, token) -> Case:
    """A season, a vacancy, survivors with consent, a referral, a placement, a follow-up."""
    case = Case(client, token)
    case.season()
    vacancy = case.vacancy(positions=2)
    survivor = case.survivor()
    case.survivor(consent=False, notes="a second note")
    case.refer(vacancy, survivor)
    placement = case.place(survivor, vacancy_id=vacancy)
    case.follow_up(placement["id"])
    return case


def test_a_round_trip_gives_back_every_table(runner, engine, casework, tmp_path) -> None:
    before = every_row(engine)
    assert before["survivors"] and before["follow_ups"] and before["audit_events"]
    copy = tmp_path / "pathways.backup"

    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert copy.stat().st_size > 0

    # After the backup: a new case, and one the backup holds is changed.
    casework.survivor(case_code="AFTER-THE-BACKUP")
    casework.call("PATCH", "/survivors/2", casework.counsellor, {"notes": "changed"}, 200)
    assert every_row(engine) != before

    result = runner.invoke(args=["restore", str(copy), "--force"])
    assert result.exit_code == 0, result.output
    assert every_row(engine) == before
    # The service goes on with the restored rows.
    assert casework.get("/survivors/2", casework.counsellor)["notes"] == "a second note"


def test_backup_refuses_to_overwrite_a_file_without_force(runner, engine, tmp_path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    copy = folder / "pathways.backup"
    copy.write_bytes(b"an older backup")
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code != 0
    assert "--force" in result.output
    assert copy.read_bytes() == b"an older backup"

    assert runner.invoke(args=["backup", str(copy), "--force"]).exit_code == 0
    assert copy.read_bytes() != b"an older backup"
    assert [p.name for p in folder.iterdir()] == ["pathways.backup"]  # no partial file left


def test_restore_refuses_to_replace_data_without_force(runner, engine, casework, tmp_path):
    copy = tmp_path / "pathways.backup"
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    casework.survivor(case_code="KEPT")
    before = every_row(engine)

    result = runner.invoke(args=["restore", str(copy)])
    assert result.exit_code != 0
    assert "already holds data" in result.output and "--force" in result.output
    assert every_row(engine) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no backup file"), (b"not a database at all" * 100, "not a")],
)
def test_restore_of_something_else_is_one_line_and_changes_nothing(
    runner, engine, casework, tmp_path, content, message
) -> None:
    before = every_row(engine)
    path = tmp_path / "pathways.backup"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(args=["restore", str(path), "--force"])
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert every_row(engine) == before


def test_restore_of_a_foreign_database_is_refused(runner, engine, casework, tmp_path) -> None:
    """A valid SQLite file or dump that is not a Pathways database is not restored."""
    before = every_row(engine)
    path = tmp_path / "other.backup"
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        other.close()
    else:
        pytest.skip("a foreign pg_dump needs a second PostgreSQL database")
    result = runner.invoke(args=["restore", str(path), "--force"])
    assert result.exit_code != 0
    assert "not a backup of a Pathways database" in result.output
    assert every_row(engine) == before


def test_missing_postgresql_tools_are_named(runner, engine, tmp_path, monkeypatch) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite backups need no external tool")
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without pg_dump
    result = runner.invoke(args=["backup", str(tmp_path / "x.backup")])
    assert result.exit_code != 0
    assert "pg_dump not found" in result.output
    assert not (tmp_path / "x.backup").exists()


def test_backup_into_a_missing_folder_is_one_line(runner, tmp_path: Path) -> None:
    result = runner.invoke(args=["backup", str(tmp_path / "nowhere" / "x.backup")])
    assert result.exit_code != 0
    assert "no folder" in result.output
