"""The outcome model's goals on the simulator (issue 13), held out in time.

    PYTHONPATH=. .venv/bin/python benchmarks/outcomes.py [--seeds 1-10] [--history 10000]

Prints, per seed, on a synthetic market with a known ground truth (``matcher.simulate``):

- the backtest's ROC AUC against the ground truth's own AUC on the same held-out
  placements, and its expected calibration error against the ground truth's own (what
  sampling alone gives a perfectly calibrated model on that many outcomes);
- for a cohort allocated to scarce seats: the *true* expected lasting placements of
  the status quo (arrival order, each taking their first stated wish with a free seat,
  as ``POST /allocations`` reports it), of the engine without the model, of the engine with
  it (maximising predicted lasting placements), and of the best allocation the ground
  truth allows under the same seats and rules; whether 1.3x the status quo is within
  reach of any allocation; what a perfect model's seats would reach; and the same
  ratios with fewer or more seats (``SEAT_SHARES``);
- the churning high-pay employers' predicted retention against the steady ones';
- training time on 100,000 follow-ups (placements resampled from the history);
- the recommendation median per survivor with the model on and off, on the national
  market of ``benchmarks/recommend.py``, and the one-off cost of compiling the model
  against that market.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from api.services.allocations import wish_ranks
from benchmarks.common.market import TODAY, build_market, build_profiles
from benchmarks.common.seeds import seeds as parse_seeds
from matcher import prepare_market, recommend_prepared
from matcher.allocate import allocate, status_quo
from matcher.outcomes import (
    MONTHS,
    OutcomeData,
    expected_calibration_error,
    pathway_features,
    train,
)
from matcher.prepared import PreparedMarket
from matcher.retention import Retention
from matcher.rules import NO_RULE
from matcher.safeguards import first_rule, survivor_context
from matcher.scoring import fused_score, tables, with_retention
from matcher.simulate import (
    GroundTruth,
    churning_employers,
    follow_ups,
    simulate_history,
    synthetic_profiles,
)
from matcher.weights import Weights

HISTORY_TODAY = date(2026, 11, 1)


def _held_out(history_data: OutcomeData, cutoff: str) -> tuple[np.ndarray, np.ndarray]:
    """The backtest's rows (started on or after ``cutoff``, 12-month outcome known)."""
    started = np.array([d.isoformat() >= cutoff for d in history_data.started_on])
    f12 = history_data.follow_ups["m12"]
    test = started & f12.notna().to_numpy()
    return test, f12[test].astype(bool).to_numpy()


def _cohort_matrices(
    p: PreparedMarket,
    profiles: list,
    truth: GroundTruth,
    retention: Retention,
    today: date,
    weights: Weights,
) -> dict[str, np.ndarray]:
    """Per survivor and track: the engine's score, the model's retention at the pathway
    it would pick, and the truth at the pathways each allocation would use."""
    n, m = len(profiles), len(p.catalog.tracks)
    out = {
        k: np.full((n, m), np.nan)
        for k in ("score", "model", "true_base", "true_model", "true_best")
    }
    n_rows = int(p.groups.track_count.sum())
    for i, profile in enumerate(profiles):
        ctx = survivor_context(profile, p, today)
        allowed = (first_rule(p, ctx) == NO_RULE)[:n_rows]
        tabs = tables(profile, p, ctx)
        base = fused_score(profile, p, ctx, weights, tabs)
        rows = np.flatnonzero(allowed).astype(np.int64)
        if rows.size == 0:
            continue
        frame = pathway_features(profile, p, ctx, rows, tabs)
        r = retention.model.predict(frame)
        t = truth.probability(frame)
        joined = with_retention(base, r, rows, p, weights)
        track = p.candidates.track[rows]
        for ti in np.unique(track):
            sel = np.flatnonzero(track == ti)
            b = sel[np.argmax(base[rows[sel]])]
            k = sel[np.argmax(joined[sel])]
            out["score"][i, ti] = base[rows[b]]
            out["true_base"][i, ti] = t[b]
            out["model"][i, ti] = r[k]
            out["true_model"][i, ti] = t[k]
            out["true_best"][i, ti] = t[sel].max()
    return out


def _wish_ranks(p: PreparedMarket, cohort: list) -> np.ndarray:
    """Each survivor's stated rank of each track (1 = first wish; 0 = not wished), as
    ``POST /allocations`` reads them."""
    ranks = [wish_ranks(profile.preferences, p.catalog.tracks) for profile in cohort]
    return np.array(ranks, np.int64).reshape(len(cohort), len(p.catalog.tracks))


def _value(track_of: np.ndarray, values: np.ndarray) -> float:
    got = track_of >= 0
    return float(np.nansum(values[np.flatnonzero(got), track_of[got]]))


#: Seats in the scarcity table, as a share of the cohort.
SEAT_SHARES = (0.5, 0.75, 1.0, 1.25)


def _lasting(
    mats: dict[str, np.ndarray], seats: np.ndarray, order: np.ndarray, wishes: np.ndarray
) -> dict[str, float]:
    """The true expected lasting placements of each allocation of the cohort."""
    # The status quo as the allocation reports it: arrival order, each survivor taking
    # their first stated wish with a free seat (else their best-scoring free seat).
    sq = status_quo(mats["score"], seats, arrival_order=order, preference_ranks=wishes)
    by_score = status_quo(mats["score"], seats, arrival_order=order)
    plain = allocate(mats["score"], seats, arrival_order=order)
    learned = allocate(mats["model"], seats, arrival_order=order)
    best = allocate(mats["true_best"], seats, arrival_order=order)
    # Seats given by the truth itself at the pathways the model's score picks: what a
    # perfect model would reach without changing which pathway each track leads to.
    oracle = allocate(mats["true_model"], seats, arrival_order=order)
    return {
        "oracle": _value(oracle.track_of, mats["true_model"]),
        "quo": _value(sq.track_of, mats["true_base"]),
        "by_score": _value(by_score.track_of, mats["true_base"]),
        "plain": _value(plain.track_of, mats["true_base"]),
        "model": _value(learned.track_of, mats["true_model"]),
        "best": _value(best.track_of, mats["true_best"]),
    }


def _resampled(data: OutcomeData, truth: GroundTruth, n: int, seed: int) -> OutcomeData:
    """``n`` placements drawn from the history's pathways, with fresh follow-ups."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(data.features), n)
    features = data.features.iloc[pick].reset_index(drop=True)
    span = (HISTORY_TODAY - timedelta(days=1100), HISTORY_TODAY - timedelta(days=30))
    days = rng.integers(0, (span[1] - span[0]).days, n)
    started = [span[0] + timedelta(days=int(d)) for d in days]
    answers = follow_ups(truth.probability(features), started, HISTORY_TODAY, rng)
    groups = data.groups.iloc[pick].reset_index(drop=True)
    return OutcomeData(features, started, answers, groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="1-10", help="simulation seeds, e.g. 1-10 or 5,6,7")
    parser.add_argument("--history", type=int, default=10_000, help="simulated placements")
    parser.add_argument("--cohort", type=int, default=60)
    parser.add_argument(
        "--retention-weight",
        type=float,
        default=Weights().retention,
        help=f"the retention component's weight (default {Weights().retention})",
    )
    parser.add_argument("--follow-ups", type=int, default=100_000)
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["training", "national"], help="parts to skip"
    )
    args = parser.parse_args()

    syn = build_market(provinces=8, towns=20, occupations=60, tracks=40, vacancies=400, seed=3)
    p = prepare_market(syn.market, syn.catalog, syn.vacancies)
    truth = GroundTruth(churning=churning_employers(p))
    rows = []
    history = None
    for seed in parse_seeds(args.seeds):
        print(f"== seed {seed}")
        weights = Weights(retention=args.retention_weight)
        history, row = _one_seed(p, truth, args.history, args.cohort, seed, weights)
        rows.append(row)
    print()
    print(
        "| seed | held out | AUC (truth's) | ECE (truth's) | x quo (most the truth allows) "
        "| / best (perfect model's seats) | / no model | churn vs steady |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['seed']} | {r['held']} | {r['auc']:.3f} ({r['truth_auc']:.3f}) | "
            f"{r['ece']:.3f} ({r['truth_ece']:.3f}) | {r['x_quo']:.2f} ({r['best_x_quo']:.2f}) | "
            f"{r['x_best']:.2f} ({r['oracle']:.3f}) | "
            f"{r['x_plain']:.2f} | {r['churn']:.2f} vs {r['steady']:.2f} |"
        )
    print()
    print("with the model x the status quo (the truth's best) by seats as a share of the cohort")
    print("| seed | " + " | ".join(f"{k:.2f}" for k in SEAT_SHARES) + " |")
    print("|---|" + "---|" * len(SEAT_SHARES))
    for r in rows:
        cells = " | ".join(f"{a:.2f} ({b:.2f})" for a, b in r["scarcity"].values())
        print(f"| {r['seed']} | {cells} |")
    if history is not None and "training" not in args.skip:
        _training_time(history.data, truth, args.follow_ups, rows[-1]["seed"])
    if "national" not in args.skip:
        _national(rows[0]["seed"] if rows else 5)


def _one_seed(
    p: PreparedMarket,
    truth: GroundTruth,
    n_history: int,
    n_cohort: int,
    seed: int,
    weights: Weights,
) -> tuple[Any, dict[str, Any]]:
    """One simulated history: backtest, cohort allocation and churn, printed."""
    started = time.perf_counter()
    history = simulate_history(p, n_history, today=HISTORY_TODAY, truth=truth, seed=seed)
    print(
        f"history: {len(history.data.features)} placements simulated in "
        f"{time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    model = train(history.data, version="bench", seed=seed)
    seconds = time.perf_counter() - started
    mt = model.metrics
    test, y = _held_out(history.data, mt["cutoff"])
    truth_auc = float(roc_auc_score(y, history.truth[test]))
    # The truth's own ECE on the same rows: what sampling alone gives a perfectly
    # calibrated model on this many outcomes (the floor under the model's figure).
    truth_ece = expected_calibration_error(y, history.truth[test])
    print(f"model: {model.classifier}, trained on {model.rows} placements in {seconds:.1f} s")
    print(f"held out after {mt['cutoff']} ({mt['rows']} outcomes):")
    print(
        f"  ROC AUC {mt['roc_auc']:.3f} vs the ground truth's {truth_auc:.3f} "
        f"(gap {truth_auc - mt['roc_auc']:.3f}; goal <= 0.05)"
    )
    print(
        f"  ECE {mt['ece']:.3f} (goal <= 0.05; the ground truth's own on these rows "
        f"{truth_ece:.3f}), Brier {mt['brier']:.3f}"
    )
    for column, groups in mt["by"].items():
        cells = ", ".join(
            f"{k}: AUC {v.get('roc_auc')}, ECE {v.get('ece')} (n={v['rows']})"
            for k, v in groups.items()
        )
        print(f"  by {column}: {cells}")

    # The cohort: scarce seats, survivors placed on the pathway of the track they get.
    retention = Retention(model)
    rng = np.random.default_rng(seed + 1)
    cohort = synthetic_profiles(p, n_cohort, rng)
    seats = rng.integers(0, 4, len(p.catalog.tracks)).astype(np.int64)
    mats = _cohort_matrices(p, cohort, truth, retention, TODAY, weights)
    order = np.arange(len(cohort), dtype=np.int64)
    wishes = _wish_ranks(p, cohort)
    v = _lasting(mats, seats, order, wishes)
    print(
        f"cohort of {len(cohort)}, {int(seats.sum())} seats in {len(seats)} tracks: "
        "true expected lasting placements"
    )
    print(
        f"  status quo {v['quo']:.2f} (arrival order by the engine's score instead of the "
        f"wishes: {v['by_score']:.2f}); engine without the model {v['plain']:.2f}; "
        f"with the model {v['model']:.2f}; best the truth allows {v['best']:.2f}"
    )
    verdict = (
        "met"
        if v["model"] >= 1.3 * v["quo"]
        else (
            f"no allocation reaches it: the truth's best is {v['best'] / v['quo']:.2f}x"
            if v["best"] < 1.3 * v["quo"]
            else "missed"
        )
    )
    print(
        f"  with the model / status quo {v['model'] / v['quo']:.2f} (goal >= 1.3: {verdict}); "
        f"/ best {v['model'] / v['best']:.2f} (goal >= 0.95); "
        f"/ without the model {v['model'] / v['plain']:.2f} (goal > 1)"
    )
    print(
        f"  of the gap to the best: seats by the truth at the same pathways reach "
        f"{v['oracle'] / v['best']:.3f} of it (the rest is which pathway a track leads "
        f"to), the model's seats {v['model'] / v['best']:.3f}"
    )
    # The same cohort and model with scarcer or more seats (drawn at random over the
    # tracks): how much better than arrival order an allocation can be depends on it.
    scarcity = {}
    seat_rng = np.random.default_rng(seed + 2)
    for share in SEAT_SHARES:
        total = round(share * len(cohort))
        drawn = seat_rng.multinomial(total, np.full(len(seats), 1 / len(seats)))
        w = _lasting(mats, drawn.astype(np.int64), order, wishes)
        scarcity[share] = (w["model"] / w["quo"], w["best"] / w["quo"])
    print(
        "  seats as a share of the cohort: with the model x status quo (the truth's best): "
        + "; ".join(f"{k:.2f}: {a:.2f} ({b:.2f})" for k, (a, b) in scarcity.items())
    )

    # Churning employers pay best; does the model rank them below the steady ones?
    feats = history.data.features
    churn = feats["employer"].isin(truth.churning).to_numpy()
    steady = (feats["employer"] != "none").to_numpy() & ~churn
    pred = model.predict(feats)
    print(
        "churning employers: net/living wage "
        f"{feats['net_over_living_wage'][churn].mean():.2f} vs steady "
        f"{feats['net_over_living_wage'][steady].mean():.2f}; predicted retention "
        f"{pred[churn].mean():.3f} vs {pred[steady].mean():.3f} "
        f"(truth {history.truth[churn].mean():.3f} vs {history.truth[steady].mean():.3f})"
    )
    return history, {
        "seed": seed,
        "held": int(mt["rows"]),
        "auc": float(mt["roc_auc"]),
        "truth_auc": truth_auc,
        "ece": float(mt["ece"]),
        "truth_ece": truth_ece,
        "x_quo": v["model"] / v["quo"],
        "best_x_quo": v["best"] / v["quo"],
        "x_best": v["model"] / v["best"],
        "x_plain": v["model"] / v["plain"],
        "oracle": v["oracle"] / v["best"],
        "scarcity": scarcity,
        "churn": float(pred[churn].mean()),
        "steady": float(pred[steady].mean()),
    }


def _training_time(data: OutcomeData, truth: GroundTruth, follow: int, seed: int) -> None:
    """Training time on ``follow`` follow-ups."""
    per = max(
        float(data.follow_ups[[f"m{m}" for m in MONTHS]].notna().sum().sum()) / len(data.features),
        1.0,
    )
    big = _resampled(data, truth, int(follow / per * 1.02), seed + 2)
    n_follow = int(big.follow_ups[[f"m{m}" for m in MONTHS]].notna().sum().sum())
    started = time.perf_counter()
    train(big, version="bench-big", seed=seed)
    print(
        f"training on {n_follow} follow-ups ({len(big.features)} placements): "
        f"{time.perf_counter() - started:.1f} s (goal < 60 s on 2 cores)"
    )


def _national(seed: int) -> None:
    """The recommendation benchmark's market, with and without the model."""
    national = build_market()
    q = prepare_market(national.market, national.catalog, national.vacancies)
    nat_truth = GroundTruth(churning=churning_employers(q))
    nat_history = simulate_history(q, 800, today=HISTORY_TODAY, truth=nat_truth, seed=seed)
    nat_model = Retention(train(nat_history.data, version="bench-national", seed=seed))
    profiles = build_profiles(national, 120)
    timings: dict[str, list[float]] = {"without": [], "with": []}
    t0 = time.perf_counter()
    nat_model.columns(q)
    print(
        f"compiling the model against the market (once per market and model): "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    for profile in profiles[:5]:  # warm-up
        recommend_prepared(profile, q, today=TODAY, retention=nat_model)
    for profile in profiles:
        for key, ret in (("without", None), ("with", nat_model)):
            t0 = time.perf_counter()
            recommend_prepared(profile, q, today=TODAY, retention=ret)
            timings[key].append((time.perf_counter() - t0) * 1000)
    print(
        f"recommendation median on the national market ({q.n_candidates} candidates): "
        f"{statistics.median(timings['without']):.1f} ms without the model, "
        f"{statistics.median(timings['with']):.1f} ms with it (goal < 10 ms)"
    )


if __name__ == "__main__":
    main()
