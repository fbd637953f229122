"""How long the engine's two readers and the list endpoints take on a large catalog.

    PYTHONPATH=. python benchmarks/catalog_load.py [--tracks 5000] [--vacancies 50000]
        [--database-url postgresql://...]

Builds a fresh database (a temporary SQLite file unless --database-url names an empty
PostgreSQL database), fills it with synthetic tracks, reservations, employers and
vacancies, then prints the best of three timings of ``load_catalog``,
``load_vacancies`` and one 500-item page of ``GET /tracks`` and ``GET /vacancies``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from api import create_app
from api.auth import issue_token
from api.services.reference import load_reference
from api.store.catalog import load_catalog, load_vacancies
from api.store.db import upgrade
from api.store.models import (
    Employer,
    Occupation,
    Organisation,
    SeatReservation,
    Town,
    Track,
    TrackOccupation,
    Vacancy,
)
from benchmarks.common.timing import best_ms
from training_catalog import LITERACY_LEVELS


def fill(session: Any, n_tracks: int, n_vacancies: int, rng: random.Random) -> None:
    towns = list(session.scalars(select(Town.code)))
    occupations = list(
        session.execute(
            select(Occupation.code, Occupation.skill_family).where(
                Occupation.exploitation_risk.is_(False),
                Occupation.hazardous.is_(False),
                Occupation.night_work.is_(False),
            )
        )
    )
    ngo = Organisation(name="Benchmark NGO")
    session.add(ngo)
    session.flush()
    start = date(2027, 1, 11)
    session.execute(
        insert(Track),
        [
            {
                "id": i + 1,
                "code": f"track-{i:06d}",
                "name": f"Track {i}",
                "provider_org_id": ngo.id,
                "town": rng.choice(towns),
                "skill_family": occupations[i % len(occupations)][1],
                "duration_months": rng.randint(3, 30),
                "seats": rng.randint(4, 30),
                "next_start": start,
                "cost_usd": 200.0,
                "min_age": rng.choice([14, 15, 16]),
                "min_literacy": rng.choice(LITERACY_LEVELS),
            }
            for i in range(n_tracks)
        ],
    )
    session.execute(
        insert(TrackOccupation),
        [
            {"track_id": i + 1, "occupation": occupations[i % len(occupations)][0], "position": 0}
            for i in range(n_tracks)
        ],
    )
    session.execute(
        insert(SeatReservation),
        [
            {"track_id": rng.randint(1, n_tracks), "intake_start": start, "survivor_id": s}
            for s in range(n_tracks)
        ],
    )
    n_employers = max(n_vacancies // 20, 1)
    orgs = [Organisation(name=f"Employer {i}") for i in range(n_employers)]
    session.add_all(orgs)
    session.flush()
    session.execute(
        insert(Employer),
        [
            {
                "id": i + 1,
                "org_id": org.id,
                "name": org.name,
                "town": rng.choice(towns),
                "vetting": rng.choice(["vetted", "vetted", "vetted", "pending", "suspended"]),
            }
            for i, org in enumerate(orgs)
        ],
    )
    session.execute(
        insert(Vacancy),
        [
            {
                "employer_id": rng.randint(1, n_employers),
                "occupation": rng.choice(occupations)[0],
                "town": rng.choice(towns),
                "pay": 200.0,
                "pay_unit": "month",
                "currency": "USD",
                "pay_usd_month": 200.0,
                "positions": 3,
                "positions_filled": rng.randint(0, 3),
                "status": rng.choice(["open", "open", "closed"]),
                "min_age": 18,
                "hires_from_track_id": rng.randint(1, n_tracks) if rng.random() < 0.2 else None,
            }
            for _ in range(n_vacancies)
        ],
    )
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=5000)
    parser.add_argument("--vacancies", type=int, default=50000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    db = app.extensions["pathways.db"]
    upgrade(db.engine)
    with db.sessions() as session:
        load_reference(session)
        session.commit()
        started = time.perf_counter()
        fill(session, args.tracks, args.vacancies, random.Random(7))
        print(
            f"filled {args.tracks} tracks, {args.vacancies} vacancies "
            f"in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})"
        )
        counsellor = issue_token(session, "Bench Shelter", "counsellor")
        session.commit()

    with app.app_context(), db.sessions() as session:
        catalog = load_catalog(session)
        vacancies = load_vacancies(session)
        t_catalog = best_ms(lambda: load_catalog(session), 3)
        t_vacancies = best_ms(lambda: load_vacancies(session), 3)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {counsellor}"}
    t_tracks = best_ms(lambda: client.get("/api/v1/tracks?limit=500", headers=headers), 3)
    t_list = best_ms(lambda: client.get("/api/v1/vacancies?limit=500", headers=headers), 3)
    print(f"load_catalog: {len(catalog.tracks)} tracks in {t_catalog:.0f} ms")
    print(f"load_vacancies: {len(vacancies)} vacancies in {t_vacancies:.0f} ms")
    print(f"GET /tracks?limit=500: {t_tracks:.0f} ms")
    print(f"GET /vacancies?limit=500 (counsellor): {t_list:.0f} ms")
    db.engine.dispose()


if __name__ == "__main__":
    main()
