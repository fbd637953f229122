"""Load: 50 clients for 60 s mixing recommendations, vacancy edits, referrals, placements
and follow-ups against gunicorn (two server processes) on 127.0.0.1.

Prints requests/s, p50 and p99 per kind and overall, the errors (server errors,
connections refused or cut, statuses the operation does not document) and the
overbooked vacancies: those with more open referrals, placements and positions the
employer filled than positions, counted in SQL after the run. Goals: 0 and 0.

The database must be empty (a new PostgreSQL database, say); without one, a SQLite
file under benchmarks/out/ is made.

    PYTHONPATH=. .venv/bin/python benchmarks/load.py --database-url postgresql://...
"""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from api.auth import issue_token
from api.config import normalise_database_url
from api.services.reference import load_reference
from api.store.db import make_engine, upgrade
from benchmarks.common.http_load import send
from benchmarks.common.servers import ROOT, gunicorn
from benchmarks.common.timing import percentile

OUT = ROOT / "benchmarks" / "out"
EMPLOYERS = 10
VACANCIES_PER_EMPLOYER = 2
POSITIONS = 2  # few positions, many referrals: the overbooking guard is what is loaded
SURVIVORS = 300
# kind -> share of a client's requests
MIX = {"recommend": 0.40, "edit": 0.15, "refer": 0.20, "place": 0.10, "follow_up": 0.15}
# The answers each kind may give under load besides success: a position already taken
# or a version changed meanwhile (409), a survivor the vacancy does not suit (422), a
# placement of a survivor already placed (409/422), a follow-up date taken (409).
EXPECTED = {
    "recommend": {201},
    "edit_read": {200},
    "edit": {200, 409},  # a version changed meanwhile, or fewer positions than held
    "refer": {201, 409, 422},
    "decide": {200, 409},
    "place": {201, 409, 422},
    "follow_up": {201, 409, 422},
}
# The SQL of issue 15's overbooking check: positions held beyond those offered.
OVERBOOKED = """
SELECT count(*) FROM vacancies v
WHERE (SELECT count(*) FROM referrals r
       WHERE r.vacancy_id = v.id AND r.status IN ('pending', 'accepted'))
    + (SELECT count(*) FROM placements p WHERE p.vacancy_id = v.id AND p.ended_on IS NULL)
    + v.positions_filled > v.positions
"""


@dataclass
class World:
    port: int
    counsellor: dict[str, str]
    employers: list[dict[str, str]]
    vacancies: list[tuple[int, int]]  # (vacancy id, index of its employer)
    survivors: list[int]
    placements: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _call(
    port: int, method: str, path: str, headers: dict[str, str], body: Any = None
) -> tuple[int, Any, dict[str, str], float]:
    status, raw, response_headers, ms = send(
        port, method, path, json.dumps(body).encode() if body is not None else None, headers
    )
    try:
        answer = json.loads(raw) if raw else None
    except ValueError:
        answer = None
    return status, answer, response_headers, ms


def _ok(port: int, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    status, answer, _, _ = _call(port, method, path, headers, body)
    if status >= 300:
        raise RuntimeError(f"setup: {method} {path} answered {status}: {answer}")
    return answer


def _prepare_database(url: str) -> dict[str, dict[str, str]]:
    engine = make_engine(url)
    if inspect(engine).get_table_names():
        raise SystemExit(f"the database at {engine.url!r} is not empty: give a new one")
    upgrade(engine)
    names = {
        "surveyor": ("Load Survey NGO", "surveyor"),
        "admin": ("Load Operator", "admin"),
        "counsellor": ("Load Shelter", "counsellor"),
        **{f"employer{i}": (f"Load Employer {i}", "employer") for i in range(EMPLOYERS)},
    }
    with Session(engine) as session:
        load_reference(session)
        tokens = {k: issue_token(session, org, role) for k, (org, role) in names.items()}
        session.commit()
    engine.dispose()
    return {k: {"Authorization": f"Bearer {t}"} for k, t in tokens.items()}


def build_world(port: int, tokens: dict[str, dict[str, str]]) -> World:
    """A published season, vetted employers with vacancies, survivors with consent."""
    surveyor, admin, counsellor = tokens["surveyor"], tokens["admin"], tokens["counsellor"]
    season = _ok(
        port,
        "POST",
        "/api/v1/seasons",
        surveyor,
        {
            "label": "load",
            "khr_per_usd": 4000,
            "minimum_wage_usd_month": 50,
            "living_wage_usd_month": 88.75,
        },
    )
    costs = [{"town": "SVR", "food": 60, "room": 30, "other": 20, "currency": "USD"}]
    survey = f"/api/v1/seasons/{season['id']}/survey"
    _ok(port, "POST", survey, surveyor, {"table": "living_costs", "rows": costs})
    jobs = [
        {
            "town": "SVR",
            "occupation": "7231",
            "employment": "wage",
            "venue": "market",
            "pay_min": 150,
            "pay_max": 200,
            "pay_unit": "month",
            "currency": "USD",
            "openings": 5,
            "source": "load benchmark",
        }
    ]
    _ok(port, "POST", survey, surveyor, {"table": "jobs", "rows": jobs})
    _ok(port, "POST", f"/api/v1/seasons/{season['id']}/publish", surveyor, {})

    employers = [tokens[f"employer{i}"] for i in range(EMPLOYERS)]
    vacancies = []
    for i, headers in enumerate(employers):
        profile = {"name": f"Load Garage {i}", "town": "SVR", "sector": "garage", "contact": "x"}
        employer = _ok(port, "POST", "/api/v1/employers", headers, profile)
        vetting = {"status": "vetted", "note": "visited"}
        _ok(port, "POST", f"/api/v1/employers/{employer['id']}/vetting", admin, vetting)
        for _ in range(VACANCIES_PER_EMPLOYER):
            vacancy = _ok(port, "POST", "/api/v1/vacancies", headers, _vacancy(200))
            vacancies.append((vacancy["id"], i))

    year = datetime.now(UTC).year

    def survivor_with_consent(n: int) -> int:
        body = {
            "case_code": f"LOAD-{n:04d}",
            "birth_year": year - 20 - n % 10,
            "home_province": "KH-20",
            "literacy": "basic",
            "aptitudes": {"mechanical": 4},
            "preferences": ["7231"],
        }
        survivor = _ok(port, "POST", "/api/v1/survivors", counsellor, body)
        consent = {"given": True, "method": "written", "guardian_consented": False}
        _ok(port, "POST", f"/api/v1/survivors/{survivor['id']}/consents", counsellor, consent)
        return int(survivor["id"])

    with ThreadPoolExecutor(8) as pool:
        survivors = list(pool.map(survivor_with_consent, range(SURVIVORS)))
    return World(port, counsellor, employers, vacancies, survivors)


def _vacancy(pay: float) -> dict[str, Any]:
    return {
        "occupation": "7231",
        "town": "SVR",
        "pay": pay,
        "pay_unit": "month",
        "currency": "USD",
        "positions": POSITIONS,
        "provides_food": True,
        "provides_room": False,
        "min_age": 16,
        "night_shift": False,
        "description": "Motorcycle mechanic",
    }


class Client(threading.Thread):
    """One client: requests of the mix, one after the other, until the deadline."""

    def __init__(self, world: World, seed: int, deadline: float) -> None:
        super().__init__(daemon=True)
        self.world, self.random, self.deadline = world, random.Random(seed), deadline
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.deadline:
            kind = self.random.choices(kinds, weights)[0]
            try:
                getattr(self, kind)()
            except OSError as exc:
                self.errors[f"{kind}: {type(exc).__name__}"] += 1

    def _record(self, kind: str, status: int, ms: float) -> None:
        self.times[kind].append(ms)
        if status not in EXPECTED[kind]:
            self.errors[f"{kind}: {status}"] += 1
        elif status >= 300:
            self.refused[f"{kind}: {status}"] += 1

    def recommend(self) -> None:
        survivor = self.random.choice(self.world.survivors)
        path = f"/api/v1/survivors/{survivor}/recommendations"
        status, _, _, ms = _call(self.world.port, "POST", path, self.world.counsellor, {"limit": 5})
        self._record("recommend", status, ms)

    def edit(self) -> None:
        vacancy, owner = self.random.choice(self.world.vacancies)
        headers = self.world.employers[owner]
        path = f"/api/v1/vacancies/{vacancy}"
        status, _, got, ms = _call(self.world.port, "GET", path, headers)
        self._record("edit_read", status, ms)
        if status != 200:
            return
        # Half the edits change the positions: fewer than are held must be refused.
        if self.random.random() < 0.5:
            change = {"positions": self.random.choice([1, 2, 3])}
        else:
            change = {"pay": self.random.choice([180, 200, 220, 250])}
        etag = {**headers, "If-Match": got.get("ETag", "")}
        status, _, _, ms = _call(self.world.port, "PATCH", path, etag, change)
        self._record("edit", status, ms)

    def refer(self) -> None:
        vacancy, owner = self.random.choice(self.world.vacancies)
        body = {"survivor_id": self.random.choice(self.world.survivors)}
        path = f"/api/v1/vacancies/{vacancy}/referrals"
        status, answer, _, ms = _call(self.world.port, "POST", path, self.world.counsellor, body)
        self._record("refer", status, ms)
        if status == 201 and self.random.random() < 0.5:
            decision = self.random.choice(["accept", "decline"])
            path = f"/api/v1/referrals/{answer['id']}/decision"
            status, _, _, ms = _call(
                self.world.port,
                "POST",
                path,
                self.world.employers[owner],
                {"decision": decision, "reason": "met the candidate"},
            )
            self._record("decide", status, ms)

    def place(self) -> None:
        vacancy, _ = self.random.choice(self.world.vacancies)
        body = {
            "survivor_id": self.random.choice(self.world.survivors),
            "kind": "job",
            "vacancy_id": vacancy,
            "started_on": "2026-01-05",
        }
        status, answer, _, ms = _call(
            self.world.port, "POST", "/api/v1/placements", self.world.counsellor, body
        )
        self._record("place", status, ms)
        if status == 201:
            with self.world.lock:
                self.world.placements.append(answer["id"])

    def follow_up(self) -> None:
        with self.world.lock:
            placements = list(self.world.placements)
        if not placements:
            return self.place()
        placement = self.random.choice(placements)
        month = self.random.choice([1, 3, 6, 12])
        body = {
            "date": date(2026, 1 + min(month, 11), 5).isoformat(),
            "employed": True,
            "monthly_income": self.random.choice([60, 120, 180]),
        }
        path = f"/api/v1/placements/{placement}/follow-ups"
        status, _, _, ms = _call(self.world.port, "POST", path, self.world.counsellor, body)
        self._record("follow_up", status, ms)
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="an empty database (PostgreSQL)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.database_url:
        url = normalise_database_url(args.database_url)
    else:
        OUT.mkdir(exist_ok=True)
        path = OUT / "load.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    tokens = _prepare_database(url)
    env = {
        "DATABASE_URL": url,
        "PATHWAYS_RATELIMIT": "1000000 per minute",
        "PATHWAYS_RATELIMIT_WRITES": "1000000 per minute",
        "PATHWAYS_LOG_LEVEL": "WARNING",
    }
    with gunicorn("api.wsgi:app", env, args.workers) as port:
        t0 = time.perf_counter()
        world = build_world(port, tokens)
        print(
            f"built in {time.perf_counter() - t0:.1f} s: {len(world.vacancies)} vacancies of "
            f"{POSITIONS} positions, {len(world.survivors)} survivors with consent"
        )
        for survivor in world.survivors[:10]:  # each worker prepares the market once
            _call(port, "POST", f"/api/v1/survivors/{survivor}/recommendations", world.counsellor)
        deadline = time.monotonic() + args.seconds
        clients = [Client(world, seed, deadline) for seed in range(args.clients)]
        start = time.perf_counter()
        for client in clients:
            client.start()
        for client in clients:
            client.join(args.seconds + 300)
        wall = time.perf_counter() - start
    report(clients, wall, url, args)


def report(clients: list[Client], wall: float, url: str, args: argparse.Namespace) -> None:
    times: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for client in clients:
        for kind, ms in client.times.items():
            times[kind].extend(ms)
        errors.update(client.errors)
        refused.update(client.refused)
    everything = [ms for ms in times.values() for ms in ms]
    engine = make_engine(url)
    with engine.connect() as conn:
        overbooked = conn.execute(text(OVERBOOKED)).scalar()
        placed = conn.execute(text("SELECT count(*) FROM placements")).scalar()
    engine.dispose()
    print(
        f"{args.clients} clients, {wall:.1f} s, {args.workers} gunicorn workers, "
        f"{engine.dialect.name}"
    )
    print(f"{'kind':10s} {'requests':>8s} {'p50 ms':>8s} {'p99 ms':>8s}")
    for kind in sorted(times):
        ms = times[kind]
        p50, p99 = percentile(ms, 50), percentile(ms, 99)
        print(f"{kind:10s} {len(ms):8d} {p50:8.1f} {p99:8.1f}")
    p50, p99 = percentile(everything, 50), percentile(everything, 99)
    print(f"{'all':10s} {len(everything):8d} {p50:8.1f} {p99:8.1f}")
    print(f"requests/s: {len(everything) / wall:.1f}")
    print(f"refused as documented (409/422): {sum(refused.values())} {dict(refused)}")
    print(f"errors (goal 0): {sum(errors.values())} {dict(errors)}")
    print(f"placements stored: {placed}; overbooked vacancies (goal 0): {overbooked}")


if __name__ == "__main__":
    main()
