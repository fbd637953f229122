"""The schema is Alembic's: it migrates up from nothing and back down, on both databases."""

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from api.store.db import downgrade, make_engine, upgrade
from api.store.models import Base
from tests.conftest import ON_POSTGRES, POSTGRES_URL


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    from api.config import normalise_database_url

    base = make_url(normalise_database_url(POSTGRES_URL))
    name = f"pathways_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_create_every_table_of_the_models_and_drop_them_again(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)  # and up again: the downgrade left nothing behind that blocks it
    assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_the_models_and_the_migrations_agree(empty_database_url: str) -> None:
    """Autogenerate finds nothing to do: no model change was left without a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(empty_database_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
