"""Benchmark of ``matcher.allocate`` against a bare OR-tools ``SimpleMinCostFlow``.

Random cohorts with integer scores 0..100 (popular tracks score higher for everyone,
so seats are contested) and about 10 % excluded pairs; seats sum to 1.1 x N. Each
solver runs in a fresh subprocess that rebuilds the same instance from the seed and
reports its wall time (from the scores matrix to the answer; not imports or instance
generation) and its peak resident memory (``ru_maxrss`` of that process, instance
and imports included; the "instance" row is that baseline with no solver).
``allocate`` is the whole call a user makes (pruned solve with its optimality proof,
stats, and the status quo); ``allocate-full`` the same without pruning; ``bare`` a
single ``SimpleMinCostFlow`` over every allowed pair (``solve_max_flow_with_min_cost``,
the same most-seated-then-best-total objective).

Usage::

    PYTHONPATH=. python benchmarks/allocate.py                      # the issue's sizes
    PYTHONPATH=. python benchmarks/allocate.py --sizes 1000x50,10000x200
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from ortools.graph.python import min_cost_flow

from benchmarks.common.timing import peak_mb
from matcher.allocate import allocate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = "1000x50,10000x200,50000x500"
SOLVERS = ("instance", "allocate", "allocate-full", "bare")


def make_instance(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    popularity = rng.integers(0, 41, size=m)
    scores = (rng.integers(0, 61, size=(n, m)) + popularity[None, :]).astype(np.float64)
    scores[rng.random((n, m)) < 0.10] = np.nan
    seats = rng.multinomial(int(np.ceil(1.1 * n)), np.full(m, 1.0 / m)).astype(np.int64)
    return scores, seats


def bare_solver(scores: np.ndarray, seats: np.ndarray) -> tuple[float, int]:
    """The anchor: one min-cost max-flow over every allowed pair, costs -score."""
    n, m = scores.shape
    source, sink = n + m, n + m + 1
    rows, cols = np.nonzero(~np.isnan(scores))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        rows.astype(np.int32),
        (cols + n).astype(np.int32),
        np.ones(rows.shape[0], dtype=np.int64),
        (-scores[rows, cols]).astype(np.int64),
    )
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.full(n, source, dtype=np.int32),
        np.arange(n, dtype=np.int32),
        np.ones(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
    )
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m, dtype=np.int32),
        np.full(m, sink, dtype=np.int32),
        seats.astype(np.int64),
        np.zeros(m, dtype=np.int64),
    )
    smcf.set_node_supply(source, n)
    smcf.set_node_supply(sink, -n)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"bare solver: {status}")
    return float(-smcf.optimal_cost()), int(smcf.maximum_flow())


def worker(solver: str, n: int, m: int, seed: int) -> dict[str, object]:
    # The solvers' modules are imported at the top: the clock times solving, not loading.
    scores, seats = make_instance(n, m, seed)
    out: dict[str, object] = {"solver": solver}
    start = time.perf_counter()
    if solver == "bare":
        out["objective"], out["assigned"] = bare_solver(scores, seats)
    elif solver.startswith("allocate"):
        result = allocate(scores, seats, prune=solver == "allocate")
        out["objective"] = result.total_score
        out["assigned"] = result.stats.assigned
        out["proof"] = result.proof
        assert result.status_quo is not None
        out["greedy_objective"] = result.status_quo.total_score
        out["greedy_assigned"] = result.status_quo.assigned
    out["seconds"] = time.perf_counter() - start
    out["peak_mb"] = peak_mb()
    return out


def run_in_subprocess(solver: str, n: int, m: int, seed: int) -> dict[str, object]:
    cmd = [sys.executable, "-m", "benchmarks.allocate", "--worker", solver]
    cmd += ["--sizes", f"{n}x{m}", "--seed", str(seed)]
    # From the repository root, so that the worker imports however this script was run.
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma list of NxM")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument(
        "--solvers", default=",".join(SOLVERS), help=f"comma list from {','.join(SOLVERS)}"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="runs per solver, best time kept (default: 3 below 1M pairs, else 1)",
    )
    parser.add_argument("--worker", choices=SOLVERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in args.sizes.split(",")]

    if args.worker:
        n, m = sizes[0]
        print(json.dumps(worker(args.worker, n, m, args.seed)))
        return

    header = (
        f"{'N x M':>12} {'solver':>14} {'seconds':>8} {'peak MB':>8} {'objective':>12} "
        f"{'assigned':>8} {'vs bare':>8}  note"
    )
    print(header)
    print("-" * len(header))
    for n, m in sizes:
        repeat = args.repeat or (3 if n * m < 1_000_000 else 1)
        rows: dict[str, dict[str, object]] = {}
        # Interleaved, so that a burst of load on the shared machine hits all alike.
        for _ in range(repeat):
            for name in args.solvers.split(","):
                r = run_in_subprocess(name, n, m, args.seed)
                best = rows.get(name)
                if best is None or float(r["seconds"]) < float(best["seconds"]):  # type: ignore[arg-type]
                    rows[name] = r
        bare = rows.get("bare")
        for name, r in rows.items():
            ratio = ""
            note = ""
            if bare and name != "instance":
                ratio = f"{float(r['seconds']) / float(bare['seconds']):.2f}x"  # type: ignore[arg-type]
            if name.startswith("allocate"):
                note = f"proof={r['proof']}"
                if bare:
                    same = (r["objective"], r["assigned"]) == (bare["objective"], bare["assigned"])
                    note += "; same objective" if same else "; OBJECTIVE DIFFERS"
                opt = float(r["objective"])  # type: ignore[arg-type]
                greedy = float(r["greedy_objective"])  # type: ignore[arg-type]
                note += (
                    f"; status quo {greedy:.0f} ({100 * (opt - greedy) / opt:.2f} % below, "
                    f"{n - int(r['greedy_assigned'])} unseated)"  # type: ignore[call-overload]
                )
            obj = f"{float(r['objective']):.0f}" if "objective" in r else ""  # type: ignore[arg-type]
            print(
                f"{f'{n}x{m}':>12} {name:>14} {float(r['seconds']):>8.2f} "  # type: ignore[arg-type]
                f"{float(r['peak_mb']):>8.0f} {obj:>12} {r.get('assigned', ''):>8} "  # type: ignore[arg-type]
                f"{ratio:>8}  {note}",
                flush=True,
            )


if __name__ == "__main__":
    main()
