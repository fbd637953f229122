"""A cohort's figures: how an allocation does on wishes, talent and income, and what
the seats allow at best (issue 11).

Pure arithmetic over (survivor, track) arrays the caller builds from the engine's
track scores: the stated wish ranks, whether the survivor is good at the track's skill
family, and the net income and livability of the best pathway through the track.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.allocate.flow import build_and_solve
from matcher.weights import GOOD_APTITUDE

__all__ = [
    "GOOD_APTITUDE",
    "CohortArrays",
    "CohortFigures",
    "cohort_figures",
    "max_seated",
    "seats_allow",
]


@dataclass(frozen=True)
class CohortFigures:
    """Counts of survivors (and one median) for one allocation of a cohort.

    ``first_choice``/``top_two``: seated on their first, or first or second, stated
    wish; ``top_two_good``: on a first or second wish they are good at (aptitude >=
    ``GOOD_APTITUDE``); ``talent_fit``: on any track they are good at; ``livable``: on
    a track whose best pathway meets the living wage; ``median_net_income_usd_month``:
    the median net income of the best pathway through the seated survivors' tracks
    (None when nobody is seated, and for what the seats allow, which is a maximum per
    figure, not one allocation).
    """

    survivors: int
    assigned: int
    first_choice: int
    top_two: int
    top_two_good: int
    talent_fit: int
    livable: int
    median_net_income_usd_month: float | None


@dataclass(frozen=True)
class CohortArrays:
    """The (N, M) facts the figures read, survivor rows by track columns.

    ``ranks``: stated wish rank (1 = first, 0 = not a wish); ``good``: good at the
    track's skill family; ``allowed``: no hard rule excludes the pair; ``livable`` and
    ``net``: of the best pathway through the track (``net`` NaN where not allowed).
    """

    ranks: NDArray[np.int64]
    good: NDArray[np.bool_]
    allowed: NDArray[np.bool_]
    livable: NDArray[np.bool_]
    net: NDArray[np.float64]

    def __post_init__(self) -> None:
        shape = self.ranks.shape
        for name in ("good", "allowed", "livable", "net"):
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} must have the shape of ranks, {shape}")


def _criteria(a: CohortArrays) -> dict[str, NDArray[np.bool_]]:
    top_two = (a.ranks >= 1) & (a.ranks <= 2) & a.allowed
    return {
        "assigned": a.allowed,
        "first_choice": (a.ranks == 1) & a.allowed,
        "top_two": top_two,
        "top_two_good": top_two & a.good,
        "talent_fit": a.good & a.allowed,
        "livable": a.livable & a.allowed,
    }


def cohort_figures(track_of: NDArray[np.int64], a: CohortArrays) -> CohortFigures:
    """The figures of the allocation ``track_of`` (track index per survivor, -1 = none).

    Raises
    ------
    ValueError
        ``track_of`` does not have one entry per survivor, or seats a survivor on a
        pair that is not allowed.
    """
    n = a.ranks.shape[0]
    track_of = np.asarray(track_of, dtype=np.int64)
    if track_of.shape != (n,):
        raise ValueError(f"track_of must have one entry per survivor ({n})")
    rows = np.flatnonzero(track_of >= 0)
    cols = track_of[rows]
    if not a.allowed[rows, cols].all():
        raise ValueError("track_of seats a survivor on a pair that is not allowed")
    counts = {name: int(mask[rows, cols].sum()) for name, mask in _criteria(a).items()}
    net = a.net[rows, cols]
    median = round(float(np.median(net)), 2) if net.size else None
    return CohortFigures(survivors=n, median_net_income_usd_month=median, **counts)


def max_seated(eligible: NDArray[np.bool_], seats: NDArray[np.int64]) -> int:
    """The most survivors seated on eligible pairs at once within the seats.

    A maximum b-matching (each survivor at most one track, track ``j`` at most
    ``seats[j]`` survivors), solved as a maximum flow.
    """
    n, m = eligible.shape
    if n == 0 or m == 0 or not eligible.any():
        return 0
    costs = np.zeros((n, m), dtype=np.int64)
    track_of = build_and_solve(eligible, costs, np.asarray(seats, np.int64), np.arange(n))
    return int((track_of >= 0).sum())


def seats_allow(a: CohortArrays, seats: NDArray[np.int64]) -> CohortFigures:
    """What the seats allow: each figure's own maximum over every feasible allocation.

    ``top_two_good`` is the largest number of survivors seated at once on a first or
    second wish they are good at; each other count is its own maximum, so together
    they bound any one allocation, which may not reach all of them at once.
    """
    seats = np.asarray(seats, dtype=np.int64)
    if seats.shape != (a.ranks.shape[1],):
        raise ValueError(f"seats must have one entry per track ({a.ranks.shape[1]})")
    counts = {name: max_seated(mask, seats) for name, mask in _criteria(a).items()}
    return CohortFigures(survivors=a.ranks.shape[0], median_net_income_usd_month=None, **counts)
