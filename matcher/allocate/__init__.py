"""Cohort allocation of scarce training seats (issue 6).

A shelter allocates a whole cohort at once: each survivor gets at most one track, no
track more survivors than its free seats, as many survivors as possible get a seat,
and among those allocations the total score is the largest possible, solved exactly
as a min-cost maximum flow (:mod:`matcher.allocate.solve`).

Public API
----------
``allocate(scores, seats, *, arrival_order=None, preference_ranks=None, progress=None,
prune=True)``
    The optimal :class:`Allocation`, with its statistics and those of the status quo.
``status_quo(scores, seats, arrival_order=None, preference_ranks=None)``
    Seats filled in arrival order, each survivor taking their best free seat.
``explain(allocation, scores, seats, preference_ranks=None)``
    One :class:`Explanation` per survivor (structured data).
``Wording(track_codes, ...)``
    The counsellor's sentences of an :class:`Explanation` (the one place they are
    worded; more to name with the cohort's aptitudes, wishes and exclusion reasons).
``cohort_figures(track_of, arrays)``, ``seats_allow(arrays, seats)``
    A cohort's figures (:class:`CohortFigures`): wishes, talent, livable, median net
    income; and the most the seats allow for each (maximum b-matchings).
``AllocationInputError``
    Bad arrays (shape, infinities, negative seats, bad arrival order).

Indices are positions in the ``scores`` rows (survivors) and columns (tracks); the
caller maps them to survivor ids and track codes, e.g.::

    result = allocate(scores, seats, arrival_order=order, preference_ranks=wishes)
    words = Wording(track_codes)
    for e in explain(result, scores, seats, preference_ranks=wishes):
        code = track_codes[e.track] if e.track >= 0 else None
        text = words.explanation(e)
"""

from matcher.allocate.figures import (
    GOOD_APTITUDE,
    CohortArrays,
    CohortFigures,
    cohort_figures,
    max_seated,
    seats_allow,
)
from matcher.allocate.greedy import status_quo
from matcher.allocate.ranks import wish_ranks
from matcher.allocate.reasons import explain
from matcher.allocate.solve import SCORE_SCALE, allocate
from matcher.allocate.types import Allocation, AllocationStats, Explanation, Missed, Progress
from matcher.allocate.words import Wording
from matcher.errors import AllocationInputError

__all__ = [
    "GOOD_APTITUDE",
    "SCORE_SCALE",
    "Allocation",
    "AllocationInputError",
    "AllocationStats",
    "CohortArrays",
    "CohortFigures",
    "Explanation",
    "Missed",
    "Progress",
    "Wording",
    "allocate",
    "cohort_figures",
    "explain",
    "max_seated",
    "seats_allow",
    "status_quo",
    "wish_ranks",
]
