"""``pathways create-user`` and ``pathways demo-users``: people who sign in on the pages."""

from __future__ import annotations

import secrets
import sys

import click
from flask.cli import with_appcontext

from api.auth import Principal
from api.cli.common import database_errors
from api.config import current_config
from api.errors import ApiError
from api.services.users import create_user, set_password
from api.store.db import get_database
from api.store.models import ROLES

# The sample's organisations, one demo user each (``make run`` prints their passwords).
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("counsellor", "counsellor", "Svay Rieng Shelter"),
    ("employer", "employer", "Golden Wheel Garage (sample)"),
    ("surveyor", "surveyor", "Market Survey Network"),
    ("admin", "admin", "Pathways Operator"),
)


def _read_password() -> str:
    # A script pipes one line; a person types it twice, unseen.
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.command("create-user")
@click.option("--org", "org", required=True, help="Organisation name (created if new).")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The user's role.")
@click.option("--username", required=True, help="The name they sign in with.")
@click.option("--name", default=None, help="The name the pages show (default: the username).")
@with_appcontext
def create_user_command(org: str, role: str, username: str, name: str | None) -> None:
    """Create a user who signs in on the pages.

    The password is read from standard input (one line) when that is not a terminal,
    and asked twice when it is.
    """
    password = _read_password()
    db = get_database()
    try:
        with database_errors("create the user"), db.sessions() as session:
            user = create_user(
                session,
                Principal.operator(),
                current_config(),
                username=username,
                role=role,
                password=password,
                org=org,
                name=name,
            )
    except ApiError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Created {user.role} {user.username!r} of {user.org}.")


@click.command("demo-users")
@with_appcontext
def demo_users_command() -> None:
    """Create (or give new passwords to) one demo user per role of the sample; print them."""
    db = get_database()
    click.echo("Demo users (username / password), new passwords on every run:")
    with database_errors("create the demo users"), db.sessions() as session:
        for username, role, org in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            try:
                create_user(
                    session,
                    Principal.operator(),
                    current_config(),
                    username=username,
                    role=role,
                    password=password,
                    org=org,
                )
            except ApiError as exc:
                if exc.status != 409:
                    raise click.ClickException(exc.detail) from exc
                set_password(session, current_config(), username, password)
            click.echo(f"  {role:<10} {username:<10} {password}   ({org})")
