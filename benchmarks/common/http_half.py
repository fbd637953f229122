"""The HTTP half of ``benchmarks/recommend.py``: the endpoint under gunicorn against bare Flask.

Loads the market, catalog, vacancies and survivors into a SQLite file, serves the app
and ``benchmarks/bare_app.py`` with gunicorn on 127.0.0.1, and loads the three
endpoints in turn from client threads.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common.database import build_database
from benchmarks.common.http_load import load_test
from benchmarks.common.market import BARE_SURVIVORS, Synthetic
from benchmarks.common.servers import ROOT, gunicorn
from matcher import Profile

HTTP_CLIENTS = 16
HTTP_WORKERS = 2
HTTP_SURVIVORS = 200  # at most, of the engine half's survivors, loaded into the database
OUT = ROOT / "benchmarks" / "out"


def http_half(
    syn: Synthetic,
    profiles: Sequence[Profile],
    *,
    requests: int = 800,
    limit: int = 10,
    rounds: int = 5,
    workers: int = HTTP_WORKERS,
    clients: int = HTTP_CLIENTS,
) -> dict[str, float]:
    """POST /survivors/{id}/recommendations under gunicorn, from client threads, vs bare endpoints.

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
    token, ids = build_database(syn, profiles[:HTTP_SURVIVORS], url)
    print(f"database built in {time.perf_counter() - t0:.1f} s ({len(ids)} survivors)")

    env = {
        "DATABASE_URL": url,
        "PATHWAYS_RATELIMIT": "1000000 per minute",
        "PATHWAYS_RATELIMIT_WRITES": "1000000 per minute",
        "PATHWAYS_LOG_LEVEL": "WARNING",
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
    with (
        gunicorn("api.wsgi:app", env, workers) as app_port,
        gunicorn("benchmarks.bare_app:app", {}, workers) as bare_port,
    ):
        for r in range(rounds):
            for name, (paths, headers) in targets.items():
                port = app_port if name == "endpoint" else bare_port
                got = load_test(
                    port, paths, headers, requests=requests, limit=limit, clients=clients
                )
                runs[name].append(got)
                print(
                    f"  round {r + 1} {name:8s} p50 {got['p50_ms']:7.1f} ms  "
                    f"p99 {got['p99_ms']:7.1f} ms  {got['requests_per_s']:6.1f} req/s"
                )
    return _figures(runs)


def _figures(runs: dict[str, list[dict[str, float]]]) -> dict[str, float]:
    """Medians over the rounds, their ratios, and the range of the per-round p99 ratio."""
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
