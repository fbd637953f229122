"""``pathways load-sample``: the shipped sample data, loaded idempotently.

Each area adds a loader to ``LOADERS``: a function that takes a session, inserts what
is missing, changes nothing that is already there, and returns a one-line summary.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Organisation

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"


def read_sample_csv(name: str) -> list[dict[str, str]]:
    with (SAMPLE_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_organisations(session: Session) -> str:
    """The sample NGOs (shelters, surveyors) and the operator."""
    added = 0
    for row in read_sample_csv("organisations.csv"):
        if session.scalar(select(Organisation).where(Organisation.name == row["name"])) is None:
            session.add(Organisation(name=row["name"]))
            added += 1
    session.flush()
    return f"organisations: {added} added"


LOADERS: list[Callable[[Session], str]] = [load_organisations]


def load_sample(session: Session) -> list[str]:
    """Run every loader in one transaction; the caller commits."""
    return [loader(session) for loader in LOADERS]
