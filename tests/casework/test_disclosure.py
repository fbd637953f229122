"""Small-cell protection: no shown count under the threshold, every shown count a
multiple of 5, and no hidden count that the published figures pin down."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from casework import protect, round_down

ORDERED = [(1, 0), (2, 0)]  # in work at 3 and at 6 months <= placed


def ordered(cols: int) -> list[tuple[int, int]]:
    """Every later column at most the first, as in the outcome report (placed first)."""
    return [(c, 0) for c in range(1, cols)]


@st.composite
def tables(draw: st.DrawFn, cols: int = 3) -> list[list[int]]:
    rows = draw(st.integers(1, 6))
    table = []
    for _ in range(rows):
        placed = draw(st.integers(0, 60))
        table.append([placed, *(draw(st.integers(0, placed)) for _ in range(cols - 1))])
    return table


def another_whole_table_fits(
    table: list[list[int]],
    hidden: list[list[bool]],
    hidden_totals: list[bool],
    cell,
    order: list[tuple[int, int]] = ORDERED,
) -> bool:
    """Is there a table of whole, non-negative counts that agrees with everything
    published (exact shown counts and totals, the column order) and differs at ``cell``?

    Written apart from the code under test: an integer program per direction.
    """
    rows, cols = len(table), len(table[0])
    names = [(r, c) for r in range(rows) for c in range(cols) if hidden[r][c]]
    names += [(None, c) for c in range(cols) if hidden_totals[c]]
    n = len(names)
    at = {name: i for i, name in enumerate(names)}
    true = {(r, c): table[r][c] for r in range(rows) for c in range(cols)}
    totals = [sum(row[c] for row in table) for c in range(cols)]
    for c in range(cols):
        true[(None, c)] = totals[c]
    matrix, low, high = [], [], []
    for c in range(cols):
        line, rhs = np.zeros(n), 0.0
        for r in range(rows):
            if (r, c) in at:
                line[at[(r, c)]] += 1
            else:
                rhs -= table[r][c]
        if (None, c) in at:
            line[at[(None, c)]] -= 1
        else:
            rhs += totals[c]
        matrix.append(line)
        low.append(rhs)
        high.append(rhs)
    for r in range(rows):
        for a, b in order:
            line, rhs = np.zeros(n), 0.0
            for c, sign in ((a, 1), (b, -1)):
                if (r, c) in at:
                    line[at[(r, c)]] += sign
                else:
                    rhs -= sign * table[r][c]
            matrix.append(line)
            low.append(-np.inf)
            high.append(rhs)
    value = true[cell]
    for lower, upper in ((0, value - 1), (value + 1, np.inf)):
        if upper < lower:
            continue
        lo, hi = np.zeros(n), np.full(n, np.inf)
        lo[at[cell]], hi[at[cell]] = lower, upper
        result = milp(
            np.zeros(n),
            constraints=LinearConstraint(np.array(matrix), low, high),
            integrality=np.ones(n),
            bounds=Bounds(lo, hi),
        )
        if result.status == 0:
            return True
    return False


def check_protected(table: list[list[int]], min_cell: int, order: list[tuple[int, int]]) -> None:
    shown = protect(table, min_cell=min_cell, ordered=order)
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if shown.hidden[r][c]:
                assert shown.cells[r][c] is None
                assert another_whole_table_fits(
                    table, shown.hidden, shown.hidden_totals, (r, c), order
                ), f"cell {(r, c)} is the only value the published figures allow"
            else:
                assert value >= min_cell
                assert shown.cells[r][c] == round_down(value)
    for c, total in enumerate(shown.totals):
        true = sum(row[c] for row in table)
        if shown.hidden_totals[c]:
            assert total is None
            assert another_whole_table_fits(
                table, shown.hidden, shown.hidden_totals, (None, c), order
            )
        else:
            assert true >= min_cell and total == round_down(true)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(2, 15))
def test_no_hidden_count_can_be_worked_out_from_the_totals(table, min_cell) -> None:
    check_protected(table, min_cell, ORDERED)


# Each example audits the suppression by linear programs and checks it by integer
# programs: 25 examples of the wider table cost about as much as the 150 above.
@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(cols=5), st.integers(2, 15))
def test_the_outcome_reports_shape_leaks_no_hidden_count(table, min_cell) -> None:
    """Five columns (placed, followed up at 12 months, in work at 3, 6 and 12 months),
    each of the last four at most the first, as ``GET /reports/outcomes`` publishes."""
    check_protected(table, min_cell, ordered(5))


def test_a_column_never_hides_a_single_cell_under_a_shown_total() -> None:
    table = [[40, 20], [25, 15], [3, 2]]
    shown = protect(table, ordered=[(1, 0)])
    assert shown.cells[2] == [None, None]
    assert shown.cells[1] == [None, None]  # the next smallest goes too
    assert shown.cells[0] == [40, 20]
    assert shown.totals == [65, 35]


def test_shown_counts_are_rounded_down_to_a_multiple_of_five() -> None:
    shown = protect([[14, 11], [19, 12]])
    assert shown.cells == [[10, 10], [15, 10]]
    assert shown.totals == [30, 20]


def test_a_table_of_small_groups_shows_nothing_but_large_totals() -> None:
    shown = protect([[4, 1], [6, 2], [5, 0]])
    assert all(v is None for row in shown.cells for v in row)
    assert shown.totals == [15, None]


@pytest.mark.parametrize("bad", [[[1, -1]], [[1, 2], [3]]])
def test_bad_tables_are_refused(bad) -> None:
    with pytest.raises(ValueError):
        protect(bad)
