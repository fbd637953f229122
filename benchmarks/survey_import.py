"""Survey import at scale: read, parse + validate + normalise, store, peak memory.

    PYTHONPATH=. python benchmarks/survey_import.py [--rows 1000000] [--keep DIR] [--repeat 2]

Generates a jobs CSV the way surveyors write them (codes and English or Khmer names,
riel per day with thousands separators, dollars per week and month, some startup
costs) and reports, in one run:

1. pandas ``read_csv`` alone (default options) on that file;
2. ``market_survey``: reading every cell as text + parse + validate + normalise
   (goal: within 10x of 1);
3. storing the normalised rows with the api's ``store_table`` (executemany on SQLite,
   COPY on PostgreSQL) against a bare bulk insert of the same prepared tuples into the
   same table of the same database (goal: within 1.5x), each the best of ``--repeat``;
4. the process's peak resident memory (goal: under 2 GB).

SQLite is a fresh migrated file under a temporary folder; PostgreSQL is used as well
when ``DATABASE_URL`` names one (its survey tables get the benchmark rows, then are
rolled back).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from api.config import normalise_database_url
from api.services import surveys as service
from api.services.reference import load_reference
from api.store.db import make_engine, upgrade
from api.store.models import Season
from benchmarks.common.timing import peak_mb
from market_survey.ingest import ReadLimits, parse_jobs, read_csv_path
from market_survey.references import References
from market_survey.types import JOB_COLUMNS, SeasonParams
from training_catalog.reference import read_reference

PARAMS = SeasonParams("bench", 4100.0, 210.0, 140.0, 26.0)


def timed(label: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"  {label:<48} {seconds:8.2f} s   (peak RSS so far {peak_mb():7.0f} MB)", flush=True)
    return seconds, result


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    towns = read_reference("towns")
    occupations = [o for o in read_reference("occupations") if not o["exploitation_risk"]]
    t = rng.integers(0, len(towns), rows)
    o = rng.integers(0, len(occupations), rows)
    how = rng.integers(0, 3, rows)  # how the town is written: code, English, Khmer
    town_text = np.where(
        how == 0,
        np.array([x["code"] for x in towns], dtype=object)[t],
        np.where(
            how == 1,
            np.array([x["name"] for x in towns], dtype=object)[t],
            np.array([x["name_km"] for x in towns], dtype=object)[t],
        ),
    )
    occ_text = np.where(
        rng.random(rows) < 0.7,
        np.array([x["code"] for x in occupations], dtype=object)[o],
        np.array([x["name"].lower() for x in occupations], dtype=object)[o],
    )
    employment = np.where(rng.random(rows) < 0.7, "wage", "self")
    venues = np.array(["industrial", "market", "tourist", "office", "farm", "home"])
    venue = venues[rng.integers(0, len(venues), rows)]
    kind = rng.integers(0, 3, rows)  # KHR/day, USD/week, USD/month
    base = rng.integers(80, 400, rows).astype(float)  # US$/month
    spread = rng.integers(0, 60, rows).astype(float)
    khr_day_min = (base * 4100 / 26 // 500 * 500).astype(int)
    khr_day_max = ((base + spread) * 4100 / 26 // 500 * 500).astype(int) + 500
    pay_min = np.where(
        kind == 0,
        pd.Series(khr_day_min).map("{:,}".format).to_numpy(),
        np.where(kind == 1, (base * 12 / 52).round(2).astype(str), base.astype(int).astype(str)),
    )
    pay_max = np.where(
        kind == 0,
        pd.Series(khr_day_max).map("{:,}".format).to_numpy(),
        np.where(
            kind == 1,
            ((base + spread) * 12 / 52).round(2).astype(str),
            (base + spread).astype(int).astype(str),
        ),
    )
    unit = np.array(["day", "week", "month"])[kind]
    currency = np.where(kind == 0, "KHR", "USD")
    startup = np.where(
        employment == "self",
        np.where(kind == 0, "400,000", "150"),
        "",
    )
    frame = pd.DataFrame(
        {
            "town": town_text,
            "occupation": occ_text,
            "employment": employment,
            "venue": venue,
            "pay_min": pay_min,
            "pay_max": pay_max,
            "pay_unit": unit,
            "currency": currency,
            "openings": rng.integers(0, 50, rows),
            "startup_cost": startup,
            # a unique source per row, so that no two rows are duplicates
            "source": pd.Series(np.arange(rows)).map("bench {}".format).to_numpy(),
        }
    )
    frame.to_csv(path, index=False)


def refs_from_csv() -> References:
    towns = {r["code"]: (r["name"], r["name_km"]) for r in read_reference("towns")}
    occupations = {r["code"]: (r["name"], r["name_km"]) for r in read_reference("occupations")}
    return References.from_maps(towns, occupations)


def bench_store(url: str, frame: pd.DataFrame, name: str, repeat: int) -> tuple[float, float]:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_reference(session)
        season = Season(
            label=f"bench-{os.getpid()}-{time.time_ns()}",
            khr_per_usd=PARAMS.khr_per_usd,
            working_days_per_month=PARAMS.working_days_per_month,
            minimum_wage_usd_month=PARAMS.minimum_wage_usd_month,
            living_wage_usd_month=PARAMS.living_wage_usd_month,
        )
        session.add(season)
        session.commit()
        season_id = season.id

    # The bare insert gets its tuples ready-made (not timed): only the driver's work.
    tuples = service.row_tuples(season_id, frame, JOB_COLUMNS)
    columns = ("season_id", *JOB_COLUMNS)

    def bare() -> None:
        with engine.raw_connection() as raw:
            cursor = raw.cursor()
            if engine.dialect.name == "postgresql":
                with cursor.copy(f"COPY survey_jobs ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in tuples:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(
                    f"INSERT INTO survey_jobs ({', '.join(columns)}) VALUES ({marks})", tuples
                )
            raw.commit()

    def clear() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM survey_jobs")

    def ours() -> None:
        with Session(engine) as session:
            service.store_table(session, season_id, "jobs", frame)
            session.commit()

    how = "COPY" if engine.dialect.name == "postgresql" else "executemany"
    # Alternate the two and keep each one's best: the machine is shared, and one
    # slow moment should not decide the ratio.
    bare_times, our_times = [], []
    for _ in range(repeat):
        bare_times.append(timed(f"{name}: bare {how} of prepared tuples", bare)[0])
        clear()
        our_times.append(timed(f"{name}: store_table (frame -> rows -> {how})", ours)[0])
        clear()
    bare_s, ours_s = min(bare_times), min(our_times)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DELETE FROM seasons WHERE id = {season_id}")
    engine.dispose()
    return bare_s, ours_s


# As `pathways import-survey` reads: no row cap (the HTTP upload stops at 20,000 rows).
COMMAND_LINE = ReadLimits(max_rows=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="folder for the files")
    parser.add_argument("--repeat", type=int, default=2, help="store timings: best of N")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="survey-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "jobs.csv"
    print(
        f"survey import benchmark: {args.rows:,} rows, Python {sys.version.split()[0]}, "
        f"pandas {pd.__version__}, {os.cpu_count()} CPUs"
    )
    if not path.exists() or args.keep is None:
        timed("generate the CSV", lambda: generate(path, args.rows))
    print(f"  file: {path} ({path.stat().st_size / 1e6:.0f} MB)")

    refs = refs_from_csv()
    read_s, _ = timed("pandas read_csv alone", lambda: pd.read_csv(path))
    raw_s, raw = timed(
        "market_survey: read every cell as text", lambda: read_csv_path(path, COMMAND_LINE)
    )
    held = {"raw": raw}
    del raw  # only the holder keeps the text frame, so parse can let it go
    parse_s, frame = timed(
        "market_survey: parse + validate + normalise",
        lambda: parse_jobs(held.pop("raw"), refs, PARAMS),
    )
    total = raw_s + parse_s
    print(
        f"  => read + parse + validate + normalise = {total:.2f} s "
        f"= {total / read_s:.1f}x read_csv alone (goal <= 10x)"
    )
    assert len(frame) == args.rows

    sqlite_url = f"sqlite:///{folder / 'bench.sqlite3'}"
    results = {"sqlite": bench_store(sqlite_url, frame, "SQLite", args.repeat)}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        results["postgresql"] = bench_store(
            normalise_database_url(url), frame, "PostgreSQL", args.repeat
        )
    for name, (bare_s, ours_s) in results.items():
        print(
            f"  => {name}: store_table = {ours_s / bare_s:.2f}x the bare bulk insert (goal <= 1.5x)"
        )
    print(f"  => peak resident memory: {peak_mb():.0f} MB (goal < 2048 MB)")


if __name__ == "__main__":
    main()
