"""Shared fixtures: a fresh, migrated database per test (SQLite file, or PostgreSQL
when DATABASE_URL names one), the app, its clients, and tokens per role."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text
from sqlalchemy.orm import Session

from api import create_app
from api.auth import Principal, issue_token
from api.cli import pathways
from api.config import normalise_database_url, service_config
from api.services.reference import MODELS, load_reference
from api.services.users import create_user
from api.store.db import make_engine, upgrade
from api.store.models import Base

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql"))
REFERENCE_TABLES = {model.__tablename__ for model in MODELS.values()} | {"alembic_version"}


def _migrate_and_load(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_reference(session)
        session.commit()
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrated once per run; each test gets a copy (SQLite) or emptied tables (PG)."""
    if ON_POSTGRES:
        url = normalise_database_url(POSTGRES_URL)
        engine = make_engine(url)
        with engine.begin() as conn:  # start from nothing, whatever an earlier run left
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate_and_load(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate_and_load(f"sqlite:///{path}")
    return str(path)


def database_url(template_database: str, folder: Path) -> str:
    """A fresh database with the schema and reference data, for one test."""
    if ON_POSTGRES:
        engine = make_engine(template_database)
        names = [t.name for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
        if names:
            with engine.begin() as conn:
                quoted = ", ".join(f'"{n}"' for n in names)
                conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return template_database
    target = folder / "pathways.sqlite3"
    shutil.copyfile(template_database, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app(template_database: str, tmp_path: Path) -> Iterator[Flask]:
    application = create_app(
        {
            "DATABASE_URL": database_url(template_database, tmp_path),
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_PROFILE": "CHEAPEST",  # argon2's full cost is for people
        }
    )
    yield application
    application.extensions["pathways.db"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class PathwaysRunner(FlaskCliRunner):
    """Invokes the ``pathways`` commands (not the app's own ``flask`` CLI) on the test app."""

    def invoke(self, cli: Any = None, args: Any = None, **kwargs: Any) -> Any:
        return super().invoke(cli or pathways, args, **kwargs)


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return PathwaysRunner(app)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.extensions["pathways.db"].sessions() as db_session:
        yield db_session


@pytest.fixture
def token(app: Flask) -> Callable[..., str]:
    """``token("counsellor", org="Shelter A")`` -> a new bearer token."""

    def make(role: str, org: str = "Shelter A", user: str | None = None) -> str:
        with app.extensions["pathways.db"].sessions() as db_session:
            value = issue_token(db_session, org, role, user)
            db_session.commit()
        return value

    return make


@dataclass(frozen=True)
class Login:
    """A user who signs in on the pages."""

    username: str
    password: str


@pytest.fixture
def user(app: Flask) -> Callable[..., Login]:
    """``user("counsellor", org="Shelter A")`` -> a new user's username and password."""
    made: list[str] = []

    def make(role: str, org: str = "Shelter A", username: str | None = None) -> Login:
        username = username or f"{role}{len(made) + 1}"
        password = f"{username}-password"
        with app.extensions["pathways.db"].sessions() as db_session:
            create_user(
                db_session,
                Principal.operator(),
                service_config(app.config),
                username=username,
                role=role,
                password=password,
                org=org,
            )
        made.append(username)
        return Login(username, password)

    return make


def auth(tok: str) -> dict[str, str]:
    """Headers that carry a bearer token."""
    return {"Authorization": f"Bearer {tok}"}


@pytest.fixture(name="auth")
def auth_fixture() -> Callable[[str], dict[str, str]]:
    return auth


def csrf(page: Any) -> str:
    """The CSRF token of a page's form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "the page has no CSRF field"
    return match.group(1)


def sign_in(client: FlaskClient, login: Login, next_page: str | None = None) -> Any:
    """Sign in on the pages with a username and password, as a person does."""
    form = {"username": login.username, "password": login.password}
    target = f"/login?next={next_page}" if next_page else "/login"
    return client.post(target, data=form | {"csrf_token": csrf(client.get("/"))})


def drop_in(client: FlaskClient, season_id: int | str, rows: str, table: str = "jobs") -> Any:
    """Upload a CSV table on the surveyor's page, as a person drops a file in."""
    page = client.get("/seasons")
    return client.post(
        f"/seasons/{season_id}/survey",
        data={
            "file": (io.BytesIO(rows.encode()), f"{table}.csv"),
            "table": table,
            "csrf_token": csrf(page),
        },
        content_type="multipart/form-data",
    )
