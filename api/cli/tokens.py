"""``pathways create-token`` and ``pathways revoke-token``: bearer tokens for scripts."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from api.auth import issue_token, revoke_token
from api.cli.common import database_errors
from api.store.db import get_database, unit_of_work


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
    db = get_database()
    try:
        with (
            database_errors("create the token"),
            db.sessions() as session,
            unit_of_work(session),
        ):
            token = issue_token(session, org, role, user_name, current_app.config["TOKEN_DAYS"])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    days = current_app.config["TOKEN_DAYS"]
    click.echo(
        f"Token for {role} of {org}, valid {days} days (shown once; keep it secret):", err=True
    )
    click.echo(token)


@click.command("revoke-token")
@click.argument("token_or_prefix")
@with_appcontext
def revoke_token_command(token_or_prefix: str) -> None:
    """Revoke a token, given whole or by the prefix 'pw_' plus 8 characters."""
    db = get_database()
    with db.sessions() as session, unit_of_work(session):
        count = revoke_token(session, token_or_prefix)
    if count == 0:
        raise click.ClickException("no active token matches that token or prefix")
    click.echo(f"Revoked {count} token(s).")
