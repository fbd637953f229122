"""Survey seasons' rows as plain values: which season is current, its parameters, its frames."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.models import Season, SurveyJob, SurveyLivingCost
from market_survey.types import JOB_COLUMNS, LIVING_COST_COLUMNS, SeasonParams


def params_of(season: Season) -> SeasonParams:
    """The season's normalisation parameters as the domain's plain type."""
    return SeasonParams(
        label=season.label,
        khr_per_usd=season.khr_per_usd,
        minimum_wage_usd_month=season.minimum_wage_usd_month,
        living_wage_usd_month=season.living_wage_usd_month,
        working_days_per_month=season.working_days_per_month,
    )


def reference_day(season: Season) -> date:
    """The day the season's figures describe: its end, else when it was published."""
    if season.ends_on is not None:
        return season.ends_on
    when = season.published_at or season.created_at
    return when.date()


def current_season(session: Session) -> Season | None:
    """The newest published season (by the days it describes, then publication)."""
    published = session.scalars(select(Season).where(Season.status == "published")).all()
    if not published:
        return None
    return max(
        published,
        key=lambda s: (
            reference_day(s),
            _aware(s.published_at or s.created_at),
            s.id,
        ),
    )


def _aware(when: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored as UTC.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def jobs_frame(session: Session, season_id: int) -> pd.DataFrame:
    """A season's jobs as a ``JOB_COLUMNS`` frame."""
    stmt = (
        select(*(getattr(SurveyJob, c) for c in JOB_COLUMNS))
        .where(SurveyJob.season_id == season_id)
        .order_by(SurveyJob.id)
    )
    rows = session.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=list(JOB_COLUMNS))
    return frame.astype(
        {
            "pay_min_usd_month": "float64",
            "pay_max_usd_month": "float64",
            "openings": "int64",
            "startup_cost_usd": "float64",
        }
    )


def living_costs_frame(session: Session, season_id: int) -> pd.DataFrame:
    """A season's living costs as a ``LIVING_COST_COLUMNS`` frame."""
    stmt = (
        select(*(getattr(SurveyLivingCost, c) for c in LIVING_COST_COLUMNS))
        .where(SurveyLivingCost.season_id == season_id)
        .order_by(SurveyLivingCost.town)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=list(LIVING_COST_COLUMNS))
    return frame.astype(dict.fromkeys(LIVING_COST_COLUMNS[1:], "float64"))
