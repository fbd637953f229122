"""Copies of the whole database: SQLite's online backup API, ``pg_dump``'s custom format.

A backup is taken while the service runs: SQLite copies pages under its own locks
(readers and writers go on; a page written meanwhile restarts the copy of that page),
``pg_dump`` reads one snapshot. A copy is written beside its target and renamed into
place only once complete, so a crash never leaves a half-written backup under the
name asked for. A restore replaces everything in the database, in one transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url

# (pages or tables done, total): called as the copy advances.
Progress = Callable[[int, int], None]

# pages copied per step of SQLite's backup: small enough that writers are not held up.
PAGES_PER_STEP = 256


class BackupError(Exception):
    """A backup or restore that cannot be done (the message says why, in one line)."""


def holds_data(engine: Engine) -> bool:
    """Whether the database already has tables (a restore would replace them)."""
    return bool(inspect(engine).get_table_names())


def backup(engine: Engine, target: Path, progress: Progress | None = None) -> None:
    """Copy the database of ``engine`` to the file ``target`` (replaced if it exists)."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial, progress)
        else:
            _pg_dump(engine, partial, progress)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def restore(engine: Engine, source: Path, progress: Progress | None = None) -> None:
    """Replace the database of ``engine`` with the backup ``source``."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    # Pooled connections would keep reading the old tables (SQLite) or hold locks that
    # the restore waits for (PostgreSQL).
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, source, progress)
    else:
        _pg_restore(engine, source, progress)
    engine.dispose()


def _step(progress: Progress | None) -> Callable[[int, int, int], None]:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    return report


def _sqlite_backup(engine: Engine, target: Path, progress: Progress | None) -> None:
    target.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with sqlite3.connect(target) as copy:
            source.backup(copy, pages=PAGES_PER_STEP, progress=_step(progress))
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        copy.close()
    finally:
        raw.close()


def _sqlite_restore(engine: Engine, source: Path, progress: Progress | None) -> None:
    try:
        backup_db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{source} is not a SQLite backup: {exc}") from exc
    try:
        _check_sqlite_backup(backup_db, source)
        raw = engine.raw_connection()
        try:
            live = raw.driver_connection
            assert isinstance(live, sqlite3.Connection)
            backup_db.backup(live, pages=PAGES_PER_STEP, progress=_step(progress))
        finally:
            raw.close()
    finally:
        backup_db.close()


def _check_sqlite_backup(db: sqlite3.Connection, source: Path) -> None:
    try:
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite backup: {exc}") from exc
    if verdict != "ok":
        raise BackupError(f"{source} is damaged: {verdict}")
    if "alembic_version" not in tables:
        raise BackupError(f"{source} is not a backup of a Pathways database")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools "
            "(Debian/Ubuntu: apt-get install postgresql-client) and put them on PATH"
        )
    return path


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """The database's address for libpq's tools; the password goes in the environment."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(
    command: list[str], env: dict[str, str], marker: str, total: int, progress: Progress | None
) -> None:
    """Run a pg tool in verbose mode; each line naming a table's data is a step."""
    errors: list[str] = []
    # An argument list (no shell) of a tool found on PATH and this process's own paths.
    with subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stderr is not None
        done = 0
        for line in proc.stderr:
            if marker in line:
                done += 1
                if progress is not None:
                    progress(min(done, total), total)
            elif "error" in line.casefold():
                errors.append(line.strip())
    if proc.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} failed: {errors[0] if errors else f'exit {proc.returncode}'}")


def _pg_dump(engine: Engine, target: Path, progress: Progress | None) -> None:
    dump = _tool("pg_dump")
    address, env = _libpq(engine)
    total = len(inspect(engine).get_table_names())
    command = [dump, "--format=custom", "--verbose", f"--file={target}", f"--dbname={address}"]
    _run(command, env, "dumping contents of table", total, progress)


def _pg_restore(engine: Engine, source: Path, progress: Progress | None) -> None:
    tool = _tool("pg_restore")
    address, env = _libpq(engine)
    listing = subprocess.run(  # noqa: S603  (an argument list, no shell)
        [tool, "--list", str(source)], capture_output=True, text=True, env=env, check=False
    )
    if listing.returncode != 0:
        raise BackupError(f"{source} is not a pg_dump backup: {listing.stderr.strip()[:200]}")
    if " alembic_version " not in listing.stdout:
        raise BackupError(f"{source} is not a backup of a Pathways database")
    total = sum(" TABLE DATA " in line for line in listing.stdout.splitlines())
    command = [
        tool,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "--verbose",
        f"--dbname={address}",
        str(source),
    ]
    _run(command, env, "processing data for table", total, progress)
