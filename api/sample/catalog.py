"""The sample catalog, employers and vacancies of ``data/sample`` (idempotent loaders)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import ServiceConfig
from api.sample.files import read_sample_csv
from api.sample.organisations import organisation
from api.services.employers import pay_usd_month, vacancy_problems
from api.store.models import Employer, Track, TrackOccupation, Vacancy
from api.store.models.base import utcnow


def _flag(text: str) -> bool:
    return text.strip().lower() == "true"


def load_sample_tracks(session: Session) -> str:
    """The provider NGOs and their tracks; a track already there is left as it is."""
    added = 0
    for row in read_sample_csv("tracks.csv"):
        if session.scalar(select(Track.id).where(Track.code == row["code"])) is not None:
            continue
        track = Track(
            code=row["code"],
            name=row["name"],
            provider_org_id=organisation(session, row["provider"]).id,
            town=row["town"],
            skill_family=row["skill_family"],
            duration_months=int(row["duration_months"]),
            seats=int(row["seats"]),
            next_start=date.fromisoformat(row["next_start"]) if row["next_start"] else None,
            cost_usd=float(row["cost_usd"]),
            min_age=int(row["min_age"]),
            min_literacy=row["min_literacy"],
        )
        track.occupation_links = [
            TrackOccupation(occupation=code, position=i)
            for i, code in enumerate(row["occupations"].split())
        ]
        session.add(track)
        added += 1
    session.flush()
    return f"tracks: {added} added"


def load_sample_employers(session: Session, config: ServiceConfig) -> str:
    """Employer organisations, their profiles (vetted or pending) and their vacancies."""
    employers_added = vacancies_added = 0
    by_org: dict[str, Employer] = {}
    for row in read_sample_csv("employers.csv"):
        org = organisation(session, row["organisation"])
        employer = session.scalar(select(Employer).where(Employer.org_id == org.id))
        if employer is None:
            decided = row["vetting"] != "pending"
            employer = Employer(
                org_id=org.id,
                name=row["name"],
                town=row["town"],
                sector=row["sector"],
                contact=row["contact"],
                vetting=row["vetting"],
                vetting_note=row["note"],
                decided_at=utcnow() if decided else None,
                approved_for_risk=_flag(row["approved_for_risk"]),
            )
            session.add(employer)
            session.flush()
            employers_added += 1
        by_org[row["organisation"]] = employer
    for row in read_sample_csv("vacancies.csv"):
        employer = by_org[row["employer"]]
        exists = session.scalar(
            select(Vacancy.id).where(
                Vacancy.employer_id == employer.id,
                Vacancy.occupation == row["occupation"],
                Vacancy.town == row["town"],
                Vacancy.description == row["description"],
            )
        )
        if exists is not None:
            continue
        values: dict[str, Any] = {
            "occupation": row["occupation"],
            "town": row["town"],
            "pay": float(row["pay"]),
            "pay_unit": row["pay_unit"],
            "currency": row["currency"],
            "positions": int(row["positions"]),
            "positions_filled": int(row["positions_filled"] or 0),
            "status": row["status"] or "open",
            "provides_food": _flag(row["provides_food"]),
            "provides_room": _flag(row["provides_room"]),
            "min_age": int(row["min_age"]),
            "night_shift": _flag(row["night_shift"]),
            "hires_from_track": row["hires_from_track"] or None,
            "description": row["description"],
        }
        errors, track = vacancy_problems(session, employer, values)
        if errors:  # the shipped sample must obey the law like any employer
            raise ValueError(f"sample vacancy {row['description']!r}: {errors}")
        del values["hires_from_track"]
        vacancy = Vacancy(
            employer_id=employer.id,
            hires_from_track_id=track.id if track else None,
            pay_usd_month=pay_usd_month(
                session, config, values["pay"], values["pay_unit"], values["currency"]
            ),
            **values,
        )
        session.add(vacancy)
        vacancies_added += 1
    session.flush()
    return f"employers: {employers_added} added; vacancies: {vacancies_added} added"
