"""Loading the reference data every deployment needs, from the CSVs in the package."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

import training_catalog as tc
from api.models import Occupation, Province, SkillFamily, Town
from api.models.base import Base

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"

# Loaded in this order so that foreign keys are satisfied.
TABLES: tuple[tuple[str, type[Base]], ...] = (
    ("provinces.csv", Province),
    ("skill_families.csv", SkillFamily),
    ("towns.csv", Town),
    ("occupations.csv", Occupation),
)


def _value(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    return text


def read_reference(filename: str) -> list[dict[str, Any]]:
    with (REFERENCE_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return [{k: _value(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def load_reference(session: Session) -> dict[str, int]:
    """Insert or update every reference row; running it again changes nothing."""
    counts: dict[str, int] = {}
    for filename, model in TABLES:
        rows = read_reference(filename)
        for row in rows:
            session.merge(model(**row))
        session.flush()
        counts[model.__tablename__] = len(rows)
    return counts


def plain_town(row: Town) -> tc.Town:
    """A town row as the domain packages read it."""
    return tc.Town(
        code=row.code,
        name=row.name,
        province=row.province,
        tourist_hub=row.tourist_hub,
        casino_town=row.casino_town,
        name_km=row.name_km,
    )


def plain_occupation(row: Occupation) -> tc.Occupation:
    """An occupation row, with the flags the law and the safeguards need."""
    return tc.Occupation(
        code=row.code,
        name=row.name,
        skill_family=row.skill_family,
        hazardous=row.hazardous,
        night_work=row.night_work,
        exploitation_risk=row.exploitation_risk,
        on_the_job=row.on_the_job,
        light_work=row.light_work,
        name_km=row.name_km,
    )
