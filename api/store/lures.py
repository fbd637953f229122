"""The avoid list and the season's pay per occupation, as the engine's plain values."""

from __future__ import annotations

import statistics

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.models import AvoidEntry, SurveyJob
from api.store.seasons import current_season
from matcher import AvoidList


def load_avoid_list(session: Session) -> AvoidList:
    """The admin's list of towns and employers no one is sent to, with their reasons."""
    rows = session.execute(select(AvoidEntry.town, AvoidEntry.employer_id, AvoidEntry.reason))
    towns, employers = {}, {}
    for town, employer_id, reason in rows:
        if town is not None:
            towns[town] = reason
        if employer_id is not None:
            employers[employer_id] = reason
    return AvoidList(towns=towns, employers=employers)


def market_pay(session: Session, occupation: str) -> float | None:
    """The current season's median wage-job pay midpoint for an occupation (None: no row)."""
    season = current_season(session)
    if season is None:
        return None
    rows = session.execute(
        select(SurveyJob.pay_min_usd_month, SurveyJob.pay_max_usd_month).where(
            SurveyJob.season_id == season.id,
            SurveyJob.occupation == occupation,
            SurveyJob.employment == "wage",
        )
    ).all()
    if not rows:
        return None
    return float(statistics.median((low + high) / 2 for low, high in rows))
