"""``pathways import-survey --season LABEL --org NAME FILE...``: into a draft season."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from api.config import current_config
from api.errors import ApiError
from api.services import surveys as service
from api.store.db import get_database
from api.store.models import Season
from market_survey.errors import SurveyError
from market_survey.ingest import TABLES, read_path
from market_survey.types import WORKING_DAYS_PER_MONTH

# Files above this size get a progress bar while their rows are stored.
PROGRESS_FROM_BYTES = 1_000_000

# The command's options of a new season -> the API's field names (SeasonCreate).
SEASON_OPTIONS = {
    "khr_per_usd": "--khr-per-usd",
    "working_days_per_month": "--working-days",
    "minimum_wage_usd_month": "--minimum-wage",
    "living_wage_usd_month": "--living-wage",
    "starts_on": "--starts-on",
    "ends_on": "--ends-on",
}


@click.command("import-survey")
@click.option("--season", "label", required=True, help="The draft season's label.")
@click.option(
    "--org",
    "org_name",
    required=True,
    help="The surveying organisation the draft belongs to (it has a surveyor account).",
)
@click.option(
    "--table",
    type=click.Choice(TABLES),
    default=None,
    help="Which table a CSV file is (default: from its name, jobs.csv or living_costs.csv).",
)
@click.option("--create", is_flag=True, help="Create the draft season first (needs the rates).")
@click.option("--khr-per-usd", default=None, help="Riel per US$ (with --create).")
@click.option(
    "--working-days",
    default=str(WORKING_DAYS_PER_MONTH),
    show_default=True,
    help="Working days per month (with --create).",
)
@click.option("--minimum-wage", default=None, help="US$ a month (with --create).")
@click.option("--living-wage", default=None, help="US$ a month (with --create).")
@click.option("--starts-on", default=None, help="YYYY-MM-DD (with --create).")
@click.option("--ends-on", default=None, help="YYYY-MM-DD (with --create).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_survey(
    label: str,
    org_name: str,
    table: str | None,
    create: bool,
    khr_per_usd: str | None,
    working_days: str,
    minimum_wage: str | None,
    living_wage: str | None,
    starts_on: str | None,
    ends_on: str | None,
    files: tuple[str, ...],
) -> None:
    """Validate FILE... (CSV, XLSX, JSON) and store them in a draft season, all or nothing.

    No row cap applies here (the HTTP upload has one); columns and cells are capped as
    there, and the rows being stored show a progress bar.
    """

    # The command line is where a very large survey goes: the HTTP caps but rows.
    limits = replace(current_config().survey_limits, max_rows=None)
    db = get_database()
    with db.sessions() as session:
        try:
            principal = service.surveying_org(session, org_name)
        except ApiError as exc:
            raise click.ClickException(exc.detail) from None
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
                for key, frame in read_path(name, table, limits).items():
                    if key in tables:
                        raise click.ClickException(f"table {key} is given twice")
                    tables[key] = frame
        except SurveyError as exc:
            raise click.ClickException(exc.first_line()) from None
        if season is None:
            options = {
                "khr_per_usd": khr_per_usd,
                "working_days_per_month": working_days,
                "minimum_wage_usd_month": minimum_wage,
                "living_wage_usd_month": living_wage,
                "starts_on": starts_on,
                "ends_on": ends_on,
            }
            missing = [
                SEASON_OPTIONS[key]
                for key in ("khr_per_usd", "minimum_wage_usd_month", "living_wage_usd_month")
                if options[key] is None
            ]
            if missing:
                raise click.ClickException(f"--create needs {', '.join(missing)}")
            raw = {"label": label} | {k: v for k, v in options.items() if v is not None}
            try:
                data = service.season_fields(raw)
                # Validate before creating, so that a bad file leaves no empty draft.
                probe = Season(**{**data, "status": "draft"})
                service.parse_upload(session, probe, tables)
                season = service.create_season(session, principal, data)
            except (SurveyError, ApiError) as exc:
                session.rollback()
                raise click.ClickException(_line(exc)) from None
        big = sum(Path(f).stat().st_size for f in files) >= PROGRESS_FROM_BYTES
        total = sum(len(frame) for frame in tables.values())
        with tqdm(total=total, unit="rows", desc="storing", disable=not big, leave=False) as bar:
            try:
                accepted = service.upload(
                    session, principal, season.id, tables, progress=bar.update
                )
            except (SurveyError, ApiError) as exc:
                raise click.ClickException(_line(exc)) from None
    summary = ", ".join(f"{n} {t} rows" for t, n in accepted.items())
    click.echo(f"Season {label}: imported {summary} (draft; publish it to use it).")


def _line(exc: Exception) -> str:
    if isinstance(exc, SurveyError):
        return exc.first_line()
    if isinstance(exc, ApiError):
        first = exc.errors[0] if exc.errors else None
        if first:
            where = f"row {first['row']}, " if first.get("row") is not None else ""
            field = SEASON_OPTIONS.get(str(first.get("field", "")), first.get("field", ""))
            return f"{exc.detail} ({where}{field}: {first['message']})"
        return exc.detail
    return str(exc)
