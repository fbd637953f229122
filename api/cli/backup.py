"""``pathways backup PATH`` and ``pathways restore PATH``: the whole database to a file and back.

SQLite: the online backup API (a plain SQLite file). PostgreSQL: ``pg_dump``'s custom
format, restored by ``pg_restore`` in one transaction; both tools must be on PATH.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from api.cli.common import first_line, safe_url
from api.store import backup as store
from api.store.db import get_database

PATH = click.Path(dir_okay=False, path_type=Path)


@contextmanager
def _bar(desc: str) -> Iterator[store.Progress]:
    """A progress bar on stderr (on a terminal only), fed (done, total)."""
    with tqdm(desc=desc, unit="step", leave=False, disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        yield progress


@contextmanager
def _one_line(doing: str) -> Iterator[None]:
    try:
        yield
    except store.BackupError as exc:
        raise click.ClickException(f"cannot {doing}: {exc}") from exc
    except (SQLAlchemyError, OSError) as exc:
        raise click.ClickException(f"cannot {doing}: {first_line(exc)}") from exc


@click.command("backup")
@click.argument("path", type=PATH)
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Copy the whole database to PATH while the service runs."""
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists: pass --force to replace it")
    if not path.parent.is_dir():
        raise click.ClickException(f"no folder {path.parent} to write {path.name} in")
    url = current_app.config["DATABASE_URL"]
    with _one_line(f"back up {safe_url(url)}"), _bar("backing up") as progress:
        store.backup(get_database().engine, path, progress)
    click.echo(f"Backed up {safe_url(url)} to {path} ({path.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("path", type=PATH)
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Replace the database with the backup at PATH (stop the service first)."""
    url = current_app.config["DATABASE_URL"]
    engine = get_database().engine
    with _one_line(f"restore {path} into {safe_url(url)}"):
        if not path.is_file():
            raise store.BackupError(f"no backup file at {path}")
        if store.holds_data(engine) and not force:
            raise click.ClickException(
                f"{safe_url(url)} already holds data: pass --force to replace all of it"
            )
        with _bar("restoring") as progress:
            store.restore(engine, path, progress)
    click.echo(
        f"Restored {path} into {safe_url(url)} (a backup from an older version: "
        "'pathways init-db' migrates it)."
    )
