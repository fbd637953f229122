"""Small-cell protection of count tables, as public trafficking data is published.

The Counter Trafficking Data Collaborative publishes no count of fewer than k people
(k = 11 here, a deployment setting); a few survivors of one town or one employer
could otherwise be recognised. Three steps:

1. primary suppression: every count under ``min_cell`` is hidden;
2. complementary suppression: a table is published with its column totals, so one
   hidden cell in a column is its total minus the shown ones. Each hidden cell's
   possible values are bounded by linear programming over everything published (the
   other counts, the totals, the counts being whole and not negative, and the
   ordering of columns such as "in work at 3 months <= placed"); while a hidden cell
   has only one possible value, the smallest shown count of its column is hidden too
   (or, when none is left, the column's total). This is how statistical offices audit
   a suppression pattern (tau-Argus's "audit" step);
3. every shown count, totals included, is rounded down to a multiple of 5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

DEFAULT_MIN_CELL = 11
ROUND_TO = 5


def round_down(value: int, base: int = ROUND_TO) -> int:
    """``value`` rounded down to a multiple of ``base`` (12 -> 10)."""
    return value - value % base


@dataclass(frozen=True)
class ProtectedTable:
    """A count table ready to publish.

    ``cells[r][c]`` and ``totals[c]`` are None where hidden, else rounded down;
    ``hidden`` marks the hidden cells (``hidden_totals`` the hidden totals).
    """

    cells: list[list[int | None]]
    totals: list[int | None]
    hidden: list[list[bool]]
    hidden_totals: list[bool]


def _check(table: Sequence[Sequence[int]], min_cell: int) -> int:
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1, got {min_cell}")
    widths = {len(row) for row in table}
    if len(widths) > 1:
        raise ValueError("every row of the table must have the same number of columns")
    if any(v < 0 for row in table for v in row):
        raise ValueError("counts cannot be negative")
    return widths.pop() if widths else 0


def feasible_range(
    table: np.ndarray,
    hidden: np.ndarray,
    hidden_totals: np.ndarray,
    ordered: Sequence[tuple[int, int]],
    cell: tuple[int | None, int],
) -> tuple[float, float]:
    """The least and greatest value a hidden cell (or total) can take, given the rest.

    ``cell`` is ``(row, column)``, or ``(None, column)`` for a column's total.
    ``ordered`` lists ``(a, b)``: in every row, column ``a`` is at most column ``b``.
    """
    rows, cols = table.shape
    totals = table.sum(axis=0)
    index: dict[tuple[int | None, int], int] = {}
    for r, c in zip(*np.nonzero(hidden), strict=True):
        index[(int(r), int(c))] = len(index)
    for c in np.nonzero(hidden_totals)[0]:
        index[(None, int(c))] = len(index)
    n = len(index)
    a_eq, b_eq = [], []
    for c in range(cols):
        row = np.zeros(n)
        rhs = 0.0 if hidden_totals[c] else float(totals[c])
        if hidden_totals[c]:
            row[index[(None, c)]] = -1.0
        for r in range(rows):
            if hidden[r, c]:
                row[index[(r, c)]] = 1.0
            else:
                rhs -= float(table[r, c])
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    a_ub, b_ub = [], []
    for r in range(rows):
        for low, high in ordered:
            row = np.zeros(n)
            rhs = 0.0
            for c, sign in ((low, 1.0), (high, -1.0)):
                if hidden[r, c]:
                    row[index[(r, c)]] = sign
                else:
                    rhs -= sign * float(table[r, c])
            if row.any():
                a_ub.append(row)
                b_ub.append(rhs)
    target = index[cell]
    bounds = []
    for c_low in (1.0, -1.0):
        objective = np.zeros(n)
        objective[target] = c_low
        result = linprog(
            objective,
            A_ub=np.array(a_ub) if a_ub else None,
            b_ub=np.array(b_ub) if b_ub else None,
            A_eq=np.array(a_eq) if a_eq else None,
            b_eq=np.array(b_eq) if b_eq else None,
            bounds=[(0, None)] * n,
            method="highs",
        )
        if result.status == 3:  # unbounded: nothing caps this cell from above
            bounds.append(float("inf"))
        elif result.status != 0:
            raise RuntimeError(f"the suppression audit failed: {result.message}")
        else:
            bounds.append(float(result.x[target]))
    return bounds[0], bounds[1]


def _exposed(
    table: np.ndarray,
    hidden: np.ndarray,
    hidden_totals: np.ndarray,
    ordered: Sequence[tuple[int, int]],
) -> tuple[int | None, int] | None:
    """A hidden cell (or total) whose value the published figures pin down, if any.

    A whole count is pinned when its possible range holds fewer than two whole numbers.
    """
    cells: list[tuple[int | None, int]] = [
        (int(r), int(c)) for r, c in zip(*np.nonzero(hidden), strict=True)
    ]
    cells += [(None, int(c)) for c in np.nonzero(hidden_totals)[0]]
    for cell in cells:
        low, high = feasible_range(table, hidden, hidden_totals, ordered, cell)
        if np.floor(high + 1e-6) - np.ceil(low - 1e-6) < 1:
            return cell
    return None


def _hide_another(
    values: np.ndarray, hidden: np.ndarray, hidden_totals: np.ndarray, column: int
) -> bool:
    """Hide the smallest shown count of ``column`` (or its total); False if none is left."""
    shown = [r for r in range(values.shape[0]) if not hidden[r, column]]
    if shown:
        hidden[min(shown, key=lambda r: (values[r, column], r)), column] = True
        return True
    if not hidden_totals[column]:
        hidden_totals[column] = True
        return True
    return False


def protect(
    table: Sequence[Sequence[int]],
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    base: int = ROUND_TO,
    ordered: Sequence[tuple[int, int]] = (),
) -> ProtectedTable:
    """Hide small counts, and enough others that no hidden count can be worked out.

    Parameters
    ----------
    table
        Counts of people, one row per group, one column per measure; the published
        table also carries each column's total.
    min_cell
        The least count that may be shown (11 by default).
    base
        Shown counts are rounded down to a multiple of this.
    ordered
        ``(a, b)`` pairs of columns where, in every row, column ``a`` is at most
        column ``b`` (someone in work at 3 months was placed): a reader knows it too.

    Returns
    -------
    ProtectedTable

    Raises
    ------
    ValueError
        For negative counts, ragged rows or a ``min_cell`` under 1.
    """
    cols = _check(table, min_cell)
    values = np.array([list(row) for row in table], dtype=np.int64).reshape(len(table), cols)
    totals = values.sum(axis=0)
    hidden = values < min_cell
    hidden_totals = totals < min_cell
    # The cheap rule first: a column with a shown total never hides just one cell.
    for column in range(cols):
        if not hidden_totals[column] and hidden[:, column].sum() == 1:
            _hide_another(values, hidden, hidden_totals, column)
    while (cell := _exposed(values, hidden, hidden_totals, ordered)) is not None:
        if not _hide_another(values, hidden, hidden_totals, cell[1]):
            raise RuntimeError(f"cannot protect the hidden count at {cell}")
    return ProtectedTable(
        cells=[
            [None if hidden[r, c] else round_down(int(values[r, c]), base) for c in range(cols)]
            for r in range(values.shape[0])
        ],
        totals=[
            None if hidden_totals[c] else round_down(int(totals[c]), base) for c in range(cols)
        ],
        hidden=[[bool(h) for h in row] for row in hidden],
        hidden_totals=[bool(h) for h in hidden_totals],
    )
