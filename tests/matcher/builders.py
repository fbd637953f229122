"""Small markets, catalogs, vacancies and profiles for the matcher's tests.

Towns and occupations come from the project's reference data, so the flags the
safeguards read (hazardous, night work, light work...) are the real ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from market_survey.types import JOB_COLUMNS, LIVING_COST_COLUMNS, MarketSnapshot, SeasonParams
from matcher.types import Profile, Vacancy
from training_catalog import reference
from training_catalog.types import Catalog, Occupation, Town, Track

TODAY = date(2026, 11, 28)


def reference_towns() -> dict[str, Town]:
    return reference.towns()


def reference_occupations() -> dict[str, Occupation]:
    return reference.occupations()


def track(
    code: str,
    town: str,
    skill_family: str,
    occupations: Iterable[str],
    *,
    seats: int = 10,
    seats_available: int | None = None,
    min_age: int = 15,
    min_literacy: str = "none",
    duration_months: int = 6,
    next_start: date | None = date(2027, 1, 15),
    name: str | None = None,
    cost_usd: float = 300.0,
) -> Track:
    return Track(
        code=code,
        name=name or code.replace("-", " ").capitalize(),
        provider="Test NGO",
        town=town,
        skill_family=skill_family,
        occupations=tuple(occupations),
        duration_months=duration_months,
        seats=seats,
        seats_available=seats if seats_available is None else seats_available,
        next_start=next_start,
        cost_usd=cost_usd,
        min_age=min_age,
        min_literacy=min_literacy,
    )


def catalog(tracks: Iterable[Track] = ()) -> Catalog:
    return Catalog(
        towns=reference_towns(), occupations=reference_occupations(), tracks=tuple(tracks)
    )


def job(
    town: str,
    occupation: str,
    pay_min: float,
    pay_max: float | None = None,
    *,
    employment: str = "wage",
    venue: str = "market",
    openings: int = 10,
    startup_cost_usd: float = math.nan,
) -> dict[str, Any]:
    return {
        "town": town,
        "occupation": occupation,
        "employment": employment,
        "venue": venue,
        "pay_min_usd_month": float(pay_min),
        "pay_max_usd_month": float(pay_min if pay_max is None else pay_max),
        "openings": openings,
        "startup_cost_usd": startup_cost_usd,
        "source": "test",
    }


def shop(
    town: str, occupation: str, pay_min: float, pay_max: float, venue: str, **kw: Any
) -> dict[str, Any]:
    return job(town, occupation, pay_min, pay_max, employment="self", venue=venue, **kw)


def market(
    jobs: Iterable[Mapping[str, Any]],
    living_costs: Mapping[str, tuple[float, float, float]] | None = None,
    *,
    living_wage: float = 88.75,
    minimum_wage: float = 50.0,
    label: str = "2008",
) -> MarketSnapshot:
    costs = living_costs or {}
    return MarketSnapshot(
        season_id=1,
        params=SeasonParams(
            label=label,
            khr_per_usd=4000.0,
            minimum_wage_usd_month=minimum_wage,
            living_wage_usd_month=living_wage,
        ),
        jobs=pd.DataFrame(list(jobs), columns=list(JOB_COLUMNS)),
        living_costs=pd.DataFrame(
            [(t, *c) for t, c in costs.items()], columns=list(LIVING_COST_COLUMNS)
        ),
    )


def vacancy(
    id: int,
    occupation: str,
    town: str,
    pay: float,
    *,
    employer_id: int | None = None,
    employer_name: str | None = None,
    employer_status: str = "vetted",
    positions_left: int = 3,
    provides_food: bool = False,
    provides_room: bool = False,
    min_age: int = 15,
    night_shift: bool = False,
    hires_from_track: str | None = None,
    is_open: bool = True,
) -> Vacancy:
    return Vacancy(
        id=id,
        employer_id=employer_id if employer_id is not None else 100 + id,
        employer_name=employer_name or f"Employer {id}",
        employer_status=employer_status,
        occupation=occupation,
        town=town,
        pay_usd_month=float(pay),
        positions_left=positions_left,
        provides_food=provides_food,
        provides_room=provides_room,
        min_age=min_age,
        night_shift=night_shift,
        hires_from_track=hires_from_track,
        is_open=is_open,
    )


def profile(**overrides: Any) -> Profile:
    """An adult survivor from Svay Rieng who reads, with no wishes unless given."""
    base: dict[str, Any] = {
        "survivor_id": 1,
        "birth_year": 2000,
        "home_province": "KH-20",
        "literacy": "functional",
        "relocation": "home_only",
    }
    base.update(overrides)
    return Profile(**base)


def birth_year_for_lowest_age(age: int, today: date = TODAY) -> int:
    """The birth year whose lowest possible age on ``today`` is ``age``."""
    return today.year - age - 1


# Living costs (food, room, other) US$/month: the paper's 2008 Svay Rieng and a
# tourist town where the same needs cost more.
COSTS_2008 = {
    "SVR": (30.0, 20.0, 38.75),
    "BVT": (30.0, 20.0, 38.75),
    "PNH": (50.0, 40.0, 30.0),
    "SRP": (55.0, 35.0, 30.0),
}
