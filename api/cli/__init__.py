"""The ``pathways`` command line, one module per command group.

Bad input: one line on stderr and a non-zero exit. The commands belong to this console
script's group rather than to the app, so that ``create_app`` does not import its own
entry point (tests invoke the same group on their app: ``tests/conftest.py``).
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup

from api.app import create_app
from api.cli.allocations import allocate_command
from api.cli.avoid import avoid_list
from api.cli.backup import backup_command, restore_command
from api.cli.casework import follow_ups_due_command, report_command
from api.cli.database import init_db, load_sample_command
from api.cli.outcomes import simulate_outcomes, train_model
from api.cli.serve import serve
from api.cli.surveys import import_survey
from api.cli.tokens import create_token, revoke_token_command
from api.cli.users import create_user_command, demo_users_command

COMMANDS: tuple[click.Command, ...] = (
    init_db,
    load_sample_command,
    create_token,
    revoke_token_command,
    create_user_command,
    demo_users_command,
    serve,
    import_survey,
    allocate_command,
    follow_ups_due_command,
    report_command,
    backup_command,
    restore_command,
    simulate_outcomes,
    train_model,
    avoid_list,
)


def _create_app(*_args: Any) -> Flask:
    return create_app()


pathways = FlaskGroup(
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
    help="Pathways: training and job pathways for survivors of trafficking.",
)
for _command in COMMANDS:
    pathways.add_command(_command)


def main() -> None:
    """Entry point of the ``pathways`` console script."""
    pathways.main(prog_name="pathways")
