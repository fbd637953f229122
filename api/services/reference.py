"""Loading the reference data every deployment needs (shipped in ``training_catalog``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

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
