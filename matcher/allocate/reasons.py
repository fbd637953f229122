"""Why each survivor got the track they got, and what stood in the way of better ones."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from matcher.allocate.inputs import check_inputs
from matcher.allocate.ranks import ranks
from matcher.allocate.types import Allocation, Explanation, Missed
from matcher.errors import AllocationInputError


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
    sc, st, _, pr = check_inputs(scores, seats, None, preference_ranks)
    n, m = sc.shape
    track_of = np.asarray(allocation.track_of, dtype=np.int64)
    if track_of.shape != (n,):
        raise AllocationInputError(f"allocation has {track_of.shape[0]} survivors, scores {n}")
    who = np.arange(n) if survivors is None else np.asarray(survivors, dtype=np.int64)
    if who.size and (who.min() < 0 or who.max() >= n):
        raise AllocationInputError(f"survivors must be indices 0..{n - 1}")
    # Ranks of the explained rows only: a whole large cohort need not be sorted.
    ranks_of = ranks(sc[who], None if pr is None else pr[who])
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
                allowed_tracks=int(np.count_nonzero(~np.isnan(sc[i]))),
            )
        )
    return out
