"""The engine half of ``benchmarks/recommend.py``: one recommendation, in process.

Times ``prepare_market`` (one-off per market), ``recommend_prepared`` and
``track_scores_prepared`` per survivor, and the engine's scoring step against a bare
numpy weighted sum + top-k over the same component arrays; prints the figures.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.common.market import TODAY, Synthetic, build_market, build_profiles
from benchmarks.common.timing import best_ms, percentile, summary, times_ms
from matcher import Profile, Weights, prepare_market, recommend_prepared, track_scores_prepared
from matcher.pathways import PreparedMarket
from matcher.rules import NO_RULE, NOT_A_CANDIDATE
from matcher.safeguards import first_rule, survivor_context
from matcher.scoring import components, fused_score, score, top_k

REPEAT = 3


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
    prep_ms = times_ms(lambda: prepare_market(syn.market, syn.catalog, syn.vacancies), 5)
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
    print(f"prepare_market (one-off per market):     {summary(prep_ms)}")
    rec_best = _time_recommend(prepared, profiles, limit)
    ratio = _time_scoring_step(prepared, profiles, limit)
    figures = {
        "prepare_ms": statistics.median(prep_ms),
        "recommend_median_ms": statistics.median(rec_best),
        "recommend_p95_ms": percentile(rec_best, 95),
        "scoring_ratio": ratio,
    }
    return EngineRun(figures, syn, prepared, profiles)


def _time_recommend(prepared: PreparedMarket, profiles: list[Profile], limit: int) -> list[float]:
    """Print the whole calls' figures; returns each survivor's best ``recommend_prepared``.

    After a warm-up, each survivor's first run and best of ``REPEAT`` runs: the machine
    is shared, and the best run is the engine's cost without the noise.
    """
    recommend_prepared(profiles[0], prepared, today=TODAY, limit=limit)
    rec_first, rec_best = [], []
    for p in profiles:
        runs = times_ms(
            lambda p=p: recommend_prepared(p, prepared, today=TODAY, limit=limit), REPEAT
        )
        rec_first.append(runs[0])
        rec_best.append(min(runs))
    print(f"recommend_prepared, first run:           {summary(rec_first)}")
    print(f"recommend_prepared, best of {REPEAT}:           {summary(rec_best)}")
    excl = [
        best_ms(
            lambda p=p: recommend_prepared(
                p, prepared, today=TODAY, limit=limit, include_excluded=True
            ),
            REPEAT,
        )
        for p in profiles[:50]
    ]
    print(f"  with include_excluded, best of {REPEAT}:     {summary(excl)}")
    ts_ms = [
        best_ms(lambda p=p: track_scores_prepared(p, prepared, today=TODAY), REPEAT)
        for p in profiles[:50]
    ]
    print(f"track_scores_prepared, best of {REPEAT}:        {summary(ts_ms)}")
    return rec_best


def _time_scoring_step(prepared: PreparedMarket, profiles: list[Profile], limit: int) -> float:
    """Print the scoring step's figures; returns the engine / fastest bare ratio of medians.

    Over the same component arrays: the engine's weighted mean, living-wage rule and
    deterministic masked top-k, against a bare weighted sum + top-k.
    """
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

        eng_ms.append(best_ms(engine_step, REPEAT))
        with_comps_ms.append(best_ms(engine_with_components, REPEAT))
        bare_mm_ms.append(best_ms(lambda c=comps: bare(w @ c), REPEAT))
        bare_es_ms.append(best_ms(lambda c=comps: bare(np.einsum("i,ij->j", w, c)), REPEAT))
    print(f"scoring step, engine (score + top-k):    {summary(eng_ms)}")
    print(f"  engine from the profile (fused score):  {summary(with_comps_ms)}")
    print(f"bare numpy, w @ comps + top-k:           {summary(bare_mm_ms)}")
    print(f"bare numpy, einsum + top-k:              {summary(bare_es_ms)}")
    bare_ms = min(statistics.median(bare_mm_ms), statistics.median(bare_es_ms))
    ratio = statistics.median(eng_ms) / bare_ms
    print(f"engine / fastest bare (medians):         {ratio:.2f}x (goal: within 3x)")
    ratio_all = statistics.median(with_comps_ms) / bare_ms
    print(f"engine from the profile / fastest bare:  {ratio_all:.2f}x")
    return ratio
