"""Survey seasons: create, upload (all or nothing), publish, read, compare, snapshot.

``market_survey`` turns a file into a validated, normalised frame; this module stores
it. The HTTP upload, the CLI import and the sample loader share these functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import marshmallow as ma
import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal, may_see
from api.errors import Conflict, Forbidden, NotFound, Unprocessable, flatten_messages
from api.store.db import unit_of_work
from api.store.engine_inputs import ENGINE_INPUTS
from api.store.models import (
    AuditEvent,
    Occupation,
    Organisation,
    Season,
    SurveyJob,
    SurveyLivingCost,
    Town,
    User,
)
from api.store.models.base import utcnow
from api.store.seasons import current_season, jobs_frame, params_of, reference_day
from market_survey.diff import diff_jobs
from market_survey.errors import SurveyError
from market_survey.ingest import TABLES, parse_table
from market_survey.references import References
from market_survey.types import (
    JOB_COLUMNS,
    LIVING_COST_COLUMNS,
    WORKING_DAYS_PER_MONTH,
    MarketSnapshot,
)

# Rows per executemany / COPY batch: big enough to amortise the round trips, small
# enough that a million-row import never holds all its tuples at once.
STORE_BATCH = 50_000

Progress = Callable[[int], None]


# -- reading the database into plain values ----------------------------------------------


def references(session: Session) -> References:
    """Towns and occupations, by code, with their English and Khmer names."""
    towns = {c: (n, km) for c, n, km in session.execute(select(Town.code, Town.name, Town.name_km))}
    occupations = {
        c: (n, km)
        for c, n, km in session.execute(
            select(Occupation.code, Occupation.name, Occupation.name_km)
        )
    }
    return References.from_maps(towns, occupations)


def get_season(session: Session, season_id: int) -> Season:
    """The season, or 404."""
    season = session.get(Season, season_id)
    if season is None:
        raise NotFound(f"There is no season {season_id}.")
    return season


def season_by_label(session: Session, label: str) -> Season | None:
    return session.scalar(select(Season).where(Season.label == label))


def row_counts(session: Session, season_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """``{season_id: {"jobs_rows", "living_cost_rows"}}`` in two queries."""
    counts = {i: {"jobs_rows": 0, "living_cost_rows": 0} for i in season_ids}
    if not season_ids:
        return counts
    for model, key in ((SurveyJob, "jobs_rows"), (SurveyLivingCost, "living_cost_rows")):
        stmt = (
            select(model.season_id, func.count())
            .where(model.season_id.in_(season_ids))
            .group_by(model.season_id)
        )
        for season_id, n in session.execute(stmt):
            counts[season_id][key] = n
    return counts


def list_seasons_with_counts(session: Session) -> list[tuple[Season, dict[str, int]]]:
    """Every season, newest first, with its rows counted (the surveyor's page)."""
    seasons = list(session.scalars(select(Season).order_by(Season.id.desc())))
    counts = row_counts(session, [s.id for s in seasons])
    return [(season, counts[season.id]) for season in seasons]


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):  # 31 March minus a month is 28/29 February
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def staleness(season: Season, stale_months: int, today: date | None = None) -> dict[str, Any]:
    """``{"age_days", "stale", "stale_after_months"}`` of a season."""
    today = today or datetime.now(UTC).date()
    reference = reference_day(season)
    return {
        "age_days": (today - reference).days,
        "stale": reference < _months_before(today, stale_months),
        "stale_after_months": stale_months,
    }


def current_season_summary(session: Session, stale_months: int) -> dict[str, Any] | None:
    """For /health: the current season's id, label, age and staleness."""
    season = current_season(session)
    if season is None:
        return None
    return {"id": season.id, "label": season.label, **staleness(season, stale_months)}


# -- writing -------------------------------------------------------------------------------

_AMOUNT = ma.validate.Range(min=0, min_inclusive=False, max=100_000)


class SeasonCreate(ma.Schema):
    """A new season's fields: the API's body, the page's form and the CLI's options."""

    label = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    khr_per_usd = ma.fields.Float(
        required=True, allow_nan=False, validate=ma.validate.Range(min=1, max=100_000)
    )
    working_days_per_month = ma.fields.Float(
        load_default=WORKING_DAYS_PER_MONTH,
        allow_nan=False,
        validate=ma.validate.Range(min=1, max=31),
    )
    minimum_wage_usd_month = ma.fields.Float(required=True, allow_nan=False, validate=_AMOUNT)
    living_wage_usd_month = ma.fields.Float(required=True, allow_nan=False, validate=_AMOUNT)
    starts_on = ma.fields.Date(load_default=None)
    ends_on = ma.fields.Date(load_default=None)


def season_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A new season's fields as typed by a person (a form, options), loaded by the API's
    schema; 422 naming every bad field."""
    try:
        loaded: dict[str, Any] = SeasonCreate().load(raw)
    except ma.ValidationError as exc:
        raise Unprocessable("The season was not created.", flatten_messages(exc.messages)) from None
    return loaded


def _finite_amounts(data: Mapping[str, Any]) -> None:
    # The schema refuses them already; this keeps any other caller from storing one.
    bad = [
        {"field": name, "message": "must be a finite number"}
        for name in NUMBER_FIELDS
        if data.get(name) is not None and not math.isfinite(float(data[name]))
    ]
    if bad:
        raise Unprocessable("The season was not created.", bad)


NUMBER_FIELDS = (
    "khr_per_usd",
    "working_days_per_month",
    "minimum_wage_usd_month",
    "living_wage_usd_month",
)


def create_season(session: Session, principal: Principal, data: Mapping[str, Any]) -> Season:
    """A new draft season; 409 when the label is taken. Commits."""
    label = str(data["label"]).strip()
    if season_by_label(session, label) is not None:
        raise Conflict(
            f"A season labelled {label!r} already exists.",
            [{"field": "label", "message": "already used by another season"}],
        )
    _finite_amounts(data)
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise Unprocessable(
            "The season ends before it starts.",
            [{"field": "ends_on", "message": "is before starts_on"}],
        )
    season = Season(
        label=label,
        status="draft",
        starts_on=starts_on,
        ends_on=ends_on,
        khr_per_usd=float(data["khr_per_usd"]),
        working_days_per_month=float(data.get("working_days_per_month") or WORKING_DAYS_PER_MONTH),
        minimum_wage_usd_month=float(data["minimum_wage_usd_month"]),
        living_wage_usd_month=float(data["living_wage_usd_month"]),
        org_id=principal.org_id,
    )
    with unit_of_work(session):
        session.add(season)
    return season


def surveying_org(session: Session, name: str) -> Principal:
    """The command line's principal for a surveying organisation (one with a surveyor).

    404 for an unknown name, 422 for an organisation nobody surveys for: the drafts
    a command creates belong to it, as a surveyor's would.
    """
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        raise NotFound(f"there is no organisation {name!r}")
    surveyors = select(User.id).where(User.org_id == org.id, User.role == "surveyor")
    if session.scalar(surveyors.limit(1)) is None:
        raise Unprocessable(
            f"organisation {name!r} has no surveyor: give the survey's own organisation",
            [{"field": "org", "message": "has no surveyor account"}],
        )
    return Principal.operator(org.id, org.name, role="surveyor")


def _writable(season: Season, principal: Principal) -> None:
    if season.status == "published":
        raise Conflict(
            f"Season {season.label!r} is published: it is kept as it is, forever. "
            "Create a new season for new figures."
        )
    # A draft nobody owns (made before drafts had owners) is an admin's to change.
    if not may_see(principal, season.org_id):
        if season.org_id is None:
            raise Forbidden(
                "This draft season belongs to no organisation: only an admin may change it."
            )
        raise Forbidden("This draft season belongs to another organisation.")


def parse_upload(
    session: Session, season: Season, tables: Mapping[str, pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """Validate and normalise every uploaded table; one 422 lists every problem.

    Raises ``market_survey.errors.SurveyError`` (mapped to 422) naming each table's
    problems; a problem's ``field`` is prefixed by its table when more than one
    table is uploaded at once (a workbook).
    """

    refs = references(session)
    params = params_of(season)
    parsed: dict[str, pd.DataFrame] = {}
    problems: list[dict[str, Any]] = []
    details: list[str] = []
    for table, raw in tables.items():
        try:
            parsed[table] = parse_table(table, raw, refs, params)
        except SurveyError as exc:
            prefix = f"{table}." if len(tables) > 1 else ""
            problems.extend({**e, "field": prefix + str(e.get("field", ""))} for e in exc.errors)
            details.append(exc.detail)
    if problems:
        raise SurveyError(problems, "; ".join(details))
    return parsed


def upload(
    session: Session,
    principal: Principal,
    season_id: int,
    tables: Mapping[str, pd.DataFrame],
    progress: Progress | None = None,
) -> dict[str, int]:
    """Replace the uploaded tables of a draft season, all or nothing. Commits once.

    Returns ``{table: accepted rows}``. 404 unknown season, 409 published, 422 bad rows
    (and nothing is written).
    """
    season = get_season(session, season_id)
    _writable(season, principal)
    unknown = [t for t in tables if t not in TABLES]
    if unknown or not tables:
        raise Unprocessable(
            "Name the table: jobs or living_costs.",
            [{"field": "table", "message": f"must be one of {', '.join(TABLES)}"}],
        )
    parsed = parse_upload(session, season, tables)
    with unit_of_work(session):
        for table, frame in parsed.items():
            store_table(session, season.id, table, frame, progress)
    ENGINE_INPUTS.forget(season.id)
    return {table: len(frame) for table, frame in parsed.items()}


def towns_without_living_costs(session: Session, season_id: int) -> list[str]:
    """Codes of the towns the season's jobs name but its living costs do not, sorted."""
    costed = select(SurveyLivingCost.town).where(SurveyLivingCost.season_id == season_id)
    stmt = (
        select(SurveyJob.town)
        .where(SurveyJob.season_id == season_id, SurveyJob.town.not_in(costed))
        .distinct()
        .order_by(SurveyJob.town)
    )
    return list(session.scalars(stmt))


def _town_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    stmt = select(Town.code, Town.name).where(Town.code.in_(codes))
    return {str(code): str(name) for code, name in session.execute(stmt)}


def publish_preview(session: Session, season_id: int) -> dict[str, Any]:
    """What publishing the season would change: its rows, the towns whose jobs have no
    living costs, and the diff against the season that is current now (None if none)."""
    season = get_season(session, season_id)
    current = current_season(session)
    return {
        "season": season,
        "rows": row_counts(session, [season.id])[season.id],
        "towns_without_living_costs": towns_without_living_costs(session, season.id),
        "current": current,
        "diff": diff(session, season.id, current.id) if current is not None else None,
    }


def publish(
    session: Session,
    principal: Principal,
    season_id: int,
    *,
    allow_towns_without_living_costs: bool = False,
) -> Season:
    """Freeze a draft season that has jobs rows. Commits.

    A season whose jobs name towns it has no living costs for is refused (422 naming
    them) unless ``allow_towns_without_living_costs``: once current, it would change
    every counsellor's figures for those towns.
    """
    season = get_season(session, season_id)
    _writable(season, principal)
    jobs = session.scalar(
        select(func.count()).select_from(SurveyJob).where(SurveyJob.season_id == season.id)
    )
    if not jobs:
        raise Unprocessable(
            "A season needs at least one jobs row before it is published.",
            [{"field": "jobs", "message": "no rows uploaded"}],
        )
    missing = towns_without_living_costs(session, season.id)
    if missing and not allow_towns_without_living_costs:
        names = _town_names(session, missing)
        listed = ", ".join(f"{code} ({names.get(code, code)})" for code in missing)
        raise Unprocessable(
            f"The season's jobs name {len(missing)} town(s) with no living costs: {listed}. "
            "Upload their living costs, or publish with "
            "allow_towns_without_living_costs: true.",
            [
                {
                    "field": "living_costs",
                    "message": f"no living costs for {code} ({names.get(code, code)})",
                    "town": code,
                }
                for code in missing
            ],
        )
    with unit_of_work(session):
        season.status = "published"
        season.published_at = utcnow()
        audit(session, principal, "publish", "season", season.id, season.org_id)
    return season


def publishers(session: Session, season_ids: Sequence[int]) -> dict[int, str]:
    """``{season_id: "user (organisation)"}`` of who published each season, from the
    audit rows (a season published by a sample load or before the rows were kept has
    none)."""
    if not season_ids:
        return {}
    stmt = (
        select(AuditEvent.entity_id, User.name, Organisation.name)
        .join(User, User.id == AuditEvent.user_id)
        .join(Organisation, Organisation.id == User.org_id)
        .where(
            AuditEvent.entity == "season",
            AuditEvent.action == "publish",
            AuditEvent.entity_id.in_(season_ids),
        )
    )
    return {
        int(sid): f"{user} ({org})" for sid, user, org in session.execute(stmt) if sid is not None
    }


def delete_season(session: Session, principal: Principal, season_id: int) -> None:
    """Delete a draft and its rows (a published season: 409). Commits."""
    season = get_season(session, season_id)
    _writable(season, principal)
    with unit_of_work(session):
        for model in (SurveyJob, SurveyLivingCost):
            session.execute(delete(model).where(model.season_id == season.id))
        session.delete(season)
    ENGINE_INPUTS.forget(season_id)


# -- bulk store ----------------------------------------------------------------------------

JOB_TABLE_COLUMNS: tuple[str, ...] = ("season_id", *JOB_COLUMNS)
LIVING_TABLE_COLUMNS: tuple[str, ...] = ("season_id", *LIVING_COST_COLUMNS)


def _column_values(frame: pd.DataFrame, column: str) -> list[Any]:
    """Python values (not numpy scalars) with None for NaN, as every driver accepts."""
    values = frame[column]
    if pd.api.types.is_float_dtype(values.dtype):
        array = values.to_numpy(dtype="float64")
        if np.isnan(array).any():
            out = array.astype(object)
            out[np.isnan(array)] = None
            return list(out)
        return array.tolist()
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.to_numpy(dtype="int64").tolist()
    return values.astype(object).tolist()


def row_tuples(
    season_id: int, frame: pd.DataFrame, columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """The frame's rows as tuples in ``season_id, *columns`` order."""
    n = len(frame)
    return list(zip([season_id] * n, *(_column_values(frame, c) for c in columns), strict=True))


def bulk_insert(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    progress: Progress | None = None,
) -> None:
    """Insert rows in the session's transaction: COPY on PostgreSQL, executemany elsewhere.

    The ORM's unit of work would build a million objects; the driver's own bulk path
    is an order of magnitude faster and still inside the session's transaction, so a
    failure anywhere rolls everything back.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    names = ", ".join(columns)
    if dialect == "postgresql":
        raw = connection.connection.driver_connection
        with (
            raw.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for start in range(0, len(rows), STORE_BATCH):
                batch = rows[start : start + STORE_BATCH]
                for row in batch:
                    copy.write_row(row)
                if progress:
                    progress(len(batch))
        return
    marks = ", ".join("?" if dialect == "sqlite" else "%s" for _ in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (names are ours)
    for start in range(0, len(rows), STORE_BATCH):
        batch = rows[start : start + STORE_BATCH]
        connection.exec_driver_sql(sql, list(batch))
        if progress:
            progress(len(batch))


def store_table(
    session: Session,
    season_id: int,
    table: str,
    frame: pd.DataFrame,
    progress: Progress | None = None,
) -> int:
    """Replace one table's rows of a season with a normalised frame (no commit)."""
    if table == "jobs":
        model: Any = SurveyJob
        columns: Sequence[str] = JOB_COLUMNS
    else:
        model = SurveyLivingCost
        columns = LIVING_COST_COLUMNS
    session.execute(delete(model).where(model.season_id == season_id))
    rows = row_tuples(season_id, frame, columns)
    bulk_insert(session, model.__tablename__, ("season_id", *columns), rows, progress)
    return len(rows)


# -- reading frames, diff, snapshot ----------------------------------------------------------


def diff(session: Session, season_id: int, against_id: int) -> dict[str, Any]:
    """``{"season", "against", "added", "removed", "changed"}`` (drafts too)."""
    season = get_season(session, season_id)
    against = get_season(session, against_id)
    result = diff_jobs(jobs_frame(session, season.id), jobs_frame(session, against.id))
    return {
        "season": {"id": season.id, "label": season.label},
        "against": {"id": against.id, "label": against.label},
        **result,
    }


def get_snapshot(session: Session, season_id: int | None = None) -> MarketSnapshot:
    """The season's market as plain frames (default: the current season).

    404 when there is no such season, or no published season for the default.
    """
    if season_id is None:
        season = current_season(session)
        if season is None:
            raise NotFound("No season has been published yet.")
    else:
        season = get_season(session, season_id)
    return ENGINE_INPUTS.snapshot(session, season)
