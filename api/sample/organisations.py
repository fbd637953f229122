"""The sample NGOs (shelters, surveyors) and the operator (``organisations.csv``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.sample.files import read_sample_csv
from api.store.models import Organisation


def load_organisations(session: Session) -> str:
    """The sample NGOs (shelters, surveyors) and the operator."""
    added = 0
    for row in read_sample_csv("organisations.csv"):
        if session.scalar(select(Organisation).where(Organisation.name == row["name"])) is None:
            session.add(Organisation(name=row["name"]))
            added += 1
    session.flush()
    return f"organisations: {added} added"


def organisation(session: Session, name: str) -> Organisation:
    """The organisation of this name, created if it is not there yet."""
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name)
        session.add(org)
        session.flush()
    return org
