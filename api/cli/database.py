"""``pathways init-db`` and ``pathways load-sample``: the schema, reference data, sample."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from api.cli.common import database_errors, first_line, safe_url
from api.config import current_config
from api.sample import load_sample
from api.services.reference import load_reference
from api.store.db import get_database, unit_of_work, upgrade


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or migrate the schema and load the reference data."""
    db = get_database()
    url = current_app.config["DATABASE_URL"]
    try:
        upgrade(db.engine)
        with db.sessions() as session, unit_of_work(session):
            counts = load_reference(session)
    except OperationalError as exc:
        raise click.ClickException(
            f"cannot use the database at {safe_url(url)}: {first_line(exc)}"
        ) from exc
    summary = ", ".join(f"{n} {table}" for table, n in counts.items())
    click.echo(f"Database ready at {safe_url(url)}: {summary}.")


@click.command("load-sample")
@with_appcontext
def load_sample_command() -> None:
    """Add the shipped sample data (running it twice changes nothing)."""
    db = get_database()
    with database_errors("load the sample"), db.sessions() as session, unit_of_work(session):
        lines = load_sample(session, current_config())
    for line in lines:
        click.echo(line)
