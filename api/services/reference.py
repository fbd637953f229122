"""Loading the reference data every deployment needs (shipped in ``training_catalog``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.models import Occupation, Province, SkillFamily, Town, Track
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


@dataclass(frozen=True)
class Names:
    """What people call the reference data's codes, in English and in Khmer."""

    provinces: dict[str, tuple[str, str]]
    towns: dict[str, tuple[str, str]]
    occupations: dict[str, tuple[str, str]]
    skill_families: dict[str, tuple[str, str]]
    tracks: dict[str, tuple[str, str]]  # code -> (name, town code)

    def of(self, kind: str, code: str | None, language: str) -> str:
        """The name of ``code`` in ``language`` ("en" or "km"); the code itself if unknown."""
        if code is None:
            return ""
        table: dict[str, tuple[str, str]] = getattr(self, kind)
        pair = table.get(code)
        if pair is None:
            return code
        if kind == "tracks":
            return pair[0]
        return pair[1] if language == "km" and pair[1] else pair[0]


def reference_names(session: Session) -> Names:
    """Every code's names, read in a few small queries (a page shows many of them)."""
    return Names(
        provinces={
            r.code: (r.name, r.name_km)
            for r in session.execute(select(Province.code, Province.name, Province.name_km))
        },
        towns={
            r.code: (r.name, r.name_km)
            for r in session.execute(select(Town.code, Town.name, Town.name_km))
        },
        occupations={
            r.code: (r.name, r.name_km)
            for r in session.execute(select(Occupation.code, Occupation.name, Occupation.name_km))
        },
        skill_families={
            r.name: (r.name_en, r.name_km)
            for r in session.execute(
                select(SkillFamily.name, SkillFamily.name_en, SkillFamily.name_km)
            )
        },
        tracks={
            r.code: (r.name, r.town)
            for r in session.execute(select(Track.code, Track.name, Track.town))
        },
    )
