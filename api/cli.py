"""The ``pathways`` command line. Bad input: one line on stderr and a non-zero exit."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from api.db import get_database, unit_of_work, upgrade


def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def _database_errors(doing: str) -> Iterator[None]:
    """A database error becomes one line naming what failed, and the usual remedy."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"cannot {doing} (did you run 'pathways init-db'?): {_first_line(exc)}"
        ) from exc


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or migrate the schema and load the reference data."""
    from api.services.reference import load_reference

    db = get_database()
    url = current_app.config["DATABASE_URL"]
    try:
        upgrade(db.engine)
        with db.sessions() as session, unit_of_work(session):
            counts = load_reference(session)
    except OperationalError as exc:
        raise click.ClickException(
            f"cannot use the database at {_safe_url(url)}: {_first_line(exc)}"
        ) from exc
    summary = ", ".join(f"{n} {table}" for table, n in counts.items())
    click.echo(f"Database ready at {_safe_url(url)}: {summary}.")


@click.command("load-sample")
@with_appcontext
def load_sample_command() -> None:
    """Add the shipped sample data (running it twice changes nothing)."""
    from api.sample import load_sample

    db = get_database()
    with _database_errors("load the sample"), db.sessions() as session, unit_of_work(session):
        lines = load_sample(session)
    for line in lines:
        click.echo(line)


@click.command("create-token")
@click.option("--org", "org", required=True, help="Organisation name (created if new).")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "counsellor", "surveyor", "employer"]),
    help="The role the token carries.",
)
@click.option("--user", "user_name", default=None, help="User name (default: the role).")
@with_appcontext
def create_token(org: str, role: str, user_name: str | None) -> None:
    """Print a new bearer token (shown once: only its hash is stored)."""
    from api.auth import issue_token

    db = get_database()
    try:
        with (
            _database_errors("create the token"),
            db.sessions() as session,
            unit_of_work(session),
        ):
            token = issue_token(session, org, role, user_name)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Token for {role} of {org} (shown once; keep it secret):", err=True)
    click.echo(token)


@click.command("revoke-token")
@click.argument("token_or_prefix")
@with_appcontext
def revoke_token_command(token_or_prefix: str) -> None:
    """Revoke a token, given whole or by the prefix 'pw_' plus 8 characters."""
    from api.auth import revoke_token

    db = get_database()
    with db.sessions() as session, unit_of_work(session):
        count = revoke_token(session, token_or_prefix)
    if count == 0:
        raise click.ClickException("no active token matches that token or prefix")
    click.echo(f"Revoked {count} token(s).")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app and the API with gunicorn (a production WSGI server)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            # Ids only in URLs, so the access log carries no survivor data.
            self.cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms')

        def load(self) -> Flask:
            return served_app()

    # Every worker creates its own app (see served_app) and must sign page sessions with
    # the same key: without a configured one, the key this process drew is handed down.
    os.environ.setdefault("PATHWAYS_SECRET_KEY", current_app.config["SECRET_KEY"])
    click.echo(f"Serving Pathways on http://{host}:{port} (Ctrl+C stops it)", err=True)
    Server().run()


from api.allocate_cli import allocate_command  # noqa: E402
from api.survey_cli import import_survey  # noqa: E402

COMMANDS: list[click.Command] = [
    init_db,
    load_sample_command,
    create_token,
    revoke_token_command,
    serve,
    import_survey,
    allocate_command,
]


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def served_app() -> Flask:
    """The app a server worker serves: a new one, created in the worker.

    ``serve`` runs inside the CLI app's context, which a forked worker inherits; Flask
    pushes a fresh app context per request only for a different app, so serving the
    CLI's own app would share one ``g``, one database session and one connection pool
    across all requests.
    """
    return _create_app()


def _create_app(*_args: Any) -> Flask:
    from api import create_app

    app: Flask = create_app()
    return app


def main() -> None:
    """Entry point of the ``pathways`` console script."""
    group = FlaskGroup(
        create_app=_create_app,
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
        set_debug_flag=False,
        help="Pathways: training and job pathways for survivors of trafficking.",
    )
    group.main(prog_name="pathways")
