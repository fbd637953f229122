"""Cohort allocation of scarce training seats (issue 6).

A shelter allocates a whole cohort at once: each survivor gets at most one track, no
track more survivors than its free seats, as many survivors as possible get a seat,
and among those allocations the total score is the largest possible. The problem is
solved exactly as a min-cost maximum flow with OR-tools' ``SimpleMinCostFlow``::

    source --1--> survivor i --1, cost c[i, j]--> track j --seats[j]--> sink

``solve_max_flow_with_min_cost`` first finds the largest flow (the most survivors
seated) and then the cheapest flow of that size. So a survivor goes without a seat
only when seating them would unseat someone else, and never while one of their
allowed tracks has a free seat. That is the two-stage rule of the issue, without a
"large bonus per assignment" that would eat into the integer range.

Public API
----------
``allocate(scores, seats, *, arrival_order=None, preference_ranks=None, progress=None,
prune=True)``
    The optimal :class:`Allocation`, with its statistics and those of the status quo.
``status_quo(scores, seats, arrival_order=None, preference_ranks=None)``
    Seats filled in arrival order, each survivor taking their best free seat.
``explain(allocation, scores, seats, preference_ranks=None)``
    One :class:`Explanation` per survivor (structured data plus ``sentence(codes)``).
``AllocationInputError``
    Bad arrays (shape, infinities, negative seats, bad arrival order).

Indices are positions in the ``scores`` rows (survivors) and columns (tracks); the
caller maps them to survivor ids and track codes, e.g.::

    result = allocate(scores, seats, arrival_order=order, preference_ranks=wishes)
    for e in explain(result, scores, seats, preference_ranks=wishes):
        code = track_codes[e.track] if e.track >= 0 else None
        text = e.sentence(track_codes)  # or build one from e.missed[*].holders
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher._allocate_flow import (
    MAX_FLOW_COST,
    build_and_solve,
    check_optimality,
    column_candidates,
    row_candidates,
)

__all__ = [
    "SCORE_SCALE",
    "Allocation",
    "AllocationInputError",
    "AllocationStats",
    "Explanation",
    "Missed",
    "allocate",
    "explain",
    "status_quo",
    "wish_ranks",
]

Progress = Callable[[str, float], None]

#: Float scores are rounded to multiples of ``1 / SCORE_SCALE`` before solving.
SCORE_SCALE = 10**6

# Candidate pruning: each survivor first offers the solver only their PRUNE_K best
# tracks, each track its COLUMN_FACTOR * seats + PRUNE_K best survivors. Below
# PRUNE_MIN_ARCS allowed pairs the whole graph solves in milliseconds and pruning
# would only add rounds. When the proof fails, the next round re-ranks candidates
# by the proof's prices, up to PRUNE_ROUNDS rounds before the whole graph is solved.
PRUNE_K = 12
PRUNE_MIN_ARCS = 250_000
PRUNE_ROUNDS = 6
COLUMN_FACTOR = 2
_BLOCK = 1 << 21  # matrix cells handled per block, to bound temporary memory


class AllocationInputError(ValueError):
    """The arrays given to the allocation are malformed (the message says how)."""


@dataclass(frozen=True)
class AllocationStats:
    """Figures a counsellor compares between the optimum and the status quo.

    ``first_choice`` and ``top_two`` count assigned survivors whose track is their
    most wanted (rank 1) or one of their two most wanted (rank <= 2), by the ranks of
    :func:`wish_ranks`.
    """

    assigned: int
    unassigned: int
    first_choice: int
    top_two: int
    total_score: float


@dataclass(frozen=True, eq=False)
class Allocation:
    """An allocation of a cohort to tracks (read-only; compare ``track_of`` arrays).

    Attributes
    ----------
    track_of : ndarray of int, shape (N,)
        The track index given to each survivor, or -1 for none.
    total_score : float
        Sum of the scores of the assigned pairs (the input scores, not rounded).
    stats : AllocationStats
        Figures of this allocation.
    status_quo : AllocationStats or None
        The same figures for seats filled in arrival order (None on the status-quo
        allocation itself).
    proof : str
        How optimality was established: ``"full"`` (the whole graph was solved),
        ``"pruned"`` (a pruned graph was solved and its optimum proved optimal for
        the whole graph), or ``"greedy"`` (the status quo; not an optimum).
    """

    track_of: NDArray[np.int64]
    total_score: float
    stats: AllocationStats
    status_quo: AllocationStats | None = None
    proof: str = "full"

    def __post_init__(self) -> None:
        # Frozen means frozen: the array cannot be changed behind the stats' back.
        self.track_of.setflags(write=False)


@dataclass(frozen=True)
class Missed:
    """A track a survivor ranks above the one they got, and why they did not get it.

    ``reason`` is one of

    - ``"excluded"``: a hard rule forbids the pair (the score is NaN);
    - ``"no_seats"``: the track has no seat available this intake;
    - ``"full"``: every seat went to other survivors, listed in ``holders`` with
      their scores for the track in ``holder_scores`` (best first);
    - ``"lower_score"``: seats remained, but the survivor's score there is lower
      than for the track they got (only for a stated wish ranked higher).
    """

    track: int
    rank: int
    score: float
    reason: str
    seats: int
    holders: tuple[int, ...] = ()
    holder_scores: tuple[float, ...] = ()

    def sentence(self, track_codes: Sequence[str], *, digits: int = 2) -> str:
        """One line such as ``"beauty-salon-srp: 2 seats, both given to ..."``."""
        code = track_codes[self.track]
        if self.reason == "excluded":
            return f"{code}: not allowed for this survivor by a hard rule"
        if self.reason == "no_seats":
            return f"{code}: no seat available this intake"
        if self.reason == "lower_score":
            score = f"{self.score:.{digits}f}"
            return f"{code}: seats remain, but the survivor scores lower there ({score})"
        listed = ", ".join(f"{s:.{digits}f}" for s in self.holder_scores)
        n = self.seats
        given = "given" if n == 1 else ("both given" if n == 2 else f"all {n} given")
        noun = "seat" if n == 1 else "seats"
        whom = "a survivor" if n == 1 else "survivors"
        if all(s > self.score for s in self.holder_scores):
            why = "who scores higher for it" if n == 1 else "who score higher for it"
            return f"{code}: {n} {noun}, {given} to {whom} {why} ({listed})"
        return (
            f"{code}: {n} {noun}, {given} to other survivors ({listed}); the cohort as "
            f"a whole seats more people or scores higher that way"
        )


@dataclass(frozen=True)
class Explanation:
    """Why a survivor got the track they got.

    ``track`` is -1 and ``score``/``rank`` are None when the survivor got no seat;
    ``missed`` lists every track ranked above the one they got (all their ranked
    tracks when they got none), best ranked first.
    """

    survivor: int
    track: int
    score: float | None
    rank: int | None
    missed: tuple[Missed, ...]

    def sentence(self, track_codes: Sequence[str], *, digits: int = 2) -> str:
        """A short paragraph for the counsellor, built from the structured data."""
        if self.track < 0:
            head = "No seat: every allowed track is full."
        else:
            where = f"{track_codes[self.track]} (score {self.score:.{digits}f}"
            where += f", wish {self.rank})" if self.rank is not None else ")"
            head = f"Given {where}."
        lines = [m.sentence(track_codes, digits=digits) for m in self.missed]
        return " ".join([head, *lines])


# --------------------------------------------------------------------------- checks


def _check_inputs(
    scores: NDArray[np.float64] | NDArray[np.int64],
    seats: NDArray[np.int64],
    arrival_order: NDArray[np.int64] | None,
    preference_ranks: NDArray[np.int64] | None,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64] | None]:
    sc = np.asarray(scores, dtype=np.float64)
    if sc.ndim != 2:
        raise AllocationInputError(f"scores must be 2-D (survivors x tracks), got {sc.ndim}-D")
    n, m = sc.shape
    if np.isinf(sc).any():
        raise AllocationInputError("scores must be finite numbers or NaN (excluded pairs)")
    st = np.asarray(seats)
    if st.shape != (m,):
        raise AllocationInputError(f"seats must have shape ({m},), got {st.shape}")
    if not np.issubdtype(st.dtype, np.integer) and (
        not np.all(np.isfinite(st)) or not np.all(st == np.round(st))
    ):
        raise AllocationInputError("seats must be whole numbers")
    st = st.astype(np.int64)
    if (st < 0).any():
        raise AllocationInputError("seats must be >= 0")
    if arrival_order is None:
        order = np.arange(n, dtype=np.int64)
    else:
        order = np.asarray(arrival_order, dtype=np.int64)
        if order.shape != (n,) or not np.array_equal(np.sort(order), np.arange(n)):
            raise AllocationInputError(
                "arrival_order must be a permutation of the survivor indices 0..N-1"
            )
    ranks = None
    if preference_ranks is not None:
        ranks = np.asarray(preference_ranks, dtype=np.int64)
        if ranks.shape != (n, m):
            raise AllocationInputError(f"preference_ranks must have shape ({n}, {m})")
    return sc, st, order, ranks


def wish_ranks(
    scores: NDArray[np.float64], preference_ranks: NDArray[np.int64] | None = None
) -> NDArray[np.int64]:
    """Each survivor's rank of each track (1 = most wanted; 0 = not ranked).

    Without ``preference_ranks`` a survivor ranks their allowed tracks by score,
    equal scores sharing a rank (1, 2, 2, 4); excluded tracks get 0. With it, the
    stated ranks are used as given (values <= 0 mean not ranked).
    """
    sc = np.asarray(scores, dtype=np.float64)
    pr = None if preference_ranks is None else np.asarray(preference_ranks, dtype=np.int64)
    return _ranks(sc, pr)


def _fast_wish_ranks(sc: NDArray[np.float64], allowed: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Vectorised competition ranks by score (same result as :func:`wish_ranks`)."""
    n, m = sc.shape
    filled = np.where(allowed, sc, -np.inf)
    order = np.argsort(-filled, axis=1, kind="stable")
    srt = np.take_along_axis(filled, order, axis=1)
    pos = np.broadcast_to(np.arange(m, dtype=np.int64), (n, m))
    # A tied run shares the position of its first member.
    new_run = np.ones((n, m), dtype=bool)
    new_run[:, 1:] = srt[:, 1:] != srt[:, :-1]
    first = np.maximum.accumulate(np.where(new_run, pos, 0), axis=1)
    ranks = np.empty((n, m), dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    return np.where(allowed, ranks, 0)


def _ranks(sc: NDArray[np.float64], pr: NDArray[np.int64] | None) -> NDArray[np.int64]:
    if pr is not None:
        return np.where(pr > 0, pr, 0)
    return _fast_wish_ranks(sc, ~np.isnan(sc))


def _assigned_ranks(
    track_of: NDArray[np.int64], sc: NDArray[np.float64], pr: NDArray[np.int64] | None
) -> NDArray[np.int64]:
    """Rank (as :func:`wish_ranks`) of the track each assigned survivor got, 0 = unranked.

    Computed for the assigned pair only (no sort of the whole matrix).
    """
    rows = np.flatnonzero(track_of >= 0)
    cols = track_of[rows]
    if pr is not None:
        r = pr[rows, cols]
        return np.where(r > 0, r, 0)
    out = np.empty(rows.shape[0], dtype=np.int64)
    block = max(1, _BLOCK // max(sc.shape[1], 1))
    for a in range(0, rows.shape[0], block):
        rr, cc = rows[a : a + block], cols[a : a + block]
        got = sc[rr, cc]
        # NaN compares False: excluded tracks never count as better.
        out[a : a + block] = 1 + (sc[rr] > got[:, None]).sum(axis=1)
    return out


def _stats(
    track_of: NDArray[np.int64], sc: NDArray[np.float64], pr: NDArray[np.int64] | None
) -> AllocationStats:
    rows = np.flatnonzero(track_of >= 0)
    r = _assigned_ranks(track_of, sc, pr)
    return AllocationStats(
        assigned=int(rows.shape[0]),
        unassigned=int(track_of.shape[0] - rows.shape[0]),
        first_choice=int((r == 1).sum()),
        top_two=int(((r >= 1) & (r <= 2)).sum()),
        total_score=float(sc[rows, track_of[rows]].sum()),
    )


# --------------------------------------------------------------------------- integer costs


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
    alone, which keeps the solver as fast as on the bare problem (the wider cost
    range costs cost scaling about 40 % more time), and ties rest on the
    deterministic solver and the canonical graph.
    """
    n, m = sc.shape
    rows = max(1, _BLOCK // max(m, 1))
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


# --------------------------------------------------------------------------- public


def status_quo(
    scores: NDArray[np.float64] | NDArray[np.int64],
    seats: NDArray[np.int64],
    arrival_order: NDArray[np.int64] | None = None,
    *,
    preference_ranks: NDArray[np.int64] | None = None,
    progress: Progress | None = None,
) -> Allocation:
    """Seats filled in arrival order, what shelters do today.

    Each survivor, in ``arrival_order`` (default: row order), takes the still-free
    allowed seat they rank best (their stated wish if ``preference_ranks`` is given,
    else their highest score; equal choices go to the lower track index).

    Parameters
    ----------
    scores : ndarray, shape (N, M)
        Score per survivor and track; NaN where a hard rule excludes the pair.
    seats : ndarray of int, shape (M,)
        Seats available per track.
    arrival_order : ndarray of int, shape (N,), optional
        Survivor indices, first to arrive first.
    preference_ranks : ndarray of int, shape (N, M), optional
        Stated wishes, 1 = most wanted, <= 0 = not ranked.
    progress : callable, optional
        Called as ``progress("status_quo", fraction)``.

    Returns
    -------
    Allocation
        With ``proof == "greedy"`` and ``status_quo`` None.
    """
    sc, st, order, pr = _check_inputs(scores, seats, arrival_order, preference_ranks)
    track_of = _greedy(sc, st, order, pr, progress)
    stats = _stats(track_of, sc, pr)
    return Allocation(track_of, stats.total_score, stats, None, "greedy")


def _best_free(
    sc: NDArray[np.float64],
    pr: NDArray[np.int64] | None,
    ids: NDArray[np.int64],
    free: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Each survivor's best allowed track with a free seat (-1 = none)."""
    by_score = np.where((free > 0)[None, :], sc[ids], np.nan)
    allowed = ~np.isnan(by_score)
    has = allowed.any(axis=1)
    best = np.argmax(np.where(allowed, by_score, -np.inf), axis=1)
    choice = np.where(has, best, -1)
    if pr is not None:
        rk = pr[ids]
        wished = (rk > 0) & allowed
        key = np.where(wished, -rk, np.iinfo(np.int64).min)
        choice = np.where(wished.any(axis=1), np.argmax(key, axis=1), choice)
    return choice.astype(np.int64)


def _greedy(
    sc: NDArray[np.float64],
    seats: NDArray[np.int64],
    order: NDArray[np.int64],
    pr: NDArray[np.int64] | None,
    progress: Progress | None,
) -> NDArray[np.int64]:
    """First come, first served, vectorised over blocks of arrivals.

    A block of arrivals chooses at once against the current free seats; choices are
    accepted in arrival order up to the first one whose track the earlier ones in
    the block have just filled, and the next block starts there. The result is
    exactly that of choosing one by one.
    """
    n, m = sc.shape
    track_of = np.full(n, -1, dtype=np.int64)
    if m == 0:
        return track_of
    free = seats.copy()
    largest = max(64, _BLOCK // m)
    size = min(1024, largest)
    p = 0
    while p < n:
        ids = order[p : p + size]
        choice = _best_free(sc, pr, ids, free)
        taken = np.flatnonzero(choice >= 0)
        c = choice[taken]
        # How many earlier arrivals in this block chose the same track.
        srt = np.argsort(c, kind="stable")
        cs = c[srt]
        first = np.ones(cs.shape[0], dtype=bool)
        first[1:] = cs[1:] != cs[:-1]
        run_start = np.maximum.accumulate(np.where(first, np.arange(cs.shape[0]), 0))
        earlier = np.empty(cs.shape[0], dtype=np.int64)
        earlier[srt] = np.arange(cs.shape[0]) - run_start
        over = earlier >= free[c]
        stop = int(taken[np.argmax(over)]) if over.any() else int(ids.shape[0])
        ok = taken[taken < stop]
        track_of[ids[ok]] = choice[ok]
        free -= np.bincount(choice[ok], minlength=m)
        p += stop
        # Grow the block while nothing collides; shrink it where tracks fill up.
        size = min(largest, 2 * size) if stop == ids.shape[0] else max(16, size // 2)
        if progress is not None:
            progress("status_quo", p / n)
    return track_of


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
    sc, st, order, pr = _check_inputs(scores, seats, arrival_order, preference_ranks)
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

    stats = _stats(track_of, sc, pr)
    sq = status_quo(sc, st, order, preference_ranks=pr, progress=progress)
    return Allocation(track_of, stats.total_score, stats, sq.stats, proof)


def explain(
    allocation: Allocation,
    scores: NDArray[np.float64] | NDArray[np.int64],
    seats: NDArray[np.int64],
    *,
    preference_ranks: NDArray[np.int64] | None = None,
    survivors: Sequence[int] | None = None,
) -> list[Explanation]:
    """Why each survivor got what they got.

    Parameters
    ----------
    allocation : Allocation
        From :func:`allocate` (or :func:`status_quo`) on the same arrays.
    scores, seats, preference_ranks
        As given to :func:`allocate`.
    survivors : sequence of int, optional
        Only explain these survivor indices (default: all, in row order).

    Returns
    -------
    list of Explanation
        For each survivor: the track got, its score and rank, and for every track
        ranked above it (every ranked track when no seat was given) the reason it
        was not given: ``excluded``, ``no_seats``, ``full`` (with the holders and
        their scores, best first) or ``lower_score``.
    """
    sc, st, _, pr = _check_inputs(scores, seats, None, preference_ranks)
    n, m = sc.shape
    track_of = np.asarray(allocation.track_of, dtype=np.int64)
    if track_of.shape != (n,):
        raise AllocationInputError(f"allocation has {track_of.shape[0]} survivors, scores {n}")
    who = np.arange(n) if survivors is None else np.asarray(survivors, dtype=np.int64)
    if who.size and (who.min() < 0 or who.max() >= n):
        raise AllocationInputError(f"survivors must be indices 0..{n - 1}")
    # Ranks of the explained rows only: a whole large cohort need not be sorted.
    ranks_of = _ranks(sc[who], None if pr is None else pr[who])
    holders_of: list[list[int]] = [[] for _ in range(m)]
    for h in np.flatnonzero(track_of >= 0):
        holders_of[int(track_of[h])].append(int(h))
    out: list[Explanation] = []
    for row, i in enumerate(who.tolist()):
        rk = ranks_of[row]
        j = int(track_of[i])
        got_rank = int(rk[j]) if j >= 0 and rk[j] > 0 else None
        ranked = np.flatnonzero(rk > 0)
        ranked = ranked[np.lexsort((ranked, rk[ranked]))]
        if j >= 0:
            limit: int = got_rank if got_rank is not None else m + 1
            above = [int(t) for t in ranked if rk[t] < limit and t != j]
        else:
            above = [int(t) for t in ranked]
        missed = []
        for t in above:
            s = float(sc[i, t])
            if np.isnan(s):
                missed.append(Missed(t, int(rk[t]), s, "excluded", int(st[t])))
            elif st[t] == 0:
                missed.append(Missed(t, int(rk[t]), s, "no_seats", 0))
            elif len(holders_of[t]) >= st[t]:
                col = sc[:, t]
                hs = sorted(holders_of[t], key=lambda h: (-float(col[h]), h))
                missed.append(
                    Missed(
                        t,
                        int(rk[t]),
                        s,
                        "full",
                        int(st[t]),
                        tuple(hs),
                        tuple(float(sc[h, t]) for h in hs),
                    )
                )
            else:
                missed.append(Missed(t, int(rk[t]), s, "lower_score", int(st[t])))
        out.append(
            Explanation(
                survivor=int(i),
                track=j,
                score=float(sc[i, j]) if j >= 0 else None,
                rank=got_rank,
                missed=tuple(missed),
            )
        )
    return out
