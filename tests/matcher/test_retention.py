"""The outcome model compiled against a market gives the pipeline's own numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

from matcher import Profile, recommend_prepared
from matcher.outcomes import FEATURES, OutcomeModel, _predict, pathway_features, train
from matcher.retention import Retention
from matcher.rules import NO_RULE
from matcher.safeguards import first_rule, survivor_context
from matcher.scoring import tables
from matcher.simulate import GroundTruth, churning_employers, simulate_history
from tests.matcher.builders import TODAY
from tests.matcher.test_properties import FAST, PREPARED, profiles


@pytest.fixture(scope="module")
def model() -> OutcomeModel:
    truth = GroundTruth(churning=churning_employers(PREPARED))
    history = simulate_history(PREPARED, 900, today=TODAY, truth=truth, seed=4)
    return train(history.data, version="retention-test", min_outcomes=200)


def _allowed_rows(p: Profile) -> tuple[np.ndarray, object, object]:
    ctx = survivor_context(p, PREPARED, TODAY)
    rows = np.flatnonzero(first_rule(PREPARED, ctx) == NO_RULE).astype(np.int64)
    return rows, ctx, tables(p, PREPARED, ctx)


@FAST
@given(profiles)
def test_compiled_probabilities_equal_the_pipelines(model: OutcomeModel, p: Profile) -> None:
    rows, ctx, tabs = _allowed_rows(p)
    frame = pathway_features(p, PREPARED, ctx, rows, tabs)
    slow = _predict(model.pipeline, model.calibrator, frame) if rows.size else np.zeros(0)
    fast = Retention(model).probabilities(p, PREPARED, ctx, rows, tabs)
    assert np.allclose(fast, slow, rtol=0, atol=1e-9)


@FAST
@given(profiles)
def test_what_raises_and_lowers_the_chance_is_the_pipelines_answer(
    model: OutcomeModel, p: Profile
) -> None:
    rows, ctx, tabs = _allowed_rows(p)
    rows = rows[:12]
    if rows.size == 0:
        return
    frame = pathway_features(p, PREPARED, ctx, rows, tabs)
    base = _predict(model.pipeline, model.calibrator, frame)
    swapped = []
    for column in FEATURES:
        alt = frame.copy()
        alt[column] = model.reference[column]
        swapped.append(alt)
    alts = _predict(model.pipeline, model.calibrator, pd.concat(swapped, ignore_index=True))
    expected = base[None, :] - alts.reshape(len(FEATURES), rows.size)
    _, effects = Retention(model).effects(p, PREPARED, ctx, rows, tabs)
    assert np.allclose(effects, expected, rtol=0, atol=1e-9)


def test_a_recommendation_with_the_model_says_what_it_expects(model: OutcomeModel) -> None:
    p = Profile(
        survivor_id=1,
        birth_year=2000,
        home_province="KH-20",
        literacy="basic",
        aptitudes={"textile": 4, "electronics": 2},
        preferences=("sewing-svr", "electronics-pnh"),
        relocation="anywhere",
    )
    rec = recommend_prepared(p, PREPARED, today=TODAY, retention=Retention(model))
    assert rec.items and rec.model_version.endswith("+outcomes-retention-test")
    for item in rec.items:
        assert 0.0 <= item.components["retention"] <= 1.0
        said = [r for r in item.reasons if r.startswith("Chance of still being in work")]
        assert said == [
            f"Chance of still being in work after a year: "
            f"{round(100 * item.components['retention'])}% (outcome model retention-test)"
        ]
