"""The sample market seasons (data/sample/seasons/*): loaded, published, idempotent."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.sample.files import SAMPLE_DIR
from api.services import surveys as service
from api.store.models import Organisation, Season
from api.store.models.base import utcnow
from market_survey.ingest import read_path
from market_survey.types import WORKING_DAYS_PER_MONTH

SEASONS_DIR = SAMPLE_DIR / "seasons"
SURVEY_ORG = "Market Survey Network"


def load_season_folder(session: Session, folder: Path, org_id: int | None) -> bool:
    """Create, fill and publish one season from its folder; False when its label exists.

    Runs inside the caller's transaction (no commit), like every sample loader.
    """
    meta = json.loads((folder / "season.json").read_text(encoding="utf-8"))
    if service.season_by_label(session, str(meta["label"])) is not None:
        return False
    season = Season(
        label=str(meta["label"]),
        status="draft",
        starts_on=date.fromisoformat(meta["starts_on"]) if meta.get("starts_on") else None,
        ends_on=date.fromisoformat(meta["ends_on"]) if meta.get("ends_on") else None,
        khr_per_usd=float(meta["khr_per_usd"]),
        working_days_per_month=float(meta.get("working_days_per_month", WORKING_DAYS_PER_MONTH)),
        minimum_wage_usd_month=float(meta["minimum_wage_usd_month"]),
        living_wage_usd_month=float(meta["living_wage_usd_month"]),
        org_id=org_id,
    )
    session.add(season)
    session.flush()
    raw = {}
    for table in ("jobs", "living_costs"):
        raw.update(read_path(folder / f"{table}.csv", table))
    for table, frame in service.parse_upload(session, season, raw).items():
        service.store_table(session, season.id, table, frame)
    season.status = "published"
    season.published_at = utcnow()
    session.flush()
    return True


def load_seasons(session: Session) -> str:
    """Both sample seasons, oldest first, published."""
    org_id = session.scalar(select(Organisation.id).where(Organisation.name == SURVEY_ORG))
    added = [
        folder.name
        for folder in sorted(p for p in SEASONS_DIR.iterdir() if (p / "season.json").exists())
        if load_season_folder(session, folder, org_id)
    ]
    return f"seasons: {len(added)} added" + (f" ({', '.join(added)})" if added else "")
