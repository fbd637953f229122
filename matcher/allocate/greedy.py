"""The status quo: seats filled in arrival order, each survivor taking their best free seat."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matcher.allocate.inputs import check_inputs
from matcher.allocate.ranks import allocation_stats
from matcher.allocate.types import BLOCK, Allocation, Progress


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
    sc, st, order, pr = check_inputs(scores, seats, arrival_order, preference_ranks)
    track_of = _greedy(sc, st, order, pr, progress)
    stats = allocation_stats(track_of, sc, pr)
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
    largest = max(64, BLOCK // m)
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
