"""Cohort allocation: exact optimum, capacities, hard rules, reproducibility, the study."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from matcher.allocate import (
    AllocationInputError,
    Wording,
    allocate,
    explain,
    status_quo,
    wish_ranks,
)
from matcher.allocate.flow import build_and_solve, check_optimality

# --------------------------------------------------------------------------- helpers


def brute_force(scores: np.ndarray, seats: np.ndarray) -> tuple[int, float]:
    """Most survivors seated, then the best total, by trying every assignment."""
    n, m = scores.shape
    best = (0, 0.0)
    for choice in itertools.product(range(-1, m), repeat=n):
        load = np.zeros(m, dtype=int)
        total = 0.0
        seated = 0
        ok = True
        for i, j in enumerate(choice):
            if j < 0:
                continue
            if np.isnan(scores[i, j]):
                ok = False
                break
            load[j] += 1
            total += scores[i, j]
            seated += 1
        if ok and (load <= seats).all() and (seated, total) > (best[0], best[1] + 1e-9):
            best = (seated, total)
    return best


def assert_within_limits(scores: np.ndarray, seats: np.ndarray, track_of: np.ndarray) -> None:
    n, m = scores.shape
    assert track_of.shape == (n,)  # one entry per survivor: never two tracks
    assert ((track_of >= -1) & (track_of < m)).all()
    got = track_of >= 0
    assert not np.isnan(scores[got, track_of[got]]).any(), "an excluded pair was assigned"
    load = np.bincount(track_of[got], minlength=m)
    assert (load <= seats).all(), "a track got more survivors than seats"


def assert_feasible(scores: np.ndarray, seats: np.ndarray, track_of: np.ndarray) -> None:
    assert_within_limits(scores, seats, track_of)
    got = track_of >= 0
    load = np.bincount(track_of[got], minlength=scores.shape[1])
    # Left without a seat only when none of their allowed tracks has a seat left.
    for i in np.flatnonzero(~got):
        open_allowed = ~np.isnan(scores[i]) & (load < seats)
        assert not open_allowed.any(), f"survivor {i} unassigned next to a free allowed seat"


@st.composite
def cohorts(draw: st.DrawFn, integer: bool = False) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 4))
    # Integer scores take few values, so ties are common.
    values = st.integers(0, 3).map(float) if integer else st.integers(0, 100).map(lambda v: v / 100)
    scores = draw(hnp.arrays(np.float64, (n, m), elements=values))
    excluded = draw(hnp.arrays(np.bool_, (n, m), elements=st.booleans()))
    scores[excluded & draw(hnp.arrays(np.bool_, (n, m), elements=st.booleans()))] = np.nan
    seats = draw(hnp.arrays(np.int64, (m,), elements=st.integers(0, 3)))
    return scores, seats


# --------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(cohorts())
def test_total_equals_brute_force_optimum_and_respects_every_limit(cohort):
    scores, seats = cohort
    result = allocate(scores, seats)
    seated, best = brute_force(scores, seats)
    assert_feasible(scores, seats, result.track_of)
    assert result.stats.assigned == seated
    assert result.total_score == pytest.approx(best, abs=1e-9)
    got = result.track_of >= 0
    assert result.total_score == pytest.approx(scores[got, result.track_of[got]].sum())


@settings(max_examples=300, deadline=None)
@given(cohorts(integer=True), st.integers(1, 3))
def test_pruned_graph_gives_the_same_optimum_as_brute_force(cohort, k):
    scores, seats = cohort
    result = allocate(scores, seats, prune=k)
    seated, best = brute_force(scores, seats)
    assert_feasible(scores, seats, result.track_of)
    assert (result.stats.assigned, result.total_score) == (seated, pytest.approx(best))
    assert result.proof in {"pruned", "full"}


@settings(max_examples=400, deadline=None)
@given(cohorts(integer=True), st.data())
def test_optimality_proof_never_accepts_a_pruned_solution_that_is_not_optimal(cohort, data):
    scores, seats = cohort
    n, m = scores.shape
    allowed = ~np.isnan(scores) & (seats > 0)[None, :]
    costs = np.where(allowed, -np.nan_to_num(scores), 0).astype(np.int64)
    offered = allowed & data.draw(hnp.arrays(np.bool_, (n, m), elements=st.booleans()))
    found = build_and_solve(offered, costs, seats, np.arange(n))
    assert_within_limits(scores, seats, found)
    verdict = check_optimality(found, offered, costs, allowed, seats)
    if verdict.optimal:
        got = found >= 0
        seated, best = brute_force(scores, seats)
        assert (int(got.sum()), scores[got, found[got]].sum()) == (seated, pytest.approx(best))
    # Offered every allowed pair, the solver's optimum always passes the proof.
    whole = build_and_solve(allowed, costs, seats, np.arange(n))
    assert check_optimality(whole, allowed, costs, allowed, seats).optimal


@settings(max_examples=200, deadline=None)
@given(cohorts(integer=True), st.randoms(use_true_random=False))
def test_same_cohort_gives_the_same_allocation_even_with_rows_shuffled(cohort, rnd):
    scores, seats = cohort
    n = scores.shape[0]
    arrival = np.array(rnd.sample(range(n), n))
    first = allocate(scores, seats, arrival_order=arrival)
    again = allocate(scores.copy(), seats.copy(), arrival_order=arrival.copy())
    np.testing.assert_array_equal(first.track_of, again.track_of)

    # Shuffle the rows and carry the arrival order along: the same people get
    # the same tracks, ties included.
    perm = np.array(rnd.sample(range(n), n))  # new row r holds old survivor perm[r]
    inverse = np.argsort(perm)
    shuffled = allocate(scores[perm], seats, arrival_order=inverse[arrival])
    np.testing.assert_array_equal(shuffled.track_of, first.track_of[perm])


@settings(max_examples=200, deadline=None)
@given(cohorts())
def test_every_better_track_missed_was_full_or_had_no_seat(cohort):
    scores, seats = cohort
    result = allocate(scores, seats)
    for e in explain(result, scores, seats):
        for missed in e.missed:
            # Ranked by their own scores, a survivor misses a better track only
            # because its seats went to others: never by the solver's whim.
            assert missed.reason in {"full", "no_seats"}
            if missed.reason == "full":
                assert len(missed.holders) == seats[missed.track]
                assert e.survivor not in missed.holders


@settings(max_examples=100, deadline=None)
@given(cohorts())
def test_status_quo_is_feasible_and_never_beats_the_optimum(cohort):
    scores, seats = cohort
    greedy = status_quo(scores, seats)
    assert_feasible(scores, seats, greedy.track_of)
    best = allocate(scores, seats)
    assert greedy.stats.assigned <= best.stats.assigned
    if greedy.stats.assigned == best.stats.assigned:
        assert greedy.total_score <= best.total_score + 1e-9
    assert best.status_quo == greedy.stats


# --------------------------------------------------------------------------- the study

TRACKS = ["beauty-salon-srp", "electronics-pp", "sewing-btb", "cooking-srp"]


def study_cohort() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Four women want beauty salon first; two seats; two have aptitude 5 for it."""
    scores = np.array(
        [
            # beauty, electronics, sewing, cooking
            [0.62, 0.55, 0.58, 0.40],  # aptitude 2 for beauty; second wish sewing
            [0.60, 0.57, 0.35, 0.52],  # aptitude 2; second wish electronics
            [0.91, 0.40, 0.50, 0.45],  # aptitude 5
            [0.88, 0.35, 0.48, 0.50],  # aptitude 5
        ]
    )
    seats = np.array([2, 2, 2, 2])
    wishes = np.array(
        [
            [1, 3, 2, 0],
            [1, 2, 0, 3],
            [1, 0, 2, 3],
            [1, 0, 3, 2],
        ]
    )
    return scores, seats, wishes


def test_study_beauty_seats_go_to_the_two_with_aptitude_the_others_get_second_wish():
    scores, seats, wishes = study_cohort()
    result = allocate(scores, seats, preference_ranks=wishes)
    assert list(result.track_of) == [2, 1, 0, 0]  # sewing, electronics, beauty, beauty
    assert result.stats.first_choice == 2
    assert result.stats.top_two == 4

    reasons = explain(result, scores, seats, preference_ranks=wishes)
    for survivor in (0, 1):
        assert reasons[survivor].rank == 2
        (missed,) = reasons[survivor].missed
        assert missed.reason == "full"
        assert missed.holders == (2, 3)
        assert Wording(TRACKS).missed(survivor, missed) == (
            "beauty-salon-srp: 2 seats, both given to survivors with a higher score "
            "for it (score 0.91, 0.88)."
        )
    assert reasons[2].missed == ()
    assert Wording(TRACKS).explanation(reasons[2]) == "Given beauty-salon-srp (score 0.91, wish 1)."


def test_the_counsellor_reads_the_holders_aptitude_the_rule_and_wishes_left_out():
    scores, seats, wishes = study_cohort()
    # Survivor 0 first wished a tailoring track that is full and not in this allocation;
    # a hard rule keeps survivor 1 out of electronics.
    wishes[0] = [2, 0, 3, 0]
    scores[1, 1] = np.nan
    result = allocate(scores, seats, preference_ranks=wishes)
    words = Wording(
        TRACKS,
        families=["beauty", "electronics", "textile", "cooking"],
        aptitudes=[{"beauty": 2}, {"beauty": 2}, {"beauty": 5}, {"beauty": 5}],
        wishes=[["tailoring-svr", "beauty-salon-srp", "sewing-btb"], [], [], []],
        catalog_seats=dict.fromkeys(TRACKS, 2) | {"tailoring-svr": 0},
        excluded={(1, 1): "Training in Phnom Penh: outside the survivor's home province."},
    )
    first, second = explain(result, scores, seats, preference_ranks=wishes)[:2]
    assert words.explanation(first) == (
        "Given sewing-btb (score 0.58, wish 3). tailoring-svr: no seat available this "
        "intake. beauty-salon-srp: 2 seats, both given to survivors with a higher score for "
        "it (score 0.91, 0.88; aptitude 5, 5 in beauty)."
    )
    assert (
        "electronics-pp: not allowed for this survivor (Training in Phnom Penh: outside the "
        "survivor's home province)."
    ) in words.explanation(second)


def test_arrival_order_gives_the_beauty_seats_to_whoever_asked_first():
    scores, seats, wishes = study_cohort()
    arrival = np.array([0, 1, 2, 3])  # the two without the aptitude ask first
    result = allocate(scores, seats, arrival_order=arrival, preference_ranks=wishes)
    greedy = status_quo(scores, seats, arrival, preference_ranks=wishes)
    assert list(greedy.track_of[:2]) == [0, 0]  # first come, first served
    assert result.status_quo == greedy.stats
    assert greedy.stats.first_choice == result.stats.first_choice == 2
    assert greedy.total_score < result.total_score


def test_status_quo_seats_fewer_when_early_arrivals_take_the_only_seat_others_can_use():
    # Survivor 1 may only train in track 0; survivor 0 arrives first and takes it.
    scores = np.array([[0.9, 0.8], [0.7, np.nan]])
    seats = np.array([1, 1])
    result = allocate(scores, seats, arrival_order=np.array([0, 1]))
    assert list(result.track_of) == [1, 0]
    assert result.status_quo is not None
    assert (result.status_quo.assigned, result.stats.assigned) == (1, 2)


def test_a_wish_excluded_by_a_hard_rule_is_explained_as_excluded():
    scores = np.array([[np.nan, 0.5, 0.4]])
    wishes = np.array([[1, 2, 0]])
    result = allocate(scores, np.array([1, 1, 1]), preference_ranks=wishes)
    (reason,) = explain(result, scores, np.array([1, 1, 1]), preference_ranks=wishes)
    assert reason.track == 1 and reason.rank == 2
    assert [m.reason for m in reason.missed] == ["excluded"]
    assert "hard rule" in Wording(["a", "b", "c"]).explanation(reason)


def test_a_first_wish_with_seats_left_is_explained_by_the_lower_score():
    scores = np.array([[0.3, 0.8]])
    wishes = np.array([[1, 2]])
    result = allocate(scores, np.array([1, 1]), preference_ranks=wishes)
    (reason,) = explain(result, scores, np.array([1, 1]), preference_ranks=wishes)
    assert (reason.track, reason.rank) == (1, 2)
    assert [(m.track, m.reason) for m in reason.missed] == [(0, "lower_score")]
    assert Wording(["a", "b"]).explanation(reason) == (
        "Given b (score 0.80, wish 2). a: seats remain, but the survivor scores lower there (0.30)."
    )


def test_survivor_without_any_allowed_seat_is_told_why():
    scores = np.array([[0.9, 0.2], [0.8, np.nan]])
    seats = np.array([1, 0])
    result = allocate(scores, seats)
    assert list(result.track_of) == [0, -1]
    reason = explain(result, scores, seats)[1]
    assert reason.track == -1 and reason.score is None
    assert [(m.track, m.reason, m.holders) for m in reason.missed] == [(0, "full", (0,))]
    assert Wording(["t0", "t1"]).explanation(reason) == (
        "No seat: every track allowed for this survivor is full. t0: 1 seat, given to a "
        "survivor with a higher score for it (score 0.90)."
    )


def test_a_tie_goes_to_the_track_the_survivor_wants_more():
    # Either way the total is 1.0; survivor 0 states track 1 as first wish.
    scores = np.array([[0.5, 0.5], [0.5, 0.5]])
    wishes = np.array([[2, 1], [1, 2]])
    result = allocate(scores, np.array([1, 1]), preference_ranks=wishes)
    assert list(result.track_of) == [1, 0]


def test_optimality_proof_rejects_a_pruned_solution_that_is_not_optimal_overall():
    # Both rank track 0 first, but it has one seat.
    costs = -np.array([[10, 9], [10, 1]], dtype=np.int64)
    allowed = np.ones((2, 2), dtype=bool)
    seats = np.array([1, 1])
    order = np.arange(2)
    # Offered only their first choice, one survivor is left out: not a maximum flow.
    top_only = np.array([[True, False], [True, False]])
    found = build_and_solve(top_only, costs, seats, order)
    verdict = check_optimality(found, top_only, costs, allowed, seats)
    assert not verdict.optimal and not verdict.max_flow
    # Offered a graph where survivor 0 may only take track 0: everyone is seated,
    # but swapping (0 -> track 1, 1 -> track 0) scores 19 instead of 11.
    no_swap = np.array([[True, False], [False, True]])
    found = build_and_solve(no_swap, costs, seats, order)
    assert list(found) == [0, 1]
    verdict = check_optimality(found, no_swap, costs, allowed, seats)
    assert verdict.max_flow and not verdict.optimal
    # The full graph's optimum passes.
    found = build_and_solve(allowed, costs, seats, order)
    assert list(found) == [1, 0]
    assert check_optimality(found, allowed, costs, allowed, seats).optimal


def test_pruning_keeps_a_solution_it_can_prove_optimal():
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 100, size=(300, 60)).astype(float)
    scores[rng.random(scores.shape) < 0.1] = np.nan
    seats = np.full(60, 8)
    pruned = allocate(scores, seats, prune=4)
    full = allocate(scores, seats, prune=False)
    assert pruned.proof == "pruned" and full.proof == "full"
    assert pruned.total_score == full.total_score
    assert pruned.stats.assigned == full.stats.assigned == 300


def test_float_scores_with_six_decimals_are_solved_exactly():
    scores = np.array([[0.000001, 0.0], [0.000002, 0.000002]])
    result = allocate(scores, np.array([1, 1]))
    assert list(result.track_of) == [0, 1]  # 3e-6 beats 2e-6 + 0


def test_own_ranking_by_score_shares_ranks_between_equal_scores():
    ranks = wish_ranks(np.array([[0.5, 0.9, 0.5, np.nan, 0.1]]))
    assert ranks.tolist() == [[2, 1, 2, 0, 4]]


def test_progress_reports_each_stage_up_to_completion():
    calls: list[tuple[str, float]] = []
    rng = np.random.default_rng(1)
    allocate(
        rng.random((50, 45)), np.full(45, 2), prune=3, progress=lambda s, f: calls.append((s, f))
    )
    stages = {s for s, _ in calls}
    assert {"prepare", "solve", "verify", "status_quo"} <= stages
    for stage in stages:
        fractions = [f for s, f in calls if s == stage]
        assert fractions[-1] == 1.0
        assert all(0.0 <= f <= 1.0 for f in fractions)


def test_empty_cohort_and_trackless_cohort_allocate_nothing():
    assert allocate(np.empty((0, 3)), np.array([1, 1, 1])).stats.assigned == 0
    result = allocate(np.empty((2, 0)), np.empty(0, dtype=np.int64))
    assert list(result.track_of) == [-1, -1]


@pytest.mark.parametrize(
    ("scores", "seats", "arrival", "message"),
    [
        (np.array([[np.inf]]), np.array([1]), None, "finite"),
        (np.array([0.5]), np.array([1]), None, "2-D"),
        (np.array([[0.5]]), np.array([-1]), None, ">= 0"),
        (np.array([[0.5]]), np.array([1, 1]), None, "shape"),
        (np.array([[0.5], [0.4]]), np.array([1]), np.array([0, 0]), "permutation"),
    ],
)
def test_malformed_input_is_refused_with_a_clear_message(scores, seats, arrival, message):
    with pytest.raises(AllocationInputError, match=message):
        allocate(scores, seats, arrival_order=arrival)
