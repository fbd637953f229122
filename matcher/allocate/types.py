"""What an allocation returns: the allocation, its figures and why each survivor got it
(as data; :mod:`matcher.allocate.words` words it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: ``progress(stage, fraction)``, called as each stage advances.
Progress = Callable[[str, float], None]

#: Matrix cells (or arcs) handled per block, to bound temporary memory.
BLOCK = 1 << 21


@dataclass(frozen=True)
class AllocationStats:
    """Figures a counsellor compares between the optimum and the status quo.

    ``first_choice`` and ``top_two`` count assigned survivors whose track is their
    most wanted (rank 1) or one of their two most wanted (rank <= 2), by the ranks of
    :func:`matcher.allocate.wish_ranks`.
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


@dataclass(frozen=True)
class Explanation:
    """Why a survivor got the track they got.

    ``track`` is -1 and ``score``/``rank`` are None when the survivor got no seat;
    ``missed`` lists every track ranked above the one they got (all their ranked
    tracks when they got none), best ranked first. :class:`matcher.allocate.Wording`
    words it for a counsellor.
    """

    survivor: int
    track: int
    score: float | None
    rank: int | None
    missed: tuple[Missed, ...]
    allowed_tracks: int  # tracks no hard rule keeps the survivor from
