"""Load the synthetic market, its catalog, vacancies and survivors into a new database.

Bulk inserts, not the API: the HTTP benchmark measures recommending, not loading.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api.auth import issue_token
from api.services.reference import load_reference
from api.store.db import make_engine, upgrade
from api.store.models import (
    Employer,
    Organisation,
    Season,
    SeatReservation,
    SurveyJob,
    SurveyLivingCost,
    Survivor,
    TrackOccupation,
)
from api.store.models import Occupation as OccupationRow
from api.store.models import Town as TownRow
from api.store.models import Track as TrackRow
from api.store.models import Vacancy as VacancyRow
from benchmarks.common.market import Synthetic
from market_survey.types import MarketSnapshot
from matcher import Profile, Vacancy
from training_catalog.types import Catalog


def build_database(
    syn: Synthetic, profiles: Sequence[Profile], url: str, *, places: bool = True
) -> tuple[str, list[int]]:
    """Migrate the database at ``url`` and fill it; a counsellor's token and the survivors' ids.

    ``places=False`` when the catalog's towns and occupations are the reference ones
    (loaded anyway), not synthetic ones to add beside them.
    """
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_reference(session)
        if places:
            _insert_places(session, syn.catalog)
        _insert_season(session, syn.market)
        provider = Organisation(name="Synthetic provider NGO")
        shelter = Organisation(name="Synthetic shelter")
        session.add_all([provider, shelter])
        session.flush()
        track_ids = _insert_tracks(session, syn.catalog, provider.id)
        _insert_vacancies(session, syn.vacancies, track_ids)
        _insert_survivors(session, profiles, shelter.id)
        ids = list(session.scalars(select(Survivor.id).order_by(Survivor.id)))
        token = issue_token(session, shelter.name, "counsellor")
        session.commit()
    engine.dispose()
    return token, ids


def _insert_places(session: Session, catalog: Catalog) -> None:
    """The synthetic towns and occupations, beside the reference ones."""
    session.execute(
        insert(TownRow),
        [
            {
                "code": t.code,
                "name": t.name,
                "name_km": t.name,
                "province": t.province,
                "tourist_hub": t.tourist_hub,
                "casino_town": t.casino_town,
            }
            for t in catalog.towns.values()
        ],
    )
    session.execute(
        insert(OccupationRow),
        [
            {
                "code": o.code,
                "name": o.name,
                "name_km": o.name,
                "skill_family": o.skill_family,
                "hazardous": o.hazardous,
                "night_work": o.night_work,
                "exploitation_risk": o.exploitation_risk,
                "on_the_job": o.on_the_job,
                "light_work": o.light_work,
            }
            for o in catalog.occupations.values()
        ],
    )


def _insert_season(session: Session, market: MarketSnapshot) -> None:
    """A published season with the market's survey rows and living costs."""
    p = market.params
    season = Season(
        label=p.label,
        status="published",
        khr_per_usd=p.khr_per_usd,
        working_days_per_month=p.working_days_per_month,
        minimum_wage_usd_month=p.minimum_wage_usd_month,
        living_wage_usd_month=p.living_wage_usd_month,
        published_at=datetime.now(UTC),
    )
    session.add(season)
    session.flush()
    jobs = market.jobs.astype(object).where(market.jobs.notna(), None)
    session.execute(
        insert(SurveyJob),
        [{"season_id": season.id, **row} for row in jobs.to_dict("records")],
    )
    session.execute(
        insert(SurveyLivingCost),
        [{"season_id": season.id, **r} for r in market.living_costs.to_dict("records")],
    )


def _insert_tracks(session: Session, catalog: Catalog, provider_id: int) -> dict[str, int]:
    """The tracks, their occupations and the reservations of the seats already taken.

    Returns each track's id by code.
    """
    session.execute(
        insert(TrackRow),
        [
            {
                "id": i + 1,
                "code": t.code,
                "name": t.name,
                "provider_org_id": provider_id,
                "town": t.town,
                "skill_family": t.skill_family,
                "duration_months": t.duration_months,
                "seats": t.seats,
                "next_start": t.next_start,
                "cost_usd": t.cost_usd,
                "min_age": t.min_age,
                "min_literacy": t.min_literacy,
            }
            for i, t in enumerate(catalog.tracks)
        ],
    )
    session.execute(
        insert(TrackOccupation),
        [
            {"track_id": i + 1, "occupation": code, "position": j}
            for i, t in enumerate(catalog.tracks)
            for j, code in enumerate(t.occupations)
        ],
    )
    reservations = [
        {"track_id": i + 1, "intake_start": t.next_start, "survivor_id": 1_000_000 + n}
        for i, t in enumerate(catalog.tracks)
        for n in range(t.seats - t.seats_available)
    ]
    if reservations:
        session.execute(insert(SeatReservation), reservations)
    return {t.code: i + 1 for i, t in enumerate(catalog.tracks)}


def _insert_vacancies(
    session: Session, vacancies: Sequence[Vacancy], track_ids: dict[str, int]
) -> None:
    """The vacancies, each of its own employer organisation.

    Vetting is per employer, and the synthetic vacancies each carry their own status.
    """
    orgs = [{"name": f"Synthetic employer {v.id}"} for v in vacancies]
    session.execute(insert(Organisation), orgs)
    employer_orgs = select(Organisation.name, Organisation.id).where(
        Organisation.name.like("Synthetic employer %")
    )
    org_ids = dict(session.execute(employer_orgs).all())
    session.execute(
        insert(Employer),
        [
            {
                "id": v.id,
                "org_id": org_ids[f"Synthetic employer {v.id}"],
                "name": v.employer_name,
                "town": v.town,
                "vetting": v.employer_status,
            }
            for v in vacancies
        ],
    )
    session.execute(
        insert(VacancyRow),
        [
            {
                "id": v.id,
                "employer_id": v.id,
                "occupation": v.occupation,
                "town": v.town,
                "pay": v.pay_usd_month,
                "pay_unit": "month",
                "currency": "USD",
                "pay_usd_month": v.pay_usd_month,
                "positions": max(v.positions_left, 1),
                "positions_filled": max(v.positions_left, 1) - v.positions_left,
                "status": "open" if v.is_open else "closed",
                "provides_food": v.provides_food,
                "provides_room": v.provides_room,
                "min_age": v.min_age,
                "night_shift": v.night_shift,
                "hires_from_track_id": track_ids.get(v.hires_from_track or ""),
            }
            for v in vacancies
        ],
    )


def _insert_survivors(session: Session, profiles: Sequence[Profile], org_id: int) -> None:
    """The survivors' profiles, as cases of the shelter ``org_id``."""
    session.execute(
        insert(Survivor),
        [
            {
                "org_id": org_id,
                "case_code": f"BENCH-{p.survivor_id:05d}",
                "birth_year": p.birth_year,
                "home_province": p.home_province,
                "literacy": p.literacy,
                "education_grade": p.education_grade,
                "aptitudes": dict(p.aptitudes),
                "preferences": list(p.preferences),
                "relocation": p.relocation,
                "willing_towns": list(p.willing_towns),
                "avoid_towns": list(p.avoid_towns),
                "self_employment_interest": p.self_employment_interest,
            }
            for p in profiles
        ],
    )
