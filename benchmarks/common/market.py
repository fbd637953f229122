"""The synthetic national market of the recommendation benchmarks, reproducible by seed.

``benchmarks/recommend.py`` and ``benchmarks/bare_app.py`` build it with the same seeds,
so that the engine, the api and the bare endpoints see the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from market_survey.types import JOB_COLUMNS, LIVING_COST_COLUMNS, MarketSnapshot, SeasonParams
from matcher import Profile, Vacancy
from matcher.weights import VENUES
from training_catalog.types import LITERACY_LEVELS, SKILL_FAMILIES, Catalog, Occupation, Town, Track

TODAY = date(2026, 11, 28)
BARE_SURVIVORS = 16  # survivors whose arrays bare_app.py holds (memory: ~6 MB each)


@dataclass(frozen=True)
class Synthetic:
    """A survey snapshot with the catalog and vacancies of the same towns and occupations."""

    market: MarketSnapshot
    catalog: Catalog
    vacancies: list[Vacancy]


def build_market(
    *,
    provinces: int = 25,
    towns: int = 60,
    occupations: int = 400,
    tracks: int = 500,
    vacancies: int = 5_000,
    wage_row_share: float = 1.0,
    self_row_share: float = 0.4,
    seed: int = 7,
) -> Synthetic:
    """A synthetic national market of the benchmark's size (reproducible by ``seed``)."""
    rng = np.random.default_rng(seed)
    province_codes = [f"KH-{i + 1}" for i in range(provinces)]
    town_list = [
        Town(
            code=f"T{i:03d}",
            name=f"Town {i}",
            province=province_codes[i % provinces],
            tourist_hub=bool(rng.random() < 0.2),
            casino_town=bool(rng.random() < 0.05),
        )
        for i in range(towns)
    ]
    occ_list = []
    for i in range(occupations):
        hazardous = bool(rng.random() < 0.08)
        occ_list.append(
            Occupation(
                code=f"{1000 + i}",
                name=f"Occupation {i}",
                skill_family=SKILL_FAMILIES[i % len(SKILL_FAMILIES)],
                hazardous=hazardous,
                night_work=bool(rng.random() < 0.05),
                exploitation_risk=bool(rng.random() < 0.02),
                on_the_job=bool(rng.random() < 0.1),
                light_work=bool(not hazardous and rng.random() < 0.1),
            )
        )
    by_family: dict[str, list[str]] = {}
    for o in occ_list:
        by_family.setdefault(o.skill_family, []).append(o.code)
    track_list = []
    for i in range(tracks):
        family = SKILL_FAMILIES[i % len(SKILL_FAMILIES)]
        leads = rng.choice(by_family[family], size=int(rng.integers(1, 4)), replace=False)
        seats = int(rng.integers(8, 31))
        track_list.append(
            Track(
                code=f"track-{i:03d}",
                name=f"Track {i}",
                provider="NGO",
                town=town_list[int(rng.integers(towns))].code,
                skill_family=family,
                occupations=tuple(str(c) for c in leads),
                duration_months=int(rng.choice([3, 6, 9, 12])),
                seats=seats,
                seats_available=int(rng.integers(0, seats + 1)),
                next_start=date(2027, 1, 15),
                cost_usd=300.0,
                min_age=int(rng.choice([12, 15, 16, 18])),
                min_literacy=str(rng.choice(LITERACY_LEVELS)),
            )
        )
    # Survey: a wage row for most (town, occupation) pairs, own-business rows for some.
    tt, oo = np.meshgrid(np.arange(towns), np.arange(occupations), indexing="ij")
    tt, oo = tt.ravel(), oo.ravel()
    wage_keep = rng.random(tt.size) < wage_row_share
    self_keep = rng.random(tt.size) < self_row_share
    lo = rng.uniform(40, 300, tt.size)
    jobs = pd.DataFrame(
        {
            "town": [town_list[t].code for t in tt[wage_keep]],
            "occupation": [occ_list[o].code for o in oo[wage_keep]],
            "employment": "wage",
            "venue": "market",
            "pay_min_usd_month": lo[wage_keep],
            "pay_max_usd_month": lo[wage_keep] * 1.3,
            "openings": rng.integers(0, 60, int(wage_keep.sum())),
            "startup_cost_usd": np.nan,
            "source": "synthetic",
        }
    )
    n_self = int(self_keep.sum())
    own = pd.DataFrame(
        {
            "town": [town_list[t].code for t in tt[self_keep]],
            "occupation": [occ_list[o].code for o in oo[self_keep]],
            "employment": "self",
            "venue": rng.choice(VENUES, n_self),
            "pay_min_usd_month": rng.uniform(40, 250, n_self),
            "pay_max_usd_month": rng.uniform(250, 400, n_self),
            "openings": rng.integers(0, 20, n_self),
            "startup_cost_usd": rng.uniform(50, 800, n_self),
            "source": "synthetic",
        }
    )
    jobs = pd.concat([jobs, own], ignore_index=True)[list(JOB_COLUMNS)]
    costed = [t for t in town_list if rng.random() < 0.8]
    living = pd.DataFrame(
        {
            "town": [t.code for t in costed],
            "food_usd_month": rng.uniform(40, 90, len(costed)),
            "room_usd_month": rng.uniform(20, 50, len(costed)),
            "other_usd_month": rng.uniform(20, 40, len(costed)),
        }
    )[list(LIVING_COST_COLUMNS)]
    statuses = np.array(["vetted", "pending", "rejected", "suspended"])
    vac = [
        Vacancy(
            id=i + 1,
            employer_id=int(rng.integers(1, 800)),
            employer_name=f"Employer {i}",
            employer_status=str(statuses[rng.choice(4, p=[0.85, 0.1, 0.03, 0.02])]),
            occupation=occ_list[int(rng.integers(occupations))].code,
            town=town_list[int(rng.integers(towns))].code,
            pay_usd_month=float(rng.uniform(60, 400)),
            positions_left=int(rng.integers(0, 10)),
            provides_food=bool(rng.random() < 0.3),
            provides_room=bool(rng.random() < 0.2),
            min_age=int(rng.choice([15, 16, 18])),
            night_shift=bool(rng.random() < 0.1),
            hires_from_track=(
                track_list[int(rng.integers(tracks))].code if rng.random() < 0.1 else None
            ),
            is_open=bool(rng.random() < 0.95),
        )
        for i in range(vacancies)
    ]
    market = MarketSnapshot(
        season_id=1,
        params=SeasonParams("synthetic", 4000.0, 210.0, 250.0),
        jobs=jobs,
        living_costs=living,
    )
    catalog = Catalog(
        towns={t.code: t for t in town_list},
        occupations={o.code: o for o in occ_list},
        tracks=tuple(track_list),
    )
    return Synthetic(market, catalog, vac)


def build_profiles(syn: Synthetic, n: int, seed: int = 11) -> list[Profile]:
    """Survivors of every kind; most will move anywhere (the most candidates)."""
    rng = np.random.default_rng(seed)
    track_codes = [t.code for t in syn.catalog.tracks]
    towns = list(syn.catalog.towns.values())
    provinces = sorted({t.province for t in towns})
    out = []
    for i in range(n):
        out.append(
            Profile(
                survivor_id=i + 1,
                birth_year=int(rng.integers(1995, 2013)),
                home_province=str(rng.choice(provinces)),
                literacy=str(rng.choice(LITERACY_LEVELS)),
                aptitudes={
                    str(f): int(rng.integers(0, 6))
                    for f in rng.choice(SKILL_FAMILIES, 5, replace=False)
                },
                preferences=tuple(str(c) for c in rng.choice(track_codes, 3, replace=False)),
                relocation=str(rng.choice(["anywhere", "anywhere", "named", "home_only"])),
                willing_towns=tuple(str(t.code) for t in rng.choice(towns, 3, replace=False)),
                self_employment_interest=bool(rng.random() < 0.5),
            )
        )
    return out
