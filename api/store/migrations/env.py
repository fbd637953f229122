"""Alembic environment: runs on the engine the caller passes (see api.store.db.upgrade)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from api.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # the plain `alembic` command line: URL from sqlalchemy.url
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things: rebuild tables in batches there.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations_online()
