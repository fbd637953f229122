"""The engine, the session factory, the request's session, and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from api.store import jsonio

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]


# The JSON columns (stored recommendations, survivors' lists) are written and read by
# orjson: a stored recommendation is ~10 kB of JSON on every request. A database
# error's message never carries the bound values: they are survivors' case notes.
ENGINE_OPTIONS: dict[str, Any] = {
    "json_serializer": jsonio.dumps_text,
    "json_deserializer": jsonio.loads,
    "hide_parameters": True,
}


def make_engine(url: str) -> Engine:
    """An engine; SQLite files get WAL, foreign keys and synchronous=FULL."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **ENGINE_OPTIONS)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **ENGINE_OPTIONS)


def init_database(url: str) -> Database:
    engine = make_engine(url)
    return Database(engine, sessionmaker(bind=engine, expire_on_commit=False))


def get_database() -> Database:
    db: Database = current_app.extensions["pathways.db"]
    return db


def get_session() -> Session:
    """The session of the current request (or CLI command), closed at teardown."""
    if "db_session" not in g:
        g.db_session = get_database().sessions()
    session: Session = g.db_session
    return session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit once at the end, roll back on any error."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def begin_writing(session: Session) -> None:
    """Start a fresh transaction that, on SQLite, holds the database's write lock.

    pysqlite starts a transaction lazily at the first write, so two requests (or two
    server processes) could both count a vacancy's free positions before either
    writes. ``BEGIN IMMEDIATE`` takes the lock before the first read: the second
    request waits (``busy_timeout``) and counts the first one's rows. On PostgreSQL
    the caller locks the rows it counts by (``SELECT ... FOR UPDATE``) instead.
    Whatever the session read before (authentication) is committed first.
    """
    if session.in_transaction():
        session.commit()
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Migrate the schema up (every branch head by default)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(alembic_config(engine), revision)
