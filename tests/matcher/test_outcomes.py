"""The outcome model on small synthetic placements whose truth is known."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matcher.outcomes import (
    FEATURES,
    MONTHS,
    OutcomeData,
    OutcomeError,
    OutcomeModel,
    ShrunkRates,
    expected_calibration_error,
    labels,
    load_model,
    metrics,
    save_model,
    train,
)

TODAY = date(2026, 11, 1)


def _placements(n: int, seed: int) -> tuple[OutcomeData, np.ndarray]:
    """Placements whose lasting depends on pay, aptitude and one churning employer."""
    rng = np.random.default_rng(seed)
    employer = rng.choice([f"employer {i}" for i in range(12)], n)
    features = pd.DataFrame(
        {
            "aptitude": rng.integers(0, 6, n).astype(float),
            "wish": rng.choice([0.0, 0.6, 0.8, 1.0], n),
            "net_over_living_wage": rng.uniform(-0.3, 1.5, n),
            "distance": rng.integers(0, 3, n).astype(float),
            "training_months": rng.choice([0.0, 3.0, 6.0], n),
            "commitment": rng.choice([0.0, 1.0], n, p=[0.8, 0.2]),
            "age_band": rng.choice(["under 18", "18-24", "25-34"], n),
            "literacy": rng.choice(["none", "basic", "functional"], n),
            "employer": employer,
            "track": rng.choice(["sewing", "beauty", "none"], n),
            "town": rng.choice(["PNH", "SRP", "SVR"], n),
            "family": rng.choice(["textile", "beauty"], n),
        }
    )
    z = (
        -1.0
        + 1.5 * features["net_over_living_wage"]
        + 0.4 * (features["aptitude"] - 2.5)
        - 2.5 * (employer == "employer 0")
    )
    truth = 1.0 / (1.0 + np.exp(-z.to_numpy()))
    lasts = rng.random(n) < truth
    leaves = np.where(lasts, 99.0, rng.uniform(0, 12, n))
    started = [TODAY - timedelta(days=int(d)) for d in rng.integers(30, 1000, n)]
    answers = {}
    for m in MONTHS:
        due = np.array([(TODAY - s).days >= 30 * m for s in started])
        answers[f"m{m}"] = [bool(leaves[i] > m) if due[i] else None for i in range(n)]
    follow = pd.DataFrame(answers, dtype=object)
    groups = pd.DataFrame(
        {
            "gender": rng.choice(["female", "male"], n),
            "age_band": features["age_band"],
            "literacy": features["literacy"],
        }
    )
    return OutcomeData(features, started, follow, groups), truth


@pytest.fixture(scope="module")
def trained() -> tuple[OutcomeModel, OutcomeData, np.ndarray]:
    data, truth = _placements(1200, seed=3)
    return train(data, version="test-1", min_outcomes=200), data, truth


def test_ece_is_the_size_weighted_gap_of_quantile_bins() -> None:
    # Two bins of two: (0.1, 0.3) against (0, 1) -> gap |0.2 - 0.5| = 0.3; (0.7, 0.9)
    # against (1, 1) -> gap |0.8 - 1| = 0.2; both bins hold half the rows.
    y = [1, 0, 1, 1]
    p = [0.3, 0.1, 0.9, 0.7]
    assert expected_calibration_error(y, p, bins=2) == pytest.approx(0.25)
    assert expected_calibration_error([0, 1], [0.0, 1.0], bins=2) == 0.0
    assert np.isnan(expected_calibration_error([], []))


def test_labels_bridge_early_follow_ups_to_the_twelve_month_outcome() -> None:
    follow = pd.DataFrame(
        {
            "m1": [True, True, True, False, True],
            "m3": [True, True, False, False, None],
            "m6": [True, False, False, False, None],
            "m12": [True, False, False, False, None],
        },
        dtype=object,
    )
    lab = labels(follow, prior=0.5, strength=0.0)
    # Of the three in work at 1 month with a known 12-month outcome, one lasted.
    assert lab.bridge["1 in"] == pytest.approx(1 / 3)
    # The last placement, known only at 1 month, becomes two weighted rows.
    assert list(lab.index[-2:]) == [4, 4]
    assert list(lab.y[-2:]) == [1, 0]
    assert lab.weight[-2:].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert lab.known.tolist() == [True, True, True, True, False]


def test_rates_of_levels_with_few_outcomes_stay_near_their_family() -> None:
    X = pd.DataFrame(
        {
            "employer": ["big"] * 100 + ["small"] * 2,
            "track": ["t"] * 102,
            "family": ["f"] * 102,
        }
    )
    y = np.array([1] * 50 + [0] * 50 + [0, 0])
    rates = ShrunkRates(strength=10.0).fit(X, y).transform(X)
    family = (50 + 10 * (50 / 102)) / (102 + 10)
    assert rates["employer_rate"].iat[-1] == pytest.approx(10 * family / 12)
    # Two who left do not write the employer off: it reads close to its family's rate.
    assert rates["employer_rate"].iat[-1] > 0.3
    unseen = ShrunkRates().fit(X, y).transform(X.assign(employer="new"))
    assert unseen["employer_rate"].iat[0] == pytest.approx(unseen["track_rate"].iat[0], abs=0.2)


def test_model_is_calibrated_on_later_placements(
    trained: tuple[OutcomeModel, OutcomeData, np.ndarray],
) -> None:
    model, _, _ = trained
    fresh, truth = _placements(3000, seed=9)
    p = model.predict(fresh.features)
    assert expected_calibration_error(truth > np.random.default_rng(1).random(truth.size), p) < 0.06
    assert p.min() >= 0.0 and p.max() <= 1.0
    # The backtest scores only the latest fifth of the known outcomes: a noisier figure.
    assert model.metrics["ece"] is not None and model.metrics["ece"] < 0.15
    assert set(model.metrics["by"]) == {"gender", "age_band", "literacy"}
    # The churning employer reads below the others at the same pay.
    row = fresh.features.iloc[[0, 0]].copy()
    row["employer"] = ["employer 0", "employer 5"]
    churn, steady = model.predict(row)
    assert churn < steady - 0.1


def test_gender_is_never_an_input(trained: tuple[OutcomeModel, OutcomeData, np.ndarray]) -> None:
    model, data, _ = trained
    assert "gender" not in FEATURES
    names = model.pipeline[:-1].get_feature_names_out()
    assert not any("gender" in str(n) for n in names)
    with_gender = data.features.assign(gender="female")
    assert np.array_equal(model.predict(with_gender), model.predict(data.features))


def test_too_few_outcomes_train_no_model() -> None:
    data, _ = _placements(150, seed=1)
    with pytest.raises(OutcomeError, match="200 are needed"):
        train(data, version="small", min_outcomes=200)


def test_saved_model_loads_only_when_its_hash_matches(
    trained: tuple[OutcomeModel, OutcomeData, np.ndarray], tmp_path: Path
) -> None:
    model, data, _ = trained
    info = save_model(model, tmp_path)
    card = json.loads((tmp_path / "test-1.json").read_text())
    assert card["sha256"] == info["sha256"] and card["features"] == list(FEATURES)
    assert {"version", "trained_at", "rows", "date_range", "library_versions", "data_hash"} <= set(
        card
    )
    assert "selection" in card and (tmp_path / "test-1.svg").read_text().startswith("<?xml")
    again = load_model(tmp_path, "test-1")
    assert np.array_equal(again.predict(data.features), model.predict(data.features))
    with pytest.raises(OutcomeError, match="exists already"):
        save_model(model, tmp_path)
    blob = tmp_path / "test-1.joblib"
    blob.write_bytes(blob.read_bytes() + b"tampered")
    with pytest.raises(OutcomeError, match="does not match the sha256"):
        load_model(tmp_path, "test-1")
    with pytest.raises(OutcomeError, match="not a model name"):
        load_model(tmp_path, "../test-1")


def test_metrics_hide_figures_of_small_groups() -> None:
    y = np.array([0, 1] * 10)
    p = np.linspace(0.1, 0.9, 20)
    groups = pd.DataFrame({"gender": ["female"] * 18 + ["male"] * 2})
    out = metrics(y, p, groups, min_rows=11)
    assert out["by"]["gender"]["male"] == {"rows": 2}
    assert (
        out["by"]["gender"]["female"]["rows"] == 18 and "roc_auc" in out["by"]["gender"]["female"]
    )


def test_the_fast_path_gives_the_pipelines_numbers(
    trained: tuple[OutcomeModel, OutcomeData, np.ndarray],
) -> None:
    from matcher.outcomes import _predict  # noqa: PLC0415  (the reference it is checked against)

    model, _, _ = trained
    fresh, _ = _placements(300, seed=21)
    frame = fresh.features.copy()
    frame.loc[:20, "employer"] = "employer never seen"
    frame.loc[10:30, "aptitude"] = np.nan
    slow = _predict(model.pipeline, model.calibrator, frame)
    assert model.encoder is not None
    assert np.allclose(model.predict(frame), slow, rtol=0, atol=1e-9)
