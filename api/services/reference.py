"""Loading the reference data every deployment needs (shipped in ``training_catalog``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

import training_catalog as tc
from api.store.models import Occupation, Province, SkillFamily, Town
from api.store.models.base import Base
from training_catalog import reference

MODELS: dict[str, type[Base]] = {
    "provinces": Province,
    "skill_families": SkillFamily,
    "towns": Town,
    "occupations": Occupation,
}


def load_reference(session: Session) -> dict[str, int]:
    """Insert or update every reference row; running it again changes nothing."""
    counts: dict[str, int] = {}
    for table in reference.TABLES:  # in an order that satisfies the foreign keys
        model = MODELS[table]
        rows = reference.read_reference(table)
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
