"""A cohort's figures and what the seats allow (issue 11), against hand counts and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from matcher.allocate import CohortArrays, cohort_figures, max_seated, seats_allow

# Three survivors, three tracks (sewing, electronics, beauty).
RANKS = np.array([[1, 2, 0], [2, 1, 0], [0, 2, 1]])
GOOD = np.array([[False, True, False], [True, True, False], [False, False, True]])
ALLOWED = np.array([[True, True, True], [True, True, False], [True, True, True]])
LIVABLE = np.array([[False, True, True], [False, True, False], [False, True, True]])
NET = np.array([[10.0, 60.0, 70.0], [10.0, 60.0, np.nan], [10.0, 60.0, 80.0]])
ARRAYS = CohortArrays(RANKS, GOOD, ALLOWED, LIVABLE, NET)


def test_figures_count_what_a_counsellor_would_count() -> None:
    # Everyone in sewing: two on a top-two wish, one of them good at it.
    sewing = cohort_figures(np.array([0, 0, 0]), ARRAYS)
    assert sewing.assigned == 3
    assert sewing.first_choice == 1
    assert sewing.top_two == 2
    assert sewing.top_two_good == 1
    assert sewing.talent_fit == 1
    assert sewing.livable == 0
    assert sewing.median_net_income_usd_month == 10.0
    # Electronics, electronics, beauty: every figure at its best; survivor 2 unseated.
    best = cohort_figures(np.array([1, 1, -1]), ARRAYS)
    assert (best.assigned, best.first_choice, best.top_two_good, best.talent_fit) == (2, 1, 2, 2)
    assert best.median_net_income_usd_month == 60.0
    assert cohort_figures(np.array([-1, -1, -1]), ARRAYS).median_net_income_usd_month is None


def test_a_pair_a_rule_excludes_is_refused() -> None:
    with pytest.raises(ValueError, match="not allowed"):
        cohort_figures(np.array([0, 2, 0]), ARRAYS)
    with pytest.raises(ValueError, match="one entry per survivor"):
        cohort_figures(np.array([0, 0]), ARRAYS)


def test_the_seats_allow_each_figure_its_own_maximum() -> None:
    # One electronics seat, one beauty seat, plenty of sewing.
    allow = seats_allow(ARRAYS, np.array([5, 1, 1]))
    assert allow.assigned == 3
    # Electronics to survivor 0, sewing to 1 (a second wish they are good at), beauty to 2.
    assert allow.top_two_good == 3
    assert allow.first_choice == 3
    assert allow.livable == 2
    assert allow.median_net_income_usd_month is None
    # Without the beauty seat, survivor 2 has no top-two wish they are good at.
    assert seats_allow(ARRAYS, np.array([5, 1, 0])).top_two_good == 2


def _brute_max(eligible: np.ndarray, seats: np.ndarray) -> int:
    n, m = eligible.shape
    best = 0
    for choice in itertools.product(range(-1, m), repeat=n):
        chosen = [(i, j) for i, j in enumerate(choice) if j >= 0]
        if all(eligible[i, j] for i, j in chosen):
            load = np.bincount([j for _, j in chosen], minlength=m)
            if (load <= seats).all():
                best = max(best, len(chosen))
    return best


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.data())
def test_max_seated_equals_brute_force(n: int, m: int, data: st.DataObject) -> None:
    eligible = data.draw(hnp.arrays(np.bool_, (n, m)))
    seats = np.array(data.draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)))
    assert max_seated(eligible, seats) == _brute_max(eligible, seats)
