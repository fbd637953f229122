"""Each survivor's rank of each track, and the figures of an allocation they give."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matcher.allocate.types import BLOCK, AllocationStats


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
    return ranks(sc, pr)


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
    out = np.empty((n, m), dtype=np.int64)
    np.put_along_axis(out, order, first + 1, axis=1)
    return np.where(allowed, out, 0)


def ranks(sc: NDArray[np.float64], pr: NDArray[np.int64] | None) -> NDArray[np.int64]:
    """:func:`wish_ranks` of arrays already checked (float scores, int ranks)."""
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
    block = max(1, BLOCK // max(sc.shape[1], 1))
    for a in range(0, rows.shape[0], block):
        rr, cc = rows[a : a + block], cols[a : a + block]
        got = sc[rr, cc]
        # NaN compares False: excluded tracks never count as better.
        out[a : a + block] = 1 + (sc[rr] > got[:, None]).sum(axis=1)
    return out


def allocation_stats(
    track_of: NDArray[np.int64], sc: NDArray[np.float64], pr: NDArray[np.int64] | None
) -> AllocationStats:
    """The figures of the allocation ``track_of`` (-1 = no seat), ranks as :func:`ranks`."""
    rows = np.flatnonzero(track_of >= 0)
    r = _assigned_ranks(track_of, sc, pr)
    return AllocationStats(
        assigned=int(rows.shape[0]),
        unassigned=int(track_of.shape[0] - rows.shape[0]),
        first_choice=int((r == 1).sum()),
        top_two=int(((r >= 1) & (r <= 2)).sum()),
        total_score=float(sc[rows, track_of[rows]].sum()),
    )
