"""Can a cohort's goals hold together? The exact answer, as an integer program.

Issue 11 asks three things of one allocation at once: many survivors on a first or
second wish they are good at, more survivors on a track they are good at than arrival
order gives, and a higher median net income. The benchmark's weights can only move
between them; this module says, for one cohort, what the best allocation could do.

The program (OR-tools CP-SAT) has one yes/no variable per (survivor, track) pair that
no hard rule excludes, with the allocation's own constraints: at most one track per
survivor, no track over its seats, and as many survivors seated as the seats allow
(the service's first objective). On top, at least ``top_two_good`` survivors seated on
a first or second wish they are good at and at least ``talent_fit`` on a track they are
good at. It maximises the median net income of the seated survivors (each survivor's
net is that of the best pathway through their track, as in the cohort figures).

The median is linear through two thresholds. With ``S`` seated and their nets sorted
from the highest, the median is ``(w[ka] + w[kb]) / 2`` with ``ka = kb = (S + 1) / 2``
for odd ``S`` and ``ka = S / 2 + 1``, ``kb = S / 2`` for even ``S`` (numpy's median).
``w[k]`` is the largest ``m`` such that at least ``k`` seated survivors have a net of at
least ``m``, and ``m`` need only be one of the nets (a few dozen distinct values): so
each threshold is a staircase over those values, each step allowed only when at least
``k`` chosen pairs pay that much, and the program maximises the sum of the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model

from matcher.allocate import CohortArrays, CohortFigures, cohort_figures, max_seated

#: CP-SAT's workers: a portfolio of 8 proves these programs in a second where 2 do not
#: in a minute (threads that share 2 cores do no harm for so short a solve).
WORKERS = 8
#: Seconds one program may take before its best answer so far is reported as a bound.
TIME_LIMIT = 60.0


@dataclass(frozen=True)
class Best:
    """The best allocation the program found, with its figures.

    ``proved`` is False when the time limit stopped the search first: the median is
    then what was reached, and the best possible may be higher.
    """

    track_of: NDArray[np.int64]
    figures: CohortFigures
    proved: bool

    @property
    def median(self) -> float:
        """The allocation's median net income (US$ a month)."""
        assert self.figures.median_net_income_usd_month is not None
        return self.figures.median_net_income_usd_month


def top_two_good_mask(a: CohortArrays) -> NDArray[np.bool_]:
    """Pairs on a first or second wish the survivor is good at (the figures' own rule)."""
    return (a.ranks >= 1) & (a.ranks <= 2) & a.good & a.allowed


def at_least(value: float) -> int:
    """The smallest count that is at least ``value`` (float noise aside)."""
    return max(0, math.ceil(value - 1e-9))


def max_median_net(
    a: CohortArrays,
    seats: NDArray[np.int64],
    *,
    top_two_good: int = 0,
    talent_fit: int = 0,
    livable: int = 0,
    time_limit: float = TIME_LIMIT,
) -> Best | None:
    """The allocation with the highest median net income under the counts given.

    Returns None when no allocation that seats as many survivors as possible has at
    least ``top_two_good`` survivors on a first or second wish they are good at,
    ``talent_fit`` on a track they are good at and ``livable`` on a track whose best
    pathway pays the living wage (or when nobody can be seated).

    Raises
    ------
    RuntimeError
        The solver found neither an answer nor a proof that none exists in time, or
        its allocation does not have the figures the program asked for (a bug here).
    """
    program = _Program(a, seats, top_two_good, talent_fit, livable)
    if program.seated == 0:
        return None
    model, x, rows, cols = program.model, program.x, program.rows, program.cols
    seated = program.seated
    cents = np.rint(a.net[rows, cols] * 100).astype(np.int64)
    ka, kb = (seated // 2 + 1, seated // 2) if seated % 2 == 0 else ((seated + 1) // 2,) * 2
    thresholds = [_kth_net(model, x, cents, k, name) for k, name in ((ka, "a"), (kb, "b"))]
    model.maximize(sum(thresholds))
    solver, status = program.solve(time_limit)
    if status == cp_model.INFEASIBLE:
        return None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT gave neither an allocation nor a proof: {status}")
    track_of = np.full(a.ranks.shape[0], -1, dtype=np.int64)
    chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
    track_of[rows[chosen]] = cols[chosen]
    best = Best(track_of, cohort_figures(track_of, a), status == cp_model.OPTIMAL)
    doubled = int(sum(solver.value(t) for t in thresholds))
    _check(best, seated, (top_two_good, talent_fit, livable), doubled)
    return best


def max_count(
    a: CohortArrays,
    seats: NDArray[np.int64],
    mask: NDArray[np.bool_],
    *,
    top_two_good: int = 0,
    talent_fit: int = 0,
    livable: int = 0,
    time_limit: float = TIME_LIMIT,
) -> int | None:
    """The most survivors an allocation can seat on ``mask``'s pairs, with as many seated
    as the seats allow and at least the counts given (None: those cannot hold together).

    Raises
    ------
    RuntimeError
        The solver found neither an answer nor a proof in time.
    """
    program = _Program(a, seats, top_two_good, talent_fit, livable)
    if program.seated == 0:
        return 0
    on = np.flatnonzero(mask[program.rows, program.cols])
    program.model.maximize(sum(program.x[k] for k in on))
    solver, status = program.solve(time_limit)
    if status == cp_model.INFEASIBLE:
        return None
    if status != cp_model.OPTIMAL:
        raise RuntimeError(f"CP-SAT gave no proved maximum: {status}")
    return round(solver.objective_value)


def max_score(
    a: CohortArrays,
    seats: NDArray[np.int64],
    scores: NDArray[np.float64],
    *,
    top_two_good: int = 0,
    talent_fit: int = 0,
    livable: int = 0,
    time_limit: float = TIME_LIMIT,
) -> NDArray[np.int64] | None:
    """The allocation with the highest total score (to a millionth) that seats as many as
    the seats allow with at least the counts given: each survivor's track (-1: none), or
    None when those counts cannot hold together.

    Raises
    ------
    RuntimeError
        The solver found neither an answer nor a proof in time.
    """
    program = _Program(a, seats, top_two_good, talent_fit, livable)
    rows, cols = program.rows, program.cols
    micro = np.rint(np.nan_to_num(scores[rows, cols]) * 1e6).astype(np.int64)
    program.model.maximize(sum(int(m) * v for m, v in zip(micro, program.x, strict=True)))
    solver, status = program.solve(time_limit)
    if status == cp_model.INFEASIBLE:
        return None
    if status != cp_model.OPTIMAL:
        raise RuntimeError(f"CP-SAT gave no proved maximum: {status}")
    track_of = np.full(a.ranks.shape[0], -1, dtype=np.int64)
    chosen = np.array([solver.boolean_value(v) for v in program.x], dtype=bool)
    track_of[rows[chosen]] = cols[chosen]
    return track_of


class _Program:
    """The allocation's own constraints (one track each, the seats, as many seated as
    the seats allow) and the counts asked for, as a CP-SAT model to add an objective to."""

    def __init__(
        self,
        a: CohortArrays,
        seats: NDArray[np.int64],
        top_two_good: int,
        talent_fit: int,
        livable: int,
    ) -> None:
        seats = np.asarray(seats, dtype=np.int64)
        pairs = a.allowed & (seats > 0)[None, :]
        self.seated = max_seated(pairs, seats)
        self.rows, self.cols = np.nonzero(pairs)
        rows, cols = self.rows, self.cols
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{k}") for k in range(rows.size)]
        for i in np.unique(rows):
            self.model.add_at_most_one(self.x[k] for k in np.flatnonzero(rows == i))
        for j in np.unique(cols):
            self.model.add(sum(self.x[k] for k in np.flatnonzero(cols == j)) <= int(seats[j]))
        self.model.add(sum(self.x) == self.seated)
        _count_at_least(self.model, self.x, top_two_good_mask(a)[rows, cols], top_two_good)
        _count_at_least(self.model, self.x, (a.good & a.allowed)[rows, cols], talent_fit)
        _count_at_least(self.model, self.x, (a.livable & a.allowed)[rows, cols], livable)

    def solve(self, time_limit: float) -> tuple[cp_model.CpSolver, int]:
        """The solver after its search, and its status (the objective set beforehand)."""
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = WORKERS
        solver.parameters.max_time_in_seconds = time_limit
        return solver, solver.solve(self.model)


def _count_at_least(
    model: cp_model.CpModel, x: list[cp_model.IntVar], mask: NDArray[np.bool_], count: int
) -> None:
    if count > 0:
        model.add(sum(x[k] for k in np.flatnonzero(mask)) >= count)


def _kth_net(
    model: cp_model.CpModel,
    x: list[cp_model.IntVar],
    cents: NDArray[np.int64],
    k: int,
    name: str,
) -> cp_model.LinearExprT:
    """A threshold that at least ``k`` chosen pairs reach: at most the k-th highest net.

    Nets take few distinct values, so the threshold climbs them as a staircase:
    ``up[l]`` (only after ``up[l - 1]``) lifts it to the ``l``-th value, allowed only
    when at least ``k`` chosen pairs pay that much. A count per step is a tight
    linear constraint (an indicator per pair left the solver without proofs).
    """
    levels = np.unique(cents)
    up = [model.new_bool_var(f"up{name}{lv}") for lv in range(1, levels.size)]
    for lv, step in enumerate(up, start=1):
        if lv > 1:
            model.add_implication(step, up[lv - 2])
        paid = [x[i] for i in np.flatnonzero(cents >= levels[lv])]
        model.add(sum(paid) >= k * step)
    gaps = np.diff(levels)
    return int(levels[0]) + sum(int(g) * step for g, step in zip(gaps, up, strict=True))


def _check(best: Best, seated: int, counts: tuple[int, int, int], doubled: int) -> None:
    """The allocation read back through the cohort figures must be what was asked."""
    f = best.figures
    top_two_good, talent_fit, livable = counts
    ok = (
        f.assigned == seated
        and f.top_two_good >= top_two_good
        and f.talent_fit >= talent_fit
        and f.livable >= livable
        and abs(doubled / 200 - best.median) < 0.006
    )
    if not ok:
        raise RuntimeError(f"the program's allocation has other figures: {f}, {doubled / 200}")
