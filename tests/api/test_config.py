"""Settings come from defaults, then the environment, then the caller's mapping."""

from pathlib import Path

import pytest

from api import create_app
from api.config import ConfigError, load_config
from matcher import SettingsError


def test_without_database_url_the_app_uses_a_sqlite_file_under_instance(tmp_path: Path) -> None:
    config = load_config(environ={}, instance_path=tmp_path / "instance")
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'pathways.sqlite3'}"


def test_environment_overrides_defaults_and_the_mapping_overrides_both(tmp_path: Path) -> None:
    environ = {"PATHWAYS_SEASON_STALE_MONTHS": "6", "PATHWAYS_MAX_UPLOAD_MB": "2"}
    config = load_config(environ=environ, instance_path=tmp_path)
    assert config["SEASON_STALE_MONTHS"] == 6
    assert config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    config = load_config({"SEASON_STALE_MONTHS": 3}, environ=environ, instance_path=tmp_path)
    assert config["SEASON_STALE_MONTHS"] == 3


def test_postgres_urls_use_psycopg_3(tmp_path: Path) -> None:
    config = load_config(environ={"DATABASE_URL": "postgresql://u:p@h/db"}, instance_path=tmp_path)
    assert config["DATABASE_URL"] == "postgresql+psycopg://u:p@h/db"


def test_a_malformed_environment_value_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PATHWAYS_SEASON_STALE_MONTHS"):
        load_config(environ={"PATHWAYS_SEASON_STALE_MONTHS": "soon"}, instance_path=tmp_path)


def test_create_app_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("PATHWAYS_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("env.sqlite3")
    assert app.config["SECRET_KEY"] == "from-the-environment"
    app.extensions["pathways.db"].engine.dispose()


def test_a_deployment_with_a_bad_matcher_weight_does_not_start(tmp_path: Path) -> None:
    # Read once when the app is created: a typo is named at start, not in a 500 later.
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    with pytest.raises(SettingsError, match="unknown Weights keys: talent"):
        create_app({"DATABASE_URL": url, "MATCHER_WEIGHTS": {"talent": 2}})
    app = create_app({"DATABASE_URL": url, "MATCHER_WEIGHTS": {"aptitude": 3}})
    assert app.extensions["pathways.services"].weights.aptitude == 3
    app.extensions["pathways.db"].engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_full_sync(app) -> None:
    engine = app.extensions["pathways.db"].engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
