"""``pathways import-survey --season LABEL FILE...``: the CLI's way into a draft season."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from api.auth import Principal
from api.errors import ApiError
from api.services import surveys as service
from api.store.db import get_database
from api.store.models import Season
from market_survey.errors import SurveyError
from market_survey.ingest import TABLES, read_path
from market_survey.types import WORKING_DAYS_PER_MONTH

# Whoever runs the command holds the database already: an admin of every organisation.
OPERATOR = Principal.operator()

# Files above this size get a progress bar while their rows are stored.
PROGRESS_FROM_BYTES = 1_000_000


@click.command("import-survey")
@click.option("--season", "label", required=True, help="The draft season's label.")
@click.option(
    "--table",
    type=click.Choice(TABLES),
    default=None,
    help="Which table a CSV file is (default: from its name, jobs.csv or living_costs.csv).",
)
@click.option("--create", is_flag=True, help="Create the draft season first (needs the rates).")
@click.option("--khr-per-usd", type=click.FloatRange(min=1), default=None)
@click.option(
    "--working-days",
    type=click.FloatRange(1, 31),
    default=WORKING_DAYS_PER_MONTH,
    show_default=True,
)
@click.option("--minimum-wage", type=click.FloatRange(min=0, min_open=True), default=None)
@click.option("--living-wage", type=click.FloatRange(min=0, min_open=True), default=None)
@click.option("--starts-on", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--ends-on", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_survey(
    label: str,
    table: str | None,
    create: bool,
    khr_per_usd: float | None,
    working_days: float,
    minimum_wage: float | None,
    living_wage: float | None,
    starts_on: object,
    ends_on: object,
    files: tuple[str, ...],
) -> None:
    """Validate FILE... (CSV, XLSX, JSON) and store them in a draft season, all or nothing."""
    from tqdm import tqdm

    db = get_database()
    with db.sessions() as session:
        season = service.season_by_label(session, label)
        if season is None and not create:
            raise click.ClickException(
                f"there is no season {label!r}: create it with --create --khr-per-usd N "
                "--minimum-wage N --living-wage N (nothing was imported)"
            )
        if season is not None and create:
            raise click.ClickException(f"season {label!r} already exists; drop --create")
        tables = {}
        try:
            for name in files:
                for key, frame in read_path(name, table).items():
                    if key in tables:
                        raise click.ClickException(f"table {key} is given twice")
                    tables[key] = frame
        except SurveyError as exc:
            raise click.ClickException(exc.first_line()) from None
        if season is None:
            missing = [
                flag
                for flag, value in (
                    ("--khr-per-usd", khr_per_usd),
                    ("--minimum-wage", minimum_wage),
                    ("--living-wage", living_wage),
                )
                if value is None
            ]
            if missing:
                raise click.ClickException(f"--create needs {', '.join(missing)}")
            data = {
                "label": label,
                "khr_per_usd": khr_per_usd,
                "working_days_per_month": working_days,
                "minimum_wage_usd_month": minimum_wage,
                "living_wage_usd_month": living_wage,
                "starts_on": _date(starts_on),
                "ends_on": _date(ends_on),
            }
            try:
                # Validate before creating, so that a bad file leaves no empty draft.
                probe = Season(**{**data, "status": "draft"})
                service.parse_upload(session, probe, tables)
                season = service.create_season(session, OPERATOR, data)
            except (SurveyError, ApiError) as exc:
                session.rollback()
                raise click.ClickException(_line(exc)) from None
        big = sum(Path(f).stat().st_size for f in files) >= PROGRESS_FROM_BYTES
        total = sum(len(frame) for frame in tables.values())
        with tqdm(total=total, unit="rows", desc="storing", disable=not big, leave=False) as bar:
            try:
                accepted = service.upload(session, OPERATOR, season.id, tables, progress=bar.update)
            except (SurveyError, ApiError) as exc:
                raise click.ClickException(_line(exc)) from None
    summary = ", ".join(f"{n} {t} rows" for t, n in accepted.items())
    click.echo(f"Season {label}: imported {summary} (draft; publish it to use it).")


def _date(value: object) -> date | None:
    return value.date() if value is not None else None  # type: ignore[attr-defined]


def _line(exc: Exception) -> str:
    if isinstance(exc, SurveyError):
        return exc.first_line()
    if isinstance(exc, ApiError):
        first = exc.errors[0] if exc.errors else None
        if first:
            where = f"row {first['row']}, " if first.get("row") is not None else ""
            return f"{exc.detail} ({where}{first.get('field', '')}: {first['message']})"
        return exc.detail
    return str(exc)
