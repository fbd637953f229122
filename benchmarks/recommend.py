"""How fast is one recommendation on a national market?

Engine half (``benchmarks/common/engine_half.py``): builds a synthetic national market
(25 provinces, 60 towns, 400 occupations, 500 tracks, 5,000 vacancies, ~100,000
candidate pathways for one survivor), then reports

- the one-off ``prepare_market`` time (per market, cached by the api),
- the time of ``recommend_prepared`` per survivor (median, p95; goal: median < 20 ms),
- the engine's scoring step (components + weighted sum + living-wage rule + top-k)
  against a bare numpy weighted sum + top-k over the same component arrays
  (goal: within 3x).

HTTP half (``benchmarks/common/http_half.py``): loads the same market, catalog,
vacancies and 200 of the survivors into a SQLite database, serves the app with gunicorn
(2 workers) on 127.0.0.1, and sends ``--requests`` POST /survivors/{id}/recommendations
from 16 client threads; then the same against two bare Flask endpoints under gunicorn
(``benchmarks/bare_app.py``, no auth, no database): ``/bare`` does the same numpy
scoring work (weighted sum + masked top-k over the engine's component arrays) and
``/engine`` the whole engine call. The three take turns for ``--rounds`` rounds;
reports the median p50/p99 of each (goal: the endpoint's p99 within 3x of the bare
one's).

Run from the repository root::

    PYTHONPATH=. .venv/bin/python benchmarks/recommend.py
    PYTHONPATH=. .venv/bin/python benchmarks/recommend.py --survivors 50  # quicker
    .venv/bin/python -m benchmarks.recommend                               # the same
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from benchmarks.common.engine_half import engine_half
from benchmarks.common.http_half import HTTP_CLIENTS, HTTP_WORKERS, http_half


def main(argv: Sequence[str] | None = None) -> None:
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
    run = engine_half(args.survivors, args.limit)
    if args.skip_http:
        return
    result = http_half(
        run.synthetic,
        run.profiles,
        requests=args.requests,
        limit=args.limit,
        rounds=args.rounds,
        workers=args.http_workers,
        clients=args.http_clients,
    )
    print(
        f"HTTP: gunicorn {args.http_workers} workers, {args.http_clients} concurrent clients, "
        f"{args.requests} requests per endpoint and round, median of {args.rounds} rounds"
    )
    for name, value in result.items():
        print(f"{name:40s} {value:8.2f}")


if __name__ == "__main__":
    main()
