"""``pathways avoid-list``: the towns and employers no one is sent to, from the shell.

The same use cases as ``GET/POST /avoid-list`` and ``DELETE /avoid-list/{id}``, run as
the operator (an admin of every organisation), audited like the API's.
"""

from __future__ import annotations

import re

import click
from flask.cli import with_appcontext

from api.auth import Principal
from api.cli.common import database_errors
from api.errors import ApiError
from api.services import lures
from api.store.db import get_database

PAGE = 500


@click.group("avoid-list")
def avoid_list() -> None:
    """The towns and employers no survivor is recommended or referred to."""


@avoid_list.command("list")
@with_appcontext
def list_command() -> None:
    """Every entry: id, what is avoided, and the reason counsellors read."""
    lines: list[str] = []
    with database_errors("list the avoid list"), get_database().sessions() as session:
        cursor: str | None = None
        while True:
            entries, cursor = lures.list_avoid(session, PAGE, cursor)
            lines += [
                f"{e.id}  {_target(e.kind, e.town, e.employer_id)}  {e.reason}" for e in entries
            ]
            if cursor is None:
                break
    click.echo("\n".join(lines) if lines else "The avoid list is empty.")


@avoid_list.command("add")
@click.option("--town", default=None, help="A town's code (e.g. BVT).")
@click.option("--employer", "employer", default=None, help="An employer's id (a number).")
@click.option("--reason", required=True, help="Why, in the words counsellors will read.")
@with_appcontext
def add_command(town: str | None, employer: str | None, reason: str) -> None:
    """Put one town or one employer on the avoid list."""
    if (town is None) == (employer is None):
        raise click.ClickException("name exactly one of --town CODE or --employer ID")
    employer_id = _number("--employer", employer) if employer is not None else None
    raw = {
        "kind": "town" if town is not None else "employer",
        "town": town,
        "employer_id": employer_id,
        "reason": reason.strip(),
    }
    with database_errors("add to the avoid list"), get_database().sessions() as session:
        try:
            entry = lures.add_avoid(session, Principal.operator(), lures.avoid_entry_fields(raw))
        except ApiError as exc:
            raise click.ClickException(_said(exc)) from None
        click.echo(f"Added entry {entry.id}: {_target(entry.kind, town, employer_id)}.")


@avoid_list.command("remove")
@click.argument("entry")
@with_appcontext
def remove_command(entry: str) -> None:
    """Take entry ENTRY (its id: see ``avoid-list list``) off the list."""
    entry_id = _number("ENTRY", entry)
    with database_errors("remove from the avoid list"), get_database().sessions() as session:
        try:
            lures.remove_avoid(session, Principal.operator(), entry_id)
        except ApiError as exc:
            raise click.ClickException(_said(exc)) from None
    click.echo(f"Removed entry {entry_id}.")


def _target(kind: str, town: str | None, employer_id: int | None) -> str:
    return f"town {town}" if kind == "town" else f"employer {employer_id}"


def _number(name: str, text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise click.ClickException(f"{name} must be a whole number (got {text!r})")
    return int(text)


def _said(exc: ApiError) -> str:
    """The problem's detail and, when it names fields, their messages: one line."""
    fields = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
    return f"{exc.detail} ({fields})" if fields else exc.detail
