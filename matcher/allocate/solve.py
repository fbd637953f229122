"""``allocate``: most survivors seated, then the best total score, solved exactly.

The problem is a min-cost maximum flow, solved with OR-tools' ``SimpleMinCostFlow``
(graph and optimality proof in :mod:`matcher.allocate.flow`)::

    source --1--> survivor i --1, cost c[i, j]--> track j --seats[j]--> sink

``solve_max_flow_with_min_cost`` first finds the largest flow (the most survivors
seated) and then the cheapest flow of that size. So a survivor goes without a seat
only when seating them would unseat someone else, and never while one of their
allowed tracks has a free seat. That is the two-stage rule of the issue, without a
"large bonus per assignment" that would eat into the integer range.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matcher.allocate.flow import (
    MAX_FLOW_COST,
    build_and_solve,
    check_optimality,
    column_candidates,
    row_candidates,
)
from matcher.allocate.greedy import status_quo
from matcher.allocate.inputs import check_inputs
from matcher.allocate.ranks import allocation_stats
from matcher.allocate.types import BLOCK, Allocation, Progress
from matcher.errors import AllocationInputError

#: Float scores are rounded to multiples of ``1 / SCORE_SCALE`` before solving.
SCORE_SCALE = 10**6

# Candidate pruning: each survivor first offers the solver only their PRUNE_K best
# tracks, each track its COLUMN_FACTOR * seats + PRUNE_K best survivors. Below
# PRUNE_MIN_ARCS allowed pairs the whole graph solves about as fast as one pruned
# round, so pruning would only add rounds. When the proof fails, the next round
# re-ranks candidates by the proof's prices, up to PRUNE_ROUNDS rounds before the
# whole graph is solved.
PRUNE_K = 12
PRUNE_MIN_ARCS = 250_000
PRUNE_ROUNDS = 6
COLUMN_FACTOR = 2


def _integer_costs(
    sc: NDArray[np.float64],
    allowed: NDArray[np.bool_],
    pr: NDArray[np.int64] | None,
    n_nodes: int,
) -> NDArray[np.int64]:
    """Integer arc costs for the solver: ``-w``, or ``-(w * T + e)`` with stated wishes.

    Scores as integers ``w``: whole numbers are used as they are; other scores are
    rounded to multiples of ``1 / SCORE_SCALE`` (1e-6). Rounding moves each pair's
    score by at most 0.5e-6, so any allocation's total moves by at most
    N * 0.5e-6 and the allocation found is within N * 1e-6 of the true optimum;
    when the scores carry at most six decimals (the engine's scores are rounded
    for display), the scaled problem is the same problem and the optimum is exact.

    Ties: with ``preference_ranks``, ``e[i, j] = M - rank`` (0..M-1; 0 when
    unranked) rewards giving survivors tracks higher in their stated wishes, and
    ``T = N * (M - 1) + 1`` exceeds the largest possible sum of ``e`` over an
    allocation, so one score unit always outweighs every tie-break: an optimum of
    the perturbed problem is an optimum of the scores. Without stated wishes (or
    if ``T`` would overflow the solver's integer range) the costs are the scores
    alone, which keeps the solver as fast as on the bare problem (cost scaling
    takes longer over a wider cost range), and ties rest on the deterministic
    solver and the canonical graph.
    """
    n, m = sc.shape
    rows = max(1, BLOCK // max(m, 1))
    integer, vmax = True, 0.0
    for a in range(0, n, rows):
        v = sc[a : a + rows][allowed[a : a + rows]]
        vmax = max(vmax, float(np.abs(v).max(initial=0.0)))
        integer = integer and bool(np.array_equal(v, np.rint(v)))
    scale = 1 if integer and vmax <= 2**40 else SCORE_SCALE
    wmax = int(np.ceil(vmax * scale))
    tie = n * max(m - 1, 0) + 1 if pr is not None else 1
    if (wmax * tie + m) * (n_nodes + 1) >= MAX_FLOW_COST:
        tie = 1
    if (wmax + 1) * (n_nodes + 1) >= MAX_FLOW_COST:
        raise AllocationInputError("scores are too large for an exact integer solve")
    costs = np.empty((n, m), dtype=np.int64)
    for a in range(0, n, rows):
        ok = allowed[a : a + rows]
        c = -np.rint(np.where(ok, sc[a : a + rows], 0.0) * scale).astype(np.int64)
        if tie > 1:
            assert pr is not None
            r = pr[a : a + rows]
            c *= tie
            c -= np.where(ok & (r > 0), np.clip(m - r, 0, m - 1), 0)
        costs[a : a + rows] = c
    return costs


def allocate(
    scores: NDArray[np.float64] | NDArray[np.int64],
    seats: NDArray[np.int64],
    *,
    arrival_order: NDArray[np.int64] | None = None,
    preference_ranks: NDArray[np.int64] | None = None,
    progress: Progress | None = None,
    prune: bool | int = True,
) -> Allocation:
    """Allocate a cohort to tracks: most survivors seated, then the best total score.

    Parameters
    ----------
    scores : ndarray, shape (N, M)
        Score per survivor (row) and track (column), e.g. the engine's scores in
        [0, 1]; NaN where a hard rule excludes the pair (never assigned).
    seats : ndarray of int, shape (M,)
        Seats available per track (>= 0).
    arrival_order : ndarray of int, shape (N,), optional
        Survivor indices in order of arrival (default: row order). Used by the
        status quo, and as the order in which the solver's graph is built, so
        that reordering the rows (with the same arrival order) changes nothing.
    preference_ranks : ndarray of int, shape (N, M), optional
        The survivors' stated wishes, 1 = most wanted, 0 or -1 = not ranked. Used
        for ``first_choice``/``top_two`` and to break ties; without it each
        survivor ranks tracks by their own scores.
    progress : callable, optional
        ``progress(stage, fraction)`` with stages ``"prepare"``, ``"solve"``,
        ``"verify"``, ``"status_quo"``; each stage reaches 1.0.
    prune : bool or int, default True
        Offer the solver only each survivor's best tracks first, and keep that
        solution only when it is proved optimal for the whole graph (see Notes).
        True prunes cohorts with at least 250,000 allowed pairs, starting from
        12 tracks per survivor; an int prunes any cohort, starting from that many.

    Returns
    -------
    Allocation
        ``track_of`` (-1 = no seat), ``total_score``, ``stats``, ``status_quo``.

    Raises
    ------
    AllocationInputError
        For malformed arrays (shape, infinite scores, negative seats, an arrival
        order that is not a permutation).

    Notes
    -----
    *Objective.* Lexicographic: first the number of survivors seated (the maximum
    flow), then the total score (minimum cost among maximum flows). So a survivor
    is unassigned only when seating them would unseat someone else.

    *Integers.* Whole-number scores are used as they are; other scores are rounded
    to multiples of 1e-6 (exact when they have at most six decimals, otherwise the
    total is within N * 1e-6 of the optimum). Costs are ``-(w * T + e)`` where the
    tie-break ``e`` (0..M-1) favours each survivor's more wanted tracks and
    ``T = N * (M - 1) + 1`` is larger than any allocation's sum of ``e``, so it
    only ever chooses between allocations with the same total.

    *Reproducibility.* The graph is built in arrival order and the solver is
    deterministic: the same input gives the same allocation on every run, and
    permuting the rows together with ``arrival_order`` permutes the answer.

    *Pruning.* With ``prune``, the solver first sees only promising pairs: each
    survivor's ``k`` best tracks and each track's ``2 * seats + k`` best
    survivors. The pruned optimum is then checked against every allowed pair:
    node potentials (shortest-path distances in the pruned residual graph) must
    give no omitted arc a negative reduced cost, and no augmenting path may exist
    in the full graph. If the check fails, the next round re-chooses each
    survivor's ``k`` tracks by reduced cost at those potentials (the offending
    arcs come first; ``k`` doubles when the flow was not maximum), for up to
    ``PRUNE_ROUNDS`` rounds, after which the whole graph is solved. A pruned
    answer is returned only with that proof, so it is an exact optimum;
    ``Allocation.proof`` tells which way it was reached.
    """
    sc, st, order, pr = check_inputs(scores, seats, arrival_order, preference_ranks)
    n, m = sc.shape

    def report(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    report("prepare", 0.0)
    allowed = ~np.isnan(sc) & (st > 0)[None, :]
    costs = _integer_costs(sc, allowed, pr, n + m + 2)
    report("prepare", 1.0)

    track_of: NDArray[np.int64] | None = None
    proof = "full"
    k = PRUNE_K if prune is True else int(prune)
    n_allowed = int(allowed.sum())
    if (prune is True and n_allowed >= PRUNE_MIN_ARCS) or (prune is not True and prune > 0):
        prices: NDArray[np.int64] | None = None
        previous: NDArray[np.int64] | None = None
        # Each track's best few survivors stay in every round; each survivor's best
        # tracks are re-chosen at the prices of the last round's potentials.
        base = column_candidates(costs, allowed, np.minimum(st, n) * COLUMN_FACTOR + k)
        for attempt in range(PRUNE_ROUNDS):
            report("solve", attempt / PRUNE_ROUNDS)
            arcs = base | row_candidates(costs, allowed, k, prices)
            if previous is not None:
                got = np.flatnonzero(previous >= 0)
                arcs[got, previous[got]] = True
            if prune is True and int(arcs.sum()) > n_allowed // 2:
                break  # hardly smaller than the whole graph
            trial = build_and_solve(arcs, costs, st, order)
            report("verify", attempt / PRUNE_ROUNDS)
            verdict = check_optimality(trial, arcs, costs, allowed, st)
            del arcs
            if verdict.optimal:
                track_of, proof = trial, "pruned"
                break
            # The arcs that broke the proof have negative reduced costs, so they
            # lead the next short lists; widen them when prices cannot help.
            if verdict.prices is None or not verdict.max_flow:
                k *= 2
            prices, previous = verdict.prices, trial
        del base
    if track_of is None:
        report("solve", 0.0)
        track_of = build_and_solve(allowed, costs, st, order)
    report("solve", 1.0)
    report("verify", 1.0)
    del costs

    stats = allocation_stats(track_of, sc, pr)
    sq = status_quo(sc, st, order, preference_ranks=pr, progress=progress)
    return Allocation(track_of, stats.total_score, stats, sq.stats, proof)
