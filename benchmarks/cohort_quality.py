"""Cohort quality (issue 11): a shelter's cohort from the study's distributions, allocated
by the real service, against arrival order and what the seats allow.

Each seed draws a cohort of 60 survivors and a season's market (the generator below,
from the reintegration paper's Tables 2 and 3 and the project's FACTS): three quarters
minors (17% of the study's survivors were under 15, 60% aged 15-18), 60% who cannot
read, wishes skewed by gender as in Table 3, home in Svay Rieng or Banteay Meanchey;
115 seats in 13 tracks with the study's scarcity (a 30-seat sewing class, few beauty
and electronics seats); a market where tourist-town jobs and city wages compete with
home towns, with lures: well-paid hazardous or night work, and casino towns (Bavet,
Poipet, Sihanoukville) next door. It is loaded into a fresh SQLite database and run
through the service: ``POST /api/v1/allocations`` (the cohort figures) and ``POST
/api/v1/survivors/{id}/recommendations`` (the top picks), with the weights a
deployment would set (``MATCHER_WEIGHTS``). The goals of the issue are checked on every
seed, as the issue states them and in the score's order (livable first, each goal at
its level or at the most the goals before it leave, exact by an integer program); a
small table shows how the figures move with the weights.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/cohort_quality.py            # seeds 1-5
    PYTHONPATH=. .venv/bin/python benchmarks/cohort_quality.py --seeds 1-10 --no-tradeoff
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from api.app import create_app
from api.services.allocations import wish_ranks
from benchmarks.common.database import build_database
from benchmarks.common.frontier import (
    at_least,
    max_count,
    max_median_net,
    max_score,
    top_two_good_mask,
)
from benchmarks.common.market import Synthetic
from benchmarks.common.seeds import seeds as parse_seeds
from market_survey.types import JOB_COLUMNS, LIVING_COST_COLUMNS, MarketSnapshot, SeasonParams
from matcher import (
    PreparedMarket,
    Profile,
    Vacancy,
    Weights,
    prepare_market,
    recommend_prepared,
    track_scores_prepared,
)
from matcher.allocate import GOOD_APTITUDE, CohortArrays, allocate, seats_allow
from training_catalog import reference
from training_catalog.types import Catalog, Track

TODAY = date.today()
COHORT = 60
INTAKE = date(TODAY.year + 1, 1, 15)

# --- the generator ------------------------------------------------------------------

#: Table 3, "Job expectation", by gender (shares of the 16 women and the 14 men); the
#: codes are the occupations the survivors name. Men's electronics and car repair (7%
#: each) and the women's beauty salon (25%) are the scarce seats.
WISHES = {
    "female": {"8153": 0.38, "5142": 0.25, "7531": 0.38},
    "male": {"8153": 0.21, "7421": 0.07, "5141": 0.21, "7231": 0.43, "7531": 0.07},
}
#: Second and third wishes: the rest of the same list, and what shelters also offer.
OTHER_WISHES = ("5120", "5131", "4224", "7318", "7421", "5141", "5142")
FAMILY = {o.code: o.skill_family for o in reference.occupations().values()}

#: (code, town, skill family, occupations, seats, min age, min literacy): 115 seats.
TRACKS: tuple[tuple[str, str, str, tuple[str, ...], int, int, str], ...] = (
    ("sewing-svr", "SVR", "textile", ("8153", "7531"), 30, 15, "none"),
    ("tailoring-ssp", "SSP", "textile", ("7531",), 10, 15, "none"),
    ("beauty-pnh", "PNH", "beauty", ("5142",), 4, 15, "none"),
    ("beauty-svr", "SVR", "beauty", ("5142",), 3, 15, "none"),
    ("electronics-pnh", "PNH", "electronics", ("7421", "7422"), 4, 15, "basic"),
    ("hair-svr", "SVR", "hair", ("5141",), 8, 15, "none"),
    ("hair-ssp", "SSP", "hair", ("5141",), 6, 15, "none"),
    ("motorbike-svr", "SVR", "mechanical", ("7231",), 10, 15, "none"),
    ("motorbike-ssp", "SSP", "mechanical", ("7231",), 10, 15, "none"),
    ("car-repair-pnh", "PNH", "mechanical", ("7231",), 5, 16, "basic"),
    ("cooking-srp", "SRP", "cooking", ("5120", "9412"), 10, 15, "none"),
    ("hospitality-srp", "SRP", "hospitality", ("5131", "9112", "4224"), 9, 15, "none"),
    ("crafts-btb", "BTB", "crafts", ("7318", "7533"), 6, 12, "none"),
)

#: Food, room, other (US$ a month): FACTS "Living costs"; tourist towns and the capital
#: cost more.
COSTS = {
    "PNH": (70, 45, 40),
    "SRP": (60, 35, 35),
    "SHV": (70, 45, 40),
    "BTB": (55, 30, 30),
    "KPT": (55, 30, 30),
    "SVR": (50, 25, 25),
    "SSP": (50, 25, 25),
    "BVT": (55, 35, 30),
    "POI": (55, 35, 30),
}

#: (town, occupation, pay min, pay max, openings): home towns pay little, tourist towns
#: and the capital more, and casino towns lure with well-paid (often hazardous, night
#: or scam) work.
JOBS: tuple[tuple[str, str, float, float, int], ...] = (
    # home towns (Svay Rieng, Serei Saophoan): below or near the living wage off garment
    ("SVR", "8153", 170, 200, 20),
    ("SVR", "7531", 80, 100, 6),
    ("SVR", "5141", 85, 110, 5),
    ("SVR", "5142", 100, 130, 3),
    ("SVR", "7231", 110, 150, 8),
    ("SVR", "7421", 110, 140, 2),
    ("SVR", "5120", 100, 130, 4),
    ("SVR", "5131", 80, 100, 6),
    ("SSP", "8153", 160, 190, 15),
    ("SSP", "7531", 85, 105, 5),
    ("SSP", "5141", 90, 115, 5),
    ("SSP", "7231", 115, 150, 8),
    ("SSP", "5131", 80, 95, 5),
    # casino and border towns next door: the lures
    ("BVT", "8153", 220, 260, 60),
    ("BVT", "7421", 260, 340, 12),
    ("BVT", "4222", 500, 700, 40),
    ("BVT", "4212", 400, 600, 20),
    ("BVT", "5131", 150, 200, 10),
    ("POI", "8153", 200, 240, 30),
    ("POI", "4212", 450, 650, 25),
    ("POI", "5169", 300, 450, 15),
    ("POI", "7231", 150, 200, 6),
    ("POI", "5131", 150, 190, 10),
    ("SHV", "4212", 500, 700, 30),
    ("SHV", "4222", 600, 900, 30),
    ("SHV", "5131", 180, 240, 12),
    ("SHV", "9313", 260, 330, 25),
    # the capital and the tourist towns: city wages that compete with home
    ("PNH", "8153", 210, 240, 80),
    ("PNH", "7531", 160, 220, 8),
    ("PNH", "5141", 160, 220, 8),
    ("PNH", "5142", 180, 260, 6),
    ("PNH", "7231", 200, 280, 10),
    ("PNH", "7421", 220, 300, 8),
    ("PNH", "7422", 200, 280, 8),
    ("PNH", "5120", 200, 280, 8),
    ("PNH", "5131", 130, 200, 15),
    ("PNH", "9313", 250, 320, 40),
    ("PNH", "4224", 250, 350, 5),
    ("PNH", "5132", 200, 260, 6),
    ("SRP", "5131", 150, 220, 20),
    ("SRP", "9112", 140, 190, 15),
    ("SRP", "9412", 120, 160, 10),
    ("SRP", "5120", 180, 250, 8),
    ("SRP", "5141", 150, 220, 5),
    ("SRP", "5142", 170, 240, 5),
    ("SRP", "4224", 220, 300, 5),
    ("SRP", "5132", 220, 300, 6),
    ("SRP", "7318", 150, 220, 6),
    ("BTB", "7318", 110, 160, 5),
    ("BTB", "7533", 90, 130, 4),
    ("BTB", "5131", 110, 150, 6),
    ("BTB", "7231", 140, 190, 6),
    ("BTB", "5141", 120, 160, 4),
    ("KPT", "5131", 130, 180, 8),
    ("KPT", "5120", 160, 220, 5),
)
#: Own business: (town, occupation, pay min, pay max, venue, start-up US$).
SHOPS = (
    ("SVR", "7531", 70, 100, "home", 150),
    ("SSP", "5141", 80, 110, "market", 120),
    ("SRP", "5141", 200, 280, "tourist", 300),
    ("PNH", "5142", 200, 300, "market", 400),
)

HOMES = {"KH-20": ("SVR",), "KH-1": ("SSP",)}
ELSEWHERE = ("PNH", "SRP", "BTB", "KPT")


def _jitter(rng: np.random.Generator, value: float, spread: float = 0.1) -> float:
    return float(round(value * (1.0 + rng.uniform(-spread, spread)), 2))


def build_market(seed: int) -> Synthetic:
    """The season: the reference towns and occupations, 13 tracks, a jittered market."""
    rng = np.random.default_rng(seed)
    tracks = tuple(
        Track(
            code=code,
            name=code.replace("-", " ").capitalize(),
            provider="Shelter NGO",
            town=town,
            skill_family=family,
            occupations=occs,
            duration_months=6,
            seats=seats,
            seats_available=seats,
            next_start=INTAKE,
            cost_usd=300.0,
            min_age=min_age,
            min_literacy=literacy,
        )
        for code, town, family, occs, seats, min_age, literacy in TRACKS
    )
    catalog = Catalog(towns=reference.towns(), occupations=reference.occupations(), tracks=tracks)
    rows: list[dict[str, Any]] = []
    for town, occ, lo, hi, n in JOBS:
        low = _jitter(rng, lo)
        rows.append(
            _row(town, occ, low, max(low, _jitter(rng, hi)), int(rng.integers(1, 2 * n + 1)))
        )
    for town, occ, lo, hi, venue, cost in SHOPS:
        low = _jitter(rng, lo)
        rows.append(_row(town, occ, low, max(low, _jitter(rng, hi)), 3, "self", venue, float(cost)))
    market = MarketSnapshot(
        season_id=1,
        params=SeasonParams(
            label=f"cohort-{seed}",
            khr_per_usd=4100.0,
            minimum_wage_usd_month=210.0,
            living_wage_usd_month=120.0,
        ),
        jobs=pd.DataFrame(rows, columns=list(JOB_COLUMNS)),
        living_costs=pd.DataFrame(
            [(t, *(_jitter(rng, c, 0.05) for c in costs)) for t, costs in COSTS.items()],
            columns=list(LIVING_COST_COLUMNS),
        ),
    )
    vacancies = [
        # A garment factory with a dormitory, and a Bavet night shift that pays more.
        _vacancy(1, "8153", "PNH", _jitter(rng, 215), room=True),
        _vacancy(2, "8153", "BVT", _jitter(rng, 280), night=True),
        _vacancy(3, "5131", "SRP", _jitter(rng, 170), food=True, room=True, min_age=18),
        _vacancy(4, "7231", "SVR", _jitter(rng, 160), hires="motorbike-svr"),
    ]
    return Synthetic(market=market, catalog=catalog, vacancies=vacancies)


def _row(
    town: str,
    occ: str,
    lo: float,
    hi: float,
    openings: int,
    employment: str = "wage",
    venue: str = "market",
    startup: float = float("nan"),
) -> dict[str, Any]:
    return {
        "town": town,
        "occupation": occ,
        "employment": employment,
        "venue": venue,
        "pay_min_usd_month": lo,
        "pay_max_usd_month": hi,
        "openings": openings,
        "startup_cost_usd": startup,
        "source": "cohort benchmark",
    }


def _vacancy(
    i: int,
    occ: str,
    town: str,
    pay: float,
    *,
    room: bool = False,
    food: bool = False,
    night: bool = False,
    min_age: int = 15,
    hires: str | None = None,
) -> Vacancy:
    return Vacancy(
        id=i,
        employer_id=i,
        employer_name=f"Employer {i}",
        employer_status="vetted",
        occupation=occ,
        town=town,
        pay_usd_month=pay,
        positions_left=5,
        provides_food=food,
        provides_room=room,
        min_age=min_age,
        night_shift=night,
        hires_from_track=hires,
    )


def build_cohort(seed: int, n: int = COHORT) -> list[Profile]:
    """``n`` survivors from the study's distributions (see the module's docstring)."""
    rng = np.random.default_rng(10_000 + seed)
    out = []
    for i in range(n):
        gender = "female" if rng.random() < 16 / 30 else "male"
        r = rng.random()
        age = (
            int(rng.integers(13, 15))
            if r < 0.2
            else (int(rng.integers(15, 18)) if r < 0.75 else int(rng.integers(18, 26)))
        )
        literacy = "none" if rng.random() < 0.6 else str(rng.choice(["basic", "functional"]))
        shares = WISHES[gender]
        codes = list(shares)
        p = np.array([shares[c] for c in codes])
        first = str(rng.choice(codes, p=p / p.sum()))
        rest = [c for c in codes if c != first] + [c for c in OTHER_WISHES if c not in codes]
        extra = list(rng.choice(rest, size=int(rng.integers(1, 3)), replace=False))
        wishes = (first, *(str(c) for c in extra))
        aptitudes: dict[str, int] = {}
        for k, code in enumerate(wishes):
            # A quarter of the sewing trainees were "not good at it": wishes and talent
            # meet often, not always.
            good = rng.random() < (0.6 if k == 0 else 0.45)
            aptitudes[FAMILY[code]] = int(rng.integers(3, 6) if good else rng.integers(0, 3))
        for family in (
            "textile",
            "beauty",
            "hair",
            "mechanical",
            "electronics",
            "cooking",
            "hospitality",
            "crafts",
        ):
            if family not in aptitudes and rng.random() < 0.5:
                aptitudes[family] = int(rng.integers(0, 6))
        province = "KH-20" if rng.random() < 0.5 else "KH-1"
        r = rng.random()
        relocation = "home_only" if r < 0.35 else ("named" if r < 0.7 else "anywhere")
        willing = (
            tuple(
                str(t) for t in rng.choice(ELSEWHERE, size=int(rng.integers(1, 3)), replace=False)
            )
            if relocation == "named"
            else ()
        )
        out.append(
            Profile(
                survivor_id=i + 1,
                birth_year=TODAY.year - age - 1,
                home_province=province,
                literacy=literacy,
                aptitudes=aptitudes,
                preferences=wishes,
                relocation=relocation,
                willing_towns=willing,
                needs_accommodation=bool(rng.random() < 0.5),
                self_employment_interest=bool(rng.random() < 0.3),
                gender=gender,
            )
        )
    return out


# --- one seed through the service ---------------------------------------------------


#: The frontier's steps: talent fit over the status quo's, top two good as a share of
#: what the seats allow (None: no such constraint).
TALENT_STEPS: tuple[float | None, ...] = (None, 0.10, 0.12, 0.15)
TOP_TWO_STEPS: tuple[float | None, ...] = (None, 0.90, 0.95, 1.00)
Frontier = dict[tuple[float | None, float | None], tuple[float, bool] | None]


@dataclass
class SeedResult:
    figures: dict[str, dict[str, Any]]
    top_livable: int  # survivors whose top pick is livable, of ...
    with_livable: int  # ... those with a livable option outside flagged towns
    dominated: int
    minors_unsafe: int  # hazardous, night-work or flagged-town items shown to minors
    flagged_top: int
    top_median_net: float | None
    # The highest median net income of any allocation (within the seats and hard
    # rules, as many seated) by (talent gain, top-two share): (median, proved), or
    # None where those two counts cannot hold together.
    frontier: Frontier | None = None
    # Where the median goal needs giving up top-two wishes: how many can stay.
    top_two_for_income: int | None = None
    # The goals as the score orders them: livable first, then the rest in turn.
    livable_first: LivableFirst | None = None


@dataclass(frozen=True)
class LivableFirst:
    """What an allocation can reach when each goal comes after the ones before it, in the
    score's order: as many seated, then as many on a livable track as the seats allow
    (the band), then top two good, then talent fit, then the median net income. Each
    count is the exact maximum given the ones before it (at their goals' levels)."""

    livable: int  # the most on a livable track, with as many seated
    top_two_good: int  # the most on a top-two wish they are good at, with that
    talent_fit: int  # the most on a track they are good at, with 0.90 of that
    median: float | None  # the best median net with both goals (or their maxima)

    def needed(self, figures: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
        """The goals' levels where livable comes first: each the issue's level, or the
        most the goals before it leave, when that is less."""
        _, talent = needed(figures, GOAL_TALENT_GAIN, None)
        return {
            "livable": self.livable,
            "top_two_good": at_least(GOAL_TOP_TWO_GOOD * self.top_two_good),
            "talent_fit": min(talent, self.talent_fit),
            "median": min(GOAL_NET_RATIO * _quo_net(figures), self.median or 0.0),
        }


@contextmanager
def _service(syn: Synthetic, cohort: Sequence[Profile]) -> Iterator[tuple[Any, str, list[int]]]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'cohort.sqlite3'}"
        token, ids = build_database(syn, cohort, url, places=False)
        yield url, token, ids


def _app(url: str, weights: Mapping[str, float]) -> Any:
    return create_app(
        {
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "MATCHER_WEIGHTS": dict(weights),
        }
    )


def _post(client: Any, token: str, path: str, body: Mapping[str, Any], status: int) -> Any:
    response = client.post(
        f"/api/v1{path}", json=dict(body), headers={"Authorization": f"Bearer {token}"}
    )
    if response.status_code != status:
        raise RuntimeError(f"{path}: {response.status_code} {response.get_json()}")
    return response.get_json()


def allocation_figures(app: Any, token: str, ids: list[int]) -> dict[str, dict[str, Any]]:
    """``POST /allocations`` for the whole cohort (in arrival order): its figures."""
    with app.app_context():
        body = _post(app.test_client(), token, "/allocations", {"survivor_ids": ids}, 201)
    return dict(body["figures"])


def _flagged(item: Mapping[str, Any], towns: Mapping[str, Any]) -> bool:
    codes = {item["town"]["code"]} | ({item["track"]["town"]} if item["track"] else set())
    return any(towns[c].casino_town for c in codes)


def run_seed(
    seed: int, weights: Mapping[str, float], bar: tqdm | None = None, top_picks: bool = True
) -> SeedResult:
    """One seed: build, load, allocate and recommend through the service; count the goals."""
    syn = build_market(seed)
    cohort = build_cohort(seed)
    towns, occs = syn.catalog.towns, syn.catalog.occupations
    with _service(syn, cohort) as (url, token, ids):
        app = _app(url, weights)
        figures = allocation_figures(app, token, ids)
        result = SeedResult(figures, 0, 0, 0, 0, 0, None)
        if not top_picks:
            app.extensions["pathways.db"].engine.dispose()
            return result
        # Every allowed pathway, from the engine on the same inputs: whether a livable
        # option outside flagged towns exists, and whether the service's top pick is
        # dominated, need all of them (the service shows at most 100).
        prepared = prepare_market(syn.market, syn.catalog, syn.vacancies)
        result.frontier, result.top_two_for_income = exact_frontier(
            cohort, prepared, weights, figures
        )
        result.livable_first = livable_first(cohort, prepared, weights, figures)
        nets = []
        client = app.test_client()
        with app.app_context():
            for profile, sid in zip(cohort, ids, strict=True):
                shown = _post(
                    client, token, f"/survivors/{sid}/recommendations", {"limit": 100}, 201
                )
                items = shown["items"]
                every = recommend_prepared(
                    replace(profile, survivor_id=sid),
                    prepared,
                    today=TODAY,
                    limit=10**6,
                    weights=Weights.from_mapping(weights),
                ).items
                minor = TODAY.year - profile.birth_year - 1 < 18
                if minor:
                    for item in items:
                        occ = occs[item["occupation"]["code"]]
                        if occ.hazardous or occ.night_work or _flagged(item, towns):
                            result.minors_unsafe += 1
                if bar is not None:
                    bar.update(1)
                if not items:
                    continue
                top = items[0]
                nets.append(top["net_income_usd_month"])
                result.flagged_top += _flagged(top, towns)
                safe_livable = any(
                    i.meets_living_wage
                    and not towns[i.town.code].casino_town
                    and not (i.track and towns[i.track.town].casino_town)
                    for i in every
                )
                if safe_livable:
                    result.with_livable += 1
                    result.top_livable += bool(top["meets_living_wage"])
                # Dominated: another allowed pathway of the same band (livable, flagged)
                # as good on aptitude and wish that pays more.
                for other in every:
                    same_band = other.meets_living_wage == top["meets_living_wage"] and (
                        (
                            towns[other.town.code].casino_town
                            or bool(other.track and towns[other.track.town].casino_town)
                        )
                        == _flagged(top, towns)
                    )
                    if (
                        same_band
                        and other.components["aptitude"] >= top["components"]["aptitude"]
                        and other.components["preference"] >= top["components"]["preference"]
                        and other.net_income_usd_month > top["net_income_usd_month"]
                    ):
                        result.dominated += 1
                        break
        result.top_median_net = float(statistics.median(nets)) if nets else None
        app.extensions["pathways.db"].engine.dispose()
    return result


def cohort_arrays(
    cohort: Sequence[Profile], prepared: PreparedMarket, weights: Mapping[str, float]
) -> tuple[CohortArrays, np.ndarray]:
    """The (survivor, track) facts the service's cohort figures read, from the engine,
    for every track with a free seat (the service's default), and those seats."""
    w = Weights.from_mapping(weights)
    tracks = [t for t in prepared.catalog.tracks if t.seats_available > 0]
    shape = (len(cohort), len(tracks))
    ranks = np.zeros(shape, np.int64)
    good, allowed, livable = (np.zeros(shape, np.bool_) for _ in range(3))
    net = np.full(shape, np.nan)
    for i, profile in enumerate(cohort):
        ts = track_scores_prepared(profile, prepared, today=TODAY, weights=w)
        ranks[i] = wish_ranks(profile.preferences, tracks)
        for j, track in enumerate(tracks):
            good[i, j] = profile.aptitudes.get(track.skill_family, 0) >= GOOD_APTITUDE
            if track.code in ts.scores:
                allowed[i, j] = True
                net[i, j] = ts.net_income[track.code]
                livable[i, j] = ts.livable[track.code]
    seats = np.array([t.seats_available for t in tracks], np.int64)
    return CohortArrays(ranks, good, allowed, livable, net), seats


def exact_frontier(
    cohort: Sequence[Profile],
    prepared: PreparedMarket,
    weights: Mapping[str, float],
    figures: Mapping[str, Mapping[str, Any]],
) -> tuple[Frontier, int | None]:
    """The best median net income of any allocation at each step of the two count goals
    (``benchmarks/common/frontier.py``), on the facts the service's figures read; and,
    where the median goal holds only without the top-two goal, the most survivors on a
    top-two wish they are good at that an allocation meeting the other two can keep."""
    arrays, seats = cohort_arrays(cohort, prepared, weights)
    if dataclasses.asdict(seats_allow(arrays, seats)) != dict(figures["seats_allow"]):
        raise RuntimeError("the program's cohort is not the one the service allocated")
    out: Frontier = {}
    for gain in TALENT_STEPS:
        for share in TOP_TWO_STEPS:
            top_two, talent = needed(figures, gain, share)
            best = max_median_net(arrays, seats, top_two_good=top_two, talent_fit=talent)
            out[(gain, share)] = None if best is None else (best.median, best.proved)
    income = GOAL_NET_RATIO * _quo_net(figures)
    goal, without = out[(GOAL_TALENT_GAIN, GOAL_TOP_TWO_GOOD)], out[(GOAL_TALENT_GAIN, None)]
    if (goal is not None and goal[0] >= income) or without is None or without[0] < income:
        return out, None
    top_two, talent = needed(figures, GOAL_TALENT_GAIN, GOAL_TOP_TWO_GOOD)
    for count in range(top_two - 1, 0, -1):
        best = max_median_net(arrays, seats, top_two_good=count, talent_fit=talent)
        if best is not None and best.median >= income:
            return out, count
    return out, 0


def livable_first(
    cohort: Sequence[Profile],
    prepared: PreparedMarket,
    weights: Mapping[str, float],
    figures: Mapping[str, Mapping[str, Any]],
) -> LivableFirst:
    """The goals' exact maxima in the score's order (see :class:`LivableFirst`)."""
    a, seats = cohort_arrays(cohort, prepared, weights)
    livable = max_count(a, seats, a.livable & a.allowed) or 0
    top_two = max_count(a, seats, top_two_good_mask(a), livable=livable) or 0
    keep = at_least(GOAL_TOP_TWO_GOOD * top_two)
    talent = max_count(a, seats, a.good & a.allowed, livable=livable, top_two_good=keep) or 0
    _, goal_talent = needed(figures, GOAL_TALENT_GAIN, None)
    best = max_median_net(
        a, seats, top_two_good=keep, talent_fit=min(goal_talent, talent), livable=livable
    )
    return LivableFirst(livable, top_two, talent, None if best is None else best.median)


def needed(
    figures: Mapping[str, Mapping[str, Any]], gain: float | None, share: float | None
) -> tuple[int, int]:
    """The counts the two goals ask for: survivors on a top-two wish they are good at
    (``share`` of what the seats allow) and on a track they are good at (the status
    quo's + ``gain`` of the cohort); 0 where the step is None."""
    n = figures["pathways"]["survivors"]
    allow = figures["seats_allow"]["top_two_good"]
    quo = figures["status_quo"]["talent_fit"]
    return (
        0 if share is None else at_least(share * allow),
        0 if gain is None else at_least(quo + gain * n),
    )


def _quo_net(figures: Mapping[str, Mapping[str, Any]]) -> float:
    return float(max(figures["status_quo"]["median_net_income_usd_month"] or 1.0, 1.0))


# --- the report ---------------------------------------------------------------------

GOAL_TOP_TWO_GOOD = 0.90
GOAL_TALENT_GAIN = 0.15
GOAL_NET_RATIO = 1.3


def _ratios(f: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    ours, quo, allow = f["pathways"], f["status_quo"], f["seats_allow"]
    n = ours["survivors"]
    return {
        "good_of_allowed": ours["top_two_good"] / max(allow["top_two_good"], 1),
        "quo_good_of_allowed": quo["top_two_good"] / max(allow["top_two_good"], 1),
        "talent": ours["talent_fit"] / n,
        "quo_talent": quo["talent_fit"] / n,
        "allow_talent": allow["talent_fit"] / n,
        "net_ratio": (ours["median_net_income_usd_month"] or 0.0)
        / max(quo["median_net_income_usd_month"] or 1.0, 1.0),
    }


def goals(r: SeedResult) -> dict[str, bool]:
    x = _ratios(r.figures)
    ours = r.figures["pathways"]
    top_two, talent = needed(r.figures, GOAL_TALENT_GAIN, GOAL_TOP_TWO_GOOD)
    return {
        "top two good >= 0.90 of seats allow": ours["top_two_good"] >= top_two,
        "talent fit >= status quo + 0.15": ours["talent_fit"] >= talent,
        "livable top pick where one exists": r.top_livable == r.with_livable,
        "median net >= 1.3x status quo": x["net_ratio"] >= GOAL_NET_RATIO,
        "0 dominated top picks": r.dominated == 0,
        "0 hazardous/night/flagged for minors": r.minors_unsafe == 0,
        "0 flagged top picks": r.flagged_top == 0,
    }


def goals_livable_first(r: SeedResult) -> dict[str, bool]:
    """The cohort goals where each comes after the ones before it, livable first: each
    met at the issue's level, or at the most the goals before it leave (exact)."""
    if r.livable_first is None:
        return {}
    need = r.livable_first.needed(r.figures)
    ours = r.figures["pathways"]
    net = ours["median_net_income_usd_month"] or 0.0
    return {
        "livable: as many as the seats allow": ours["livable"] >= need["livable"],
        "then top two good >= 0.90 of the most": ours["top_two_good"] >= need["top_two_good"],
        "then talent fit (goal, or the most)": ours["talent_fit"] >= need["talent_fit"],
        "then median net (1.3x, or the most)": net >= need["median"] - 0.005,
    }


def print_livable_first(r: SeedResult) -> None:
    lf = r.livable_first
    if lf is None:
        return
    need = lf.needed(r.figures)
    ours = r.figures["pathways"]
    quo = _quo_net(r.figures)
    median = "-" if lf.median is None else f"${lf.median:.0f} {lf.median / quo:.2f}x"
    print(
        f"  livable first (exact, each after the ones before): livable at most {lf.livable} "
        f"(Pathways {ours['livable']}); then top two good at most {lf.top_two_good} "
        f"(goal {need['top_two_good']}, Pathways {ours['top_two_good']}); then talent fit "
        f"at most {lf.talent_fit} (goal {need['talent_fit']}, Pathways {ours['talent_fit']}); "
        f"then median net at most {median}"
    )
    for goal, ok in goals_livable_first(r).items():
        print(f"    [{'ok' if ok else 'MISSED'}] {goal}")


def show_moves(seed: int, weights: Mapping[str, float], r: SeedResult) -> None:
    """Where Pathways misses a goal it could reach with livable first: the program's
    allocation that reaches it (the highest total score with the counts, or, where only
    the median is missed, the best median), beside Pathways', survivor by survivor where
    they differ."""
    missed = [goal for goal, ok in goals_livable_first(r).items() if not ok]
    if not missed or r.livable_first is None:
        return
    syn, cohort = build_market(seed), build_cohort(seed)
    prepared = prepare_market(syn.market, syn.catalog, syn.vacancies)
    a, seats = cohort_arrays(cohort, prepared, weights)
    tracks = [t for t in prepared.catalog.tracks if t.seats_available > 0]
    scores = np.full(a.ranks.shape, np.nan)
    w = Weights.from_mapping(weights)
    for i, profile in enumerate(cohort):
        got = track_scores_prepared(profile, prepared, today=TODAY, weights=w).scores
        for j, track in enumerate(tracks):
            scores[i, j] = got.get(track.code, np.nan)
    ours = allocate(scores, seats, preference_ranks=a.ranks).track_of
    need = r.livable_first.needed(r.figures)
    counts = {
        "livable": int(need["livable"]),
        "top_two_good": int(need["top_two_good"]),
        "talent_fit": int(need["talent_fit"]),
    }
    if all(goal.startswith("then median") for goal in missed):
        best = max_median_net(a, seats, **counts)
        theirs = None if best is None else best.track_of
    else:
        theirs = max_score(a, seats, scores, **counts)
    if theirs is None:
        return

    def total(track_of: np.ndarray) -> float:
        return float(sum(scores[i, j] for i, j in enumerate(track_of) if j >= 0))

    def pathway(i: int, j: int) -> str:
        if j < 0:
            return "no seat"
        rank = f"wish {a.ranks[i, j]}" if a.ranks[i, j] > 0 else "not wished"
        level = cohort[i].aptitudes.get(tracks[j].skill_family, 0)
        money = "livable" if a.livable[i, j] else "below the living wage"
        return (
            f"{tracks[j].code} ({rank}, aptitude {level}, {money}, ${a.net[i, j]:.0f} net, "
            f"score {scores[i, j]:.3f})"
        )

    print(
        f"  moves for {', '.join(missed)}: total score Pathways {total(ours):.3f}, the "
        f"program's {total(theirs):.3f}"
    )
    for i in np.flatnonzero(ours != theirs):
        print(f"    survivor {i + 1}: {pathway(i, ours[i])} -> {pathway(i, theirs[i])}")


FIGURES = (
    ("assigned", "assigned"),
    ("first_choice", "first choice"),
    ("top_two", "top two"),
    ("top_two_good", "top two, good at"),
    ("talent_fit", "talent fit"),
    ("livable", "livable"),
    ("median_net_income_usd_month", "median net US$"),
)


def print_seed(seed: int, r: SeedResult) -> None:
    f = r.figures
    n = f["pathways"]["survivors"]
    print(f"\nseed {seed}: {n} survivors")
    print(f"  {'figure':18}{'Pathways':>10}{'status quo':>12}{'seats allow':>13}")
    for key, label in FIGURES:
        cells = []
        for col in ("pathways", "status_quo", "seats_allow"):
            v = f[col][key]
            cells.append("-" if v is None else (f"{v:.0f}" if isinstance(v, float) else str(v)))
        print(f"  {label:18}{cells[0]:>10}{cells[1]:>12}{cells[2]:>13}")
    x = _ratios(f)
    print(
        f"  top two good of what the seats allow {x['good_of_allowed']:.2f} "
        f"(status quo {x['quo_good_of_allowed']:.2f}); talent fit {x['talent']:.2f} vs "
        f"{x['quo_talent']:.2f} (seats allow {x['allow_talent']:.2f}); median net "
        f"{x['net_ratio']:.2f}x the status quo's"
    )
    print(
        f"  top picks: livable {r.top_livable} of {r.with_livable} with a livable option "
        f"outside flagged towns; dominated {r.dominated}; flagged {r.flagged_top}; "
        f"unsafe items shown to minors {r.minors_unsafe}; median top-pick net "
        f"{r.top_median_net if r.top_median_net is not None else '-'}"
    )
    together = print_exact(r)
    for goal, ok in goals(r).items():
        note = ""
        if not ok and goal.startswith("median net") and together is not None:
            note = (
                f" (reachable with the other two goals: {together:.2f}x)"
                if together >= GOAL_NET_RATIO
                else f" (not with the other two goals on this seed: at most {together:.2f}x)"
            )
        print(f"    [{'ok' if ok else 'MISSED'}] {goal}{note}")
    print_livable_first(r)


def print_exact(r: SeedResult) -> float | None:
    """The program's answer for the seed: its frontier when the three cohort goals
    cannot hold together. Returns the best median net over the status quo's with the
    two count goals met (None: they conflict, or no program was run)."""
    if r.frontier is None:
        return None
    quo = _quo_net(r.figures)

    def cell(key: tuple[float | None, float | None]) -> str:
        got = r.frontier[key] if r.frontier else None
        if got is None:
            return "-"
        median, proved = got
        return f"{'' if proved else '>='}${median:.0f} {median / quo:.2f}x"

    goal = r.frontier[(GOAL_TALENT_GAIN, GOAL_TOP_TWO_GOOD)]
    ratio = None if goal is None else goal[0] / quo
    verdict = (
        "the three cohort goals hold together"
        if ratio is not None and ratio >= GOAL_NET_RATIO
        else "the three cohort goals cannot hold together on this seed"
    )
    print(
        f"  exact (CP-SAT: same cohort, seats and hard rules, as many seated): with top two "
        f"good >= {GOAL_TOP_TWO_GOOD:.2f} of what the seats allow and talent fit >= the "
        f"status quo's + {GOAL_TALENT_GAIN:.2f}, the best median net is "
        f"{cell((GOAL_TALENT_GAIN, GOAL_TOP_TWO_GOOD))}: {verdict}"
    )
    if verdict.endswith("hold together"):
        return ratio
    print("  the frontier, best median net (x the status quo's):")
    print("    rows: talent fit at least; columns: top two good, share of what seats allow")
    print(f"    {'':16}" + "".join(f"{_step(s, ''):>14}" for s in TOP_TWO_STEPS))
    for gain in TALENT_STEPS:
        row = "".join(f"{cell((gain, share)):>14}" for share in TOP_TWO_STEPS)
        print(f"    {_step(gain, 'quo + '):16}{row}")
    if r.top_two_for_income is not None:
        allow = max(r.figures["seats_allow"]["top_two_good"], 1)
        print(
            f"  a median net of {GOAL_NET_RATIO}x with talent fit at the status quo's + "
            f"{GOAL_TALENT_GAIN:.2f} keeps at most {r.top_two_for_income} on a top-two wish "
            f"they are good at, {r.top_two_for_income / allow:.3f} of what the seats allow"
        )
    return ratio


def _step(value: float | None, prefix: str) -> str:
    return "any" if value is None else f"{prefix}{value:.2f}"


#: The weight trade-off: the defaults, and one lever moved at a time.
TRADEOFF: tuple[tuple[str, dict[str, float]], ...] = (
    ("defaults", {}),
    ("no talent x wish", {"talent_wish": 0.0}),
    ("wish heavy", {"preference": 0.30, "aptitude": 0.10}),
    ("talent heavy", {"aptitude": 0.45, "preference": 0.02}),
    ("income heavy", {"income": 0.60}),
    ("income light", {"income": 0.10}),
    (
        "before (v1 weights)",
        {
            "aptitude": 0.25,
            "preference": 0.25,
            "talent_wish": 0.0,
            "income": 0.25,
            "demand": 0.10,
            "location": 0.10,
            "commitment": 0.05,
        },
    ),
)


def tradeoff(seeds: Sequence[int], base: Mapping[str, float]) -> None:
    print("\nweights trade-off (mean over seeds; top two good as a share of what the seats allow)")
    print(f"  {'weights':18}{'top two good':>14}{'talent fit':>12}{'median net':>12}{'x quo':>8}")
    rows = [(label, {**base, **w}) for label, w in TRADEOFF]
    with tqdm(total=len(rows) * len(seeds), desc="trade-off", leave=False) as bar:
        for label, weights in rows:
            got = []
            for seed in seeds:
                got.append(run_seed(seed, weights, top_picks=False))
                bar.update(1)
            x = [_ratios(r.figures) for r in got]
            nets = [r.figures["pathways"]["median_net_income_usd_month"] or 0.0 for r in got]
            tqdm.write(
                f"  {label:18}{np.mean([v['good_of_allowed'] for v in x]):>14.2f}"
                f"{np.mean([v['talent'] for v in x]):>12.2f}{np.mean(nets):>12.0f}"
                f"{np.mean([v['net_ratio'] for v in x]):>8.2f}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="1-5", help="e.g. 1-5 or 3,7,11 (default 1-5)")
    parser.add_argument("--no-tradeoff", action="store_true", help="skip the weights table")
    parser.add_argument(
        "--show-moves",
        action="store_true",
        help="where a goal is missed with livable first, the survivors the goal would move",
    )
    parser.add_argument(
        "--weights",
        default="{}",
        help="MATCHER_WEIGHTS overrides as JSON, e.g. '{\"aptitude\": 0.8}' (default: none)",
    )
    args = parser.parse_args(argv)
    seeds = parse_seeds(args.seeds)
    weights: dict[str, float] = json.loads(args.weights)
    print(f"weights: {Weights.from_mapping(weights)}")
    results = {}
    with tqdm(total=len(seeds) * COHORT, desc="seeds", leave=False) as bar:
        for seed in seeds:
            results[seed] = run_seed(seed, weights, bar)
    missed = ordered = 0
    for seed, r in results.items():
        print_seed(seed, r)
        if args.show_moves:
            show_moves(seed, weights, r)
        missed += sum(not ok for ok in goals(r).values())
        ordered += sum(not ok for ok in goals_livable_first(r).values())
    print(f"\ngoals missed over {len(seeds)} seeds: {missed} as the issue states them")
    print(f"cohort goals missed with livable first (each after the ones before): {ordered}")
    if not args.no_tradeoff:
        tradeoff(seeds, weights)
    return 0


if __name__ == "__main__":
    sys.exit(main())
