"""How fast is one recommendation on a national market?

Engine half (this file): builds a synthetic national market (25 provinces, 60 towns,
400 occupations, 500 tracks, 5,000 vacancies, ~100,000 candidate pathways for one
survivor), then reports

- the one-off ``prepare_market`` time (per market, cached by the api),
- the time of ``recommend_prepared`` per survivor (median, p95; goal: median < 20 ms),
- the engine's scoring step (components + weighted sum + living-wage rule + top-k)
  against a bare numpy weighted sum + top-k over the same component arrays
  (goal: within 3x).

HTTP half (``http_half``): loads the same market, catalog, vacancies and 200 of the
survivors into a SQLite database, serves the app with gunicorn (2 workers) on
127.0.0.1, and sends ``--requests`` POST /survivors/{id}/recommendations from 16
client threads; then the same against two bare Flask endpoints under gunicorn
(``benchmarks/bare_app.py``, no auth, no database): ``/bare`` does the same numpy
scoring work (weighted sum + masked top-k over the engine's component arrays) and
``/engine`` the whole engine call. The three take turns for ``--rounds`` rounds;
reports the median p50/p99 of each (goal: the endpoint's p99 within 3x of the bare
one's).

Run from the repository root::

    PYTHONPATH=. .venv/bin/python benchmarks/recommend.py
    PYTHONPATH=. .venv/bin/python benchmarks/recommend.py --survivors 50  # quicker
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from market_survey.types import JOB_COLUMNS, LIVING_COST_COLUMNS, MarketSnapshot, SeasonParams
from matcher import (
    Profile,
    Vacancy,
    Weights,
    prepare_market,
    recommend_prepared,
    track_scores_prepared,
)
from matcher.pathways import PreparedMarket
from matcher.rules import NO_RULE, NOT_A_CANDIDATE
from matcher.safeguards import first_rule, survivor_context
from matcher.scoring import components, fused_score, score, top_k
from matcher.weights import VENUES
from training_catalog.types import LITERACY_LEVELS, SKILL_FAMILIES, Catalog, Occupation, Town, Track

TODAY = date(2026, 11, 28)
REPEAT = 3


@dataclass(frozen=True)
class Synthetic:
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


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def _summary(ms: Sequence[float]) -> str:
    p95 = float(np.percentile(ms, 95))
    return f"median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ms)})"


@dataclass(frozen=True)
class EngineRun:
    """What the engine half measured and built, handed to the HTTP half."""

    figures: dict[str, float]
    synthetic: Synthetic
    prepared: PreparedMarket
    profiles: list[Profile]


def engine_half(survivors: int, limit: int = 10) -> EngineRun:
    """Time the engine and print its figures; returns them and its inputs."""
    t0 = time.perf_counter()
    syn = build_market()
    print(f"synthetic market built in {time.perf_counter() - t0:.1f} s")
    prep_ms = _timed(lambda: prepare_market(syn.market, syn.catalog, syn.vacancies), 5)
    prepared = prepare_market(syn.market, syn.catalog, syn.vacancies)
    profiles = build_profiles(syn, survivors)
    cands = []
    for p in profiles[:20]:
        rule = first_rule(prepared, survivor_context(p, prepared, TODAY))
        cands.append(int(np.count_nonzero(rule != NOT_A_CANDIDATE)))
    print(
        f"towns {len(syn.catalog.towns)}, occupations {len(syn.catalog.occupations)}, "
        f"tracks {len(syn.catalog.tracks)}, vacancies {len(syn.vacancies)}, "
        f"survey rows {len(syn.market.jobs)}"
    )
    print(
        f"candidate rows prepared {prepared.n_candidates:,}; candidate pathways per "
        f"survivor median {int(statistics.median(cands)):,}"
    )
    print(f"prepare_market (one-off per market):     {_summary(prep_ms)}")

    # Warm up; then per survivor the first run and the best of ``REPEAT`` runs: the
    # machine is shared, and the best run is the engine's cost without the noise.
    recommend_prepared(profiles[0], prepared, today=TODAY, limit=limit)
    rec_first, rec_best = [], []
    for p in profiles:
        runs = _timed(lambda p=p: recommend_prepared(p, prepared, today=TODAY, limit=limit), REPEAT)
        rec_first.append(runs[0])
        rec_best.append(min(runs))
    print(f"recommend_prepared, first run:           {_summary(rec_first)}")
    print(f"recommend_prepared, best of {REPEAT}:           {_summary(rec_best)}")
    excl = [
        min(
            _timed(
                lambda p=p: recommend_prepared(
                    p, prepared, today=TODAY, limit=limit, include_excluded=True
                ),
                REPEAT,
            )
        )
        for p in profiles[:50]
    ]
    print(f"  with include_excluded, best of {REPEAT}:     {_summary(excl)}")
    ts_ms = [
        min(_timed(lambda p=p: track_scores_prepared(p, prepared, today=TODAY), REPEAT))
        for p in profiles[:50]
    ]
    print(f"track_scores_prepared, best of {REPEAT}:        {_summary(ts_ms)}")

    # Scoring step over the same component arrays: the engine's weighted mean, living-
    # wage rule and deterministic masked top-k, against a bare weighted sum + top-k.
    weights = Weights()
    w = np.asarray(weights.normalised())
    eng_ms, with_comps_ms, bare_mm_ms, bare_es_ms = [], [], [], []
    for p in profiles:
        ctx = survivor_context(p, prepared, TODAY)
        mask = first_rule(prepared, ctx) == NO_RULE
        comps = components(p, prepared, ctx)

        def engine_step(comps: Any = comps, mask: Any = mask) -> Any:
            return top_k(score(comps, prepared, weights), mask, limit)

        def engine_with_components(p: Profile = p, ctx: Any = ctx, mask: Any = mask) -> Any:
            # What recommend does: the fused score from the survivor's tables.
            return top_k(fused_score(p, prepared, ctx, weights), mask, limit)

        def bare(s: Any, mask: Any = mask) -> Any:
            s = np.where(mask, s, -np.inf)
            part = np.argpartition(-s, limit)[:limit]
            return part[np.argsort(-s[part])]

        eng_ms.append(min(_timed(engine_step, REPEAT)))
        with_comps_ms.append(min(_timed(engine_with_components, REPEAT)))
        bare_mm_ms.append(min(_timed(lambda c=comps: bare(w @ c), REPEAT)))
        bare_es_ms.append(min(_timed(lambda c=comps: bare(np.einsum("i,ij->j", w, c)), REPEAT)))
    print(f"scoring step, engine (score + top-k):    {_summary(eng_ms)}")
    print(f"  engine from the profile (fused score):  {_summary(with_comps_ms)}")
    print(f"bare numpy, w @ comps + top-k:           {_summary(bare_mm_ms)}")
    print(f"bare numpy, einsum + top-k:              {_summary(bare_es_ms)}")
    bare_ms = min(statistics.median(bare_mm_ms), statistics.median(bare_es_ms))
    ratio = statistics.median(eng_ms) / bare_ms
    print(f"engine / fastest bare (medians):         {ratio:.2f}x (goal: within 3x)")
    ratio_all = statistics.median(with_comps_ms) / bare_ms
    print(f"engine from the profile / fastest bare:  {ratio_all:.2f}x")
    figures = {
        "prepare_ms": statistics.median(prep_ms),
        "recommend_median_ms": statistics.median(rec_best),
        "recommend_p95_ms": float(np.percentile(rec_best, 95)),
        "scoring_ratio": ratio,
    }
    return EngineRun(figures, syn, prepared, profiles)


# =================================================================================
# HTTP half: the recommendation endpoint under gunicorn against a bare Flask endpoint.
# =================================================================================
HTTP_CLIENTS = 16
HTTP_WORKERS = 2
BARE_SURVIVORS = 16  # survivors whose arrays bare_app.py holds (memory: ~6 MB each)
OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent


def build_database(run: EngineRun, url: str, survivors: int) -> tuple[str, list[int]]:
    """Load the synthetic market, catalog, vacancies and survivors into a new database.

    Returns a counsellor's token and the survivors' ids. Bulk inserts, not the API: the
    benchmark measures recommending, not loading.
    """
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
    from api.store.models import (
        Occupation as OccupationRow,
    )
    from api.store.models import (
        Town as TownRow,
    )
    from api.store.models import (
        Track as TrackRow,
    )
    from api.store.models import (
        Vacancy as VacancyRow,
    )

    syn = run.synthetic
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_reference(session)
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
                for t in syn.catalog.towns.values()
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
                for o in syn.catalog.occupations.values()
            ],
        )
        p = syn.market.params
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
        jobs = syn.market.jobs.astype(object).where(syn.market.jobs.notna(), None)
        session.execute(
            insert(SurveyJob),
            [{"season_id": season.id, **row} for row in jobs.to_dict("records")],
        )
        session.execute(
            insert(SurveyLivingCost),
            [{"season_id": season.id, **r} for r in syn.market.living_costs.to_dict("records")],
        )
        provider = Organisation(name="Synthetic provider NGO")
        shelter = Organisation(name="Synthetic shelter")
        session.add_all([provider, shelter])
        session.flush()
        session.execute(
            insert(TrackRow),
            [
                {
                    "id": i + 1,
                    "code": t.code,
                    "name": t.name,
                    "provider_org_id": provider.id,
                    "town": t.town,
                    "skill_family": t.skill_family,
                    "duration_months": t.duration_months,
                    "seats": t.seats,
                    "next_start": t.next_start,
                    "cost_usd": t.cost_usd,
                    "min_age": t.min_age,
                    "min_literacy": t.min_literacy,
                }
                for i, t in enumerate(syn.catalog.tracks)
            ],
        )
        session.execute(
            insert(TrackOccupation),
            [
                {"track_id": i + 1, "occupation": code, "position": j}
                for i, t in enumerate(syn.catalog.tracks)
                for j, code in enumerate(t.occupations)
            ],
        )
        reservations = [
            {"track_id": i + 1, "intake_start": t.next_start, "survivor_id": 1_000_000 + n}
            for i, t in enumerate(syn.catalog.tracks)
            for n in range(t.seats - t.seats_available)
        ]
        if reservations:
            session.execute(insert(SeatReservation), reservations)
        # One employer organisation per vacancy: vetting is per employer, and the
        # synthetic vacancies each carry their own status.
        orgs = [{"name": f"Synthetic employer {v.id}"} for v in syn.vacancies]
        session.execute(insert(Organisation), orgs)
        employer_orgs = select(Organisation.name, Organisation.id).where(
            Organisation.name.like("Synthetic employer %")
        )
        org_ids = dict(session.execute(employer_orgs).all())
        track_ids = {t.code: i + 1 for i, t in enumerate(syn.catalog.tracks)}
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
                for v in syn.vacancies
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
                for v in syn.vacancies
            ],
        )
        session.execute(
            insert(Survivor),
            [
                {
                    "org_id": shelter.id,
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
                for p in run.profiles[:survivors]
            ],
        )
        ids = list(session.scalars(select(Survivor.id).order_by(Survivor.id)))
        token = issue_token(session, shelter.name, "counsellor")
        session.commit()
    engine.dispose()
    return token, ids


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(
    app: str, env: dict[str, str], chdir: Path
) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "-w",
            str(HTTP_WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(chdir),
            "--timeout",
            "120",
            "--log-level",
            "warning",
            app,
        ],
        env={**os.environ, **env},
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn for {app} exited with {proc.returncode}") from None
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"gunicorn for {app} did not start")


def _post(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(
            "POST", path, body=body, headers={"Content-Type": "application/json", **headers}
        )
        response = conn.getresponse()
        response.read()
        status = response.status
    finally:
        conn.close()
    return status, (time.perf_counter() - start) * 1000.0


def load_test(
    port: int, paths: Sequence[str], headers: dict[str, str], requests: int, limit: int
) -> dict[str, float]:
    """``requests`` POSTs from ``HTTP_CLIENTS`` threads; latency percentiles in ms."""
    body = json.dumps({"limit": limit}).encode()
    # Warm up both workers (the first recommendation of a worker prepares the market).
    with ThreadPoolExecutor(HTTP_CLIENTS) as pool:
        warm = list(
            pool.map(
                lambda i: _post(port, paths[i % len(paths)], body, headers), range(HTTP_CLIENTS * 2)
            )
        )
    bad = [s for s, _ in warm if s >= 300]
    if bad:
        raise RuntimeError(f"warm-up answered {bad[:5]}")
    start = time.perf_counter()
    with ThreadPoolExecutor(HTTP_CLIENTS) as pool:
        results = list(
            pool.map(lambda i: _post(port, paths[i % len(paths)], body, headers), range(requests))
        )
    wall = time.perf_counter() - start
    statuses = sorted({s for s, _ in results})
    if statuses != [201] and statuses != [200]:
        raise RuntimeError(f"unexpected statuses {statuses}")
    ms = np.array([t for _, t in results])
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "requests_per_s": requests / wall,
    }


def http_half(
    run: EngineRun, requests: int = 800, limit: int = 10, rounds: int = 5
) -> dict[str, float]:
    """POST /survivors/{id}/recommendations under gunicorn, 16 clients, vs bare endpoints.

    Both servers run side by side (an idle one costs nothing) and the three endpoints
    are loaded in turn, ``rounds`` times: a passing burst of other work on the shared
    machine then lands on one round of one endpoint, not on all of one endpoint's
    requests. Each figure is the median over the rounds; ratios are of those medians.
    """
    OUT.mkdir(exist_ok=True)
    db_path = OUT / "recommend_http.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db_path}"
    t0 = time.perf_counter()
    token, ids = build_database(run, url, survivors=min(len(run.profiles), 200))
    print(f"database built in {time.perf_counter() - t0:.1f} s ({len(ids)} survivors)")

    env = {
        "DATABASE_URL": url,
        "PATHWAYS_RATELIMIT": "1000000 per minute",
        "PATHWAYS_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    targets = {
        "endpoint": (
            [f"/api/v1/survivors/{i}/recommendations" for i in ids],
            {"Authorization": f"Bearer {token}"},
        ),
        "engine": ([f"/engine/{i}" for i in range(BARE_SURVIVORS)], {}),
        "bare": ([f"/bare/{i}" for i in range(BARE_SURVIVORS)], {}),
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
    app, app_port = start_gunicorn("api.wsgi:app", env, ROOT)
    try:
        bare, bare_port = start_gunicorn(
            "bare_app:app", {"PYTHONPATH": str(ROOT)}, ROOT / "benchmarks"
        )
        try:
            for r in range(rounds):
                for name, (paths, headers) in targets.items():
                    port = app_port if name == "endpoint" else bare_port
                    got = load_test(port, paths, headers, requests, limit)
                    runs[name].append(got)
                    print(
                        f"  round {r + 1} {name:8s} p50 {got['p50_ms']:7.1f} ms  "
                        f"p99 {got['p99_ms']:7.1f} ms  {got['requests_per_s']:6.1f} req/s"
                    )
        finally:
            bare.terminate()
            bare.wait(30)
    finally:
        app.terminate()
        app.wait(30)

    figures: dict[str, float] = {}
    for name, got in runs.items():
        for key in ("p50_ms", "p99_ms", "requests_per_s"):
            figures[f"{name}_{key}"] = statistics.median(g[key] for g in got)
    figures["endpoint/bare p50"] = figures["endpoint_p50_ms"] / figures["bare_p50_ms"]
    figures["endpoint/bare p99 (goal: within 3x)"] = (
        figures["endpoint_p99_ms"] / figures["bare_p99_ms"]
    )
    pairs = zip(runs["endpoint"], runs["bare"], strict=True)
    per_round = [e["p99_ms"] / b["p99_ms"] for e, b in pairs]
    figures["  per round, lowest"] = min(per_round)
    figures["  per round, highest"] = max(per_round)
    figures["endpoint/engine-only p99"] = figures["endpoint_p99_ms"] / figures["engine_p99_ms"]
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    global HTTP_WORKERS, HTTP_CLIENTS  # the script's settings, set once from its arguments
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--survivors", type=int, default=200, help="survivors to time")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--skip-http", action="store_true", help="engine half only")
    parser.add_argument(
        "--requests", type=int, default=800, help="HTTP requests per endpoint and round"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the three endpoints")
    parser.add_argument("--http-workers", type=int, default=HTTP_WORKERS, help="gunicorn workers")
    parser.add_argument("--http-clients", type=int, default=HTTP_CLIENTS, help="client threads")
    args = parser.parse_args(argv)
    HTTP_WORKERS, HTTP_CLIENTS = args.http_workers, args.http_clients
    run = engine_half(args.survivors, args.limit)
    if not args.skip_http:
        result = http_half(run, requests=args.requests, limit=args.limit, rounds=args.rounds)
        print(
            f"HTTP: gunicorn {HTTP_WORKERS} workers, {HTTP_CLIENTS} concurrent clients, "
            f"{args.requests} requests per endpoint and round, median of {args.rounds} rounds"
        )
        for name, value in result.items():
            print(f"{name:40s} {value:8.2f}")


if __name__ == "__main__":
    main()
