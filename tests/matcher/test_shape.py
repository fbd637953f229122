"""The score's shape (issue 11), as properties over random survivors (Hypothesis).

Livable before unlivable, outside flagged towns before inside, a top pick no other
pathway dominates, more aptitude for a wish never lowering it, and a cohort allocation
exactly optimal for these scores.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matcher import Profile, Settings, recommend_prepared, track_scores_prepared
from matcher.allocate import GOOD_APTITUDE, allocate
from matcher.results import RecommendationItem
from matcher.scoring import aptitude_value
from tests.matcher.builders import TODAY
from tests.matcher.test_allocate import brute_force
from tests.matcher.test_properties import FAST, PREPARED, TOWN, TRACKS, profiles

ALL = 100_000
RELAXED = settings(FAST, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _flagged(item: RecommendationItem) -> bool:
    towns = {item.town.code} | ({item.track.town} if item.track else set())
    return any(TOWN[t].casino_town for t in towns)


def _band(item: RecommendationItem) -> tuple[bool, bool]:
    return (not _flagged(item), item.meets_living_wage)


@FAST
@given(profiles)
def test_livable_first_and_flagged_towns_last(p: Profile) -> None:
    items = recommend_prepared(p, PREPARED, today=TODAY, limit=ALL).items
    bands = [_band(i) for i in items]
    # Outside flagged towns before inside; within each, livable before unlivable.
    assert bands == sorted(bands, reverse=True)
    for item in items:
        if not item.meets_living_wage:
            assert any("below the living wage in" in r for r in item.reasons), item.reasons
        if _flagged(item):
            assert item.reasons[0] == item.warnings[0]
            assert "casino town with reported scam compounds" in item.reasons[0]


@FAST
@given(profiles)
def test_the_top_pick_is_never_dominated(p: Profile) -> None:
    items = recommend_prepared(p, PREPARED, today=TODAY, limit=ALL).items
    assume(items)
    top = items[0]
    for other in items[1:]:
        if _band(other) != _band(top):
            continue  # safety and the living wage come before pay
        dominates = (
            other.components["aptitude"] >= top.components["aptitude"]
            and other.components["preference"] >= top.components["preference"]
            and other.net_income_usd_month > top.net_income_usd_month
        )
        assert not dominates, (top, other)


@FAST
@given(st.floats(0.0, 1.0))
def test_being_good_at_a_trade_is_the_largest_step_of_aptitude(share: float) -> None:
    s = Settings(good_aptitude_share=share)
    values = [aptitude_value(level, s) for level in range(6)]
    assert values[0] == 0.0 and abs(values[5] - 1.0) < 1e-12
    steps = [b - a for a, b in pairwise(values)]
    assert all(step >= 0.0 for step in steps)
    # From "not good at it" to good weighs at least as much as any other level.
    assert steps[GOOD_APTITUDE - 1] >= max(steps) - 1e-12


def _track_rank(p: Profile, code: str) -> int | None:
    for item in recommend_prepared(p, PREPARED, today=TODAY, limit=ALL).items:
        if item.track is not None and item.track.code == code:
            return item.rank
    return None


@RELAXED
@given(profiles, st.sampled_from(sorted(TRACKS)), st.integers(0, 3), st.data())
def test_more_aptitude_for_a_wished_track_never_lowers_its_rank(
    p: Profile, code: str, position: int, data: st.DataObject
) -> None:
    wishes = [c for c in p.preferences if c != code]
    wishes.insert(min(position, len(wishes)), code)
    # Fewer survivors for whom the track is out of reach: no towns to avoid.
    p = replace(p, preferences=tuple(wishes), avoid_towns=())
    family = TRACKS[code].skill_family
    # An unassessed family counts as Settings().unassessed_aptitude (2 of 5).
    level = p.aptitudes.get(family, round(Settings().unassessed_aptitude * 5))
    assume(level < 5)
    higher = data.draw(st.integers(level + 1, 5))
    before = _track_rank(p, code)
    assume(before is not None)
    after = _track_rank(replace(p, aptitudes={**p.aptitudes, family: higher}), code)
    assert after is not None and after <= before


@FAST
@given(st.lists(profiles, min_size=1, max_size=4), st.data())
def test_the_allocation_is_exactly_optimal_for_the_shown_scores(
    cohort: list[Profile], data: st.DataObject
) -> None:
    codes = sorted(TRACKS)[:5]
    seats = np.array(data.draw(st.lists(st.integers(0, 2), min_size=5, max_size=5)))
    scores = np.full((len(cohort), len(codes)), np.nan)
    for i, p in enumerate(cohort):
        ts = track_scores_prepared(p, PREPARED, today=TODAY)
        for j, code in enumerate(codes):
            scores[i, j] = ts.scores.get(code, np.nan)
    result = allocate(scores, seats)
    seated, best = brute_force(scores, seats)
    assert result.stats.assigned == seated
    assert abs(result.total_score - best) < 1e-9
