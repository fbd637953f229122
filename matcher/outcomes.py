"""Which pathways last: a calibrated model of "still in work at the 12-month follow-up".

Pure (numpy, pandas, scikit-learn, joblib; no Flask, no SQLAlchemy). The pieces:

- :func:`pathway_features`: what a recommendation knows of a pathway, as the frame the
  model reads (``FEATURES``); the api builds training rows with the same function, so
  that training and scoring never disagree on what a feature means;
- :func:`labels`: the 12-month outcome, or, while it is not known yet, a *proxy* from
  the 1-, 3- and 6-month follow-ups (the share of those in work at month ``m`` who were
  still in work at 12, estimated from the placements where both are known);
- :func:`train`: a ``Pipeline`` (group rates shrunk toward their family's rate, then a
  ``ColumnTransformer``, then a sigmoid-calibrated classifier chosen by cross-validation
  between gradient-boosted trees and a regularised logistic regression), backtested on
  the placements after a date it was not trained on;
- :func:`expected_calibration_error`, :func:`metrics`: the backtest's figures, also by
  gender, age band and literacy, so that a gap between groups is visible;
- :func:`save_model` / :func:`load_model`: joblib beside a JSON card, loaded only from
  the model folder and only when the file's sha256 matches its card.

Gender is never a feature: it is only a column of the backtest's groups.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import numpy.typing as npt
import pandas as pd
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from matcher.prepared import FloatArray, Int64Array, PreparedMarket
from matcher.safeguards import SurvivorContext
from matcher.scoring import Tables, components_at
from matcher.types import Profile
from matcher.weights import COMPONENTS
from training_catalog.types import SKILL_FAMILIES

#: Numeric inputs: aptitude 0-5 for the pathway's skill family (NaN when not assessed),
#: the wish's value (the engine's preference component, 0 for no wish), net income
#: over the living wage (net / living wage), distance from home (0 home province, 1 a
#: town the survivor named, 2 elsewhere: the reference data has no coordinates), the
#: training's length in months, and whether the employer committed to hire the track.
NUMERIC: tuple[str, ...] = (
    "aptitude",
    "wish",
    "net_over_living_wage",
    "distance",
    "training_months",
    "commitment",
)
#: Categories; rare employers, tracks and towns are pooled by the one-hot encoder.
CATEGORICAL: tuple[str, ...] = ("age_band", "literacy", "employer", "track", "town", "family")
#: Levels whose rate is shrunk toward the rate of their ``family``.
RATE_COLUMNS: tuple[str, ...] = ("employer", "track")
FEATURES: tuple[str, ...] = NUMERIC + CATEGORICAL
#: Follow-up months the labels are read from; the last one is the outcome.
MONTHS: tuple[int, ...] = (1, 3, 6, 12)
AGE_BANDS: tuple[tuple[int, str], ...] = ((18, "under 18"), (25, "18-24"), (35, "25-34"))
NO_EMPLOYER, NO_TRACK, NO_FAMILY = "none", "none", "none"
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

# Words of the inputs, for the reasons a counsellor reads.
FEATURE_WORDS: dict[str, str] = {
    "aptitude": "aptitude for this skill",
    "wish": "how much it was wished for",
    "net_over_living_wage": "net income against the living wage",
    "distance": "distance from home",
    "training_months": "length of the training",
    "commitment": "the employer's commitment to hire",
    "age_band": "age",
    "literacy": "literacy",
    "employer": "this employer's record",
    "track": "this track's record",
    "town": "this town's record",
    "family": "this kind of work's record",
    "employer_rate": "this employer's record",
    "track_rate": "this track's record",
}


class OutcomeError(ValueError):
    """Training or loading refused, with the reason (too few outcomes, a bad hash...)."""


def age_band(age: int) -> str:
    """The age band of an age in years (a category of the model, and of the metrics)."""
    for upper, name in AGE_BANDS:
        if age < upper:
            return name
    return "35 and over"


# --- features -------------------------------------------------------------------------


def pathway_features(
    profile: Profile,
    prepared: PreparedMarket,
    ctx: SurvivorContext,
    rows: Int64Array,
    tabs: Tables | None = None,
) -> pd.DataFrame:
    """The model's inputs for candidate ``rows`` of one survivor (``FEATURES`` columns).

    Parameters
    ----------
    profile : Profile
        Aptitudes, wishes, literacy and birth year are read; gender never is.
    prepared : PreparedMarket
    ctx : SurvivorContext
        The survivor's context in ``prepared`` (age, home and named towns).
    rows : numpy.ndarray of intp
        Candidate indices.
    tabs : Tables, optional
        The survivor's score tables, when already built.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, columns ``FEATURES``.
    """
    p = prepared
    rows = np.asarray(rows, np.int64)
    comps = components_at(profile, p, ctx, rows, tabs)
    family = p.candidates.family[rows]
    town = p.candidates.town[rows]
    track = p.candidates.track[rows]
    names = market_levels(p)
    n = rows.size
    return pd.DataFrame(
        {
            "aptitude": aptitude_levels(profile)[family],
            "wish": comps[COMPONENTS.index("preference")],
            "net_over_living_wage": names.net_over_living_wage[rows],
            "distance": distance_of(ctx, town),
            "training_months": names.months[track],
            "commitment": comps[COMPONENTS.index("commitment")],
            "age_band": np.full(n, age_band(ctx.age), dtype=object),
            "literacy": np.full(n, profile.literacy, dtype=object),
            "employer": names.employers[p.candidates.outlet[rows]],
            "track": names.tracks[track],
            "town": names.towns[town],
            "family": names.families[family],
        }
    )


@dataclass(frozen=True)
class MarketLevels:
    """What a market's rows are to the model, by index: the level names of its
    categories and the inputs that do not depend on the survivor."""

    tracks: npt.NDArray[np.object_]  # per track index, NO_TRACK last (index -1)
    towns: npt.NDArray[np.object_]  # per town index
    families: npt.NDArray[np.object_]  # per skill family index, NO_FAMILY last
    employers: npt.NDArray[np.object_]  # per outlet: "employer {id}" or NO_EMPLOYER
    months: FloatArray  # training months per track index, 0 last
    net_over_living_wage: FloatArray  # per candidate row (0 where no living wage)


#: Per prepared market (weakly: dropped with it), its levels, built once.
_LEVELS: weakref.WeakKeyDictionary[PreparedMarket, MarketLevels] = weakref.WeakKeyDictionary()


def market_levels(p: PreparedMarket) -> MarketLevels:
    """The one naming of a market's levels, for training rows and for scoring alike
    (built once per prepared market)."""
    got = _LEVELS.get(p)
    if got is None:
        got = _LEVELS[p] = _market_levels(p)
    return got


def _market_levels(p: PreparedMarket) -> MarketLevels:
    wage = p.money.living_wage
    return MarketLevels(
        tracks=np.array([t.code for t in p.catalog.tracks] + [NO_TRACK], dtype=object),
        towns=np.array([t.code for t in p.catalog.towns], dtype=object),
        families=np.array([*SKILL_FAMILIES, NO_FAMILY], dtype=object),
        employers=np.array(
            [NO_EMPLOYER if v is None else f"employer {v.employer_id}" for v in p.outlets.vacancy],
            dtype=object,
        ),
        months=np.array([t.duration_months for t in p.catalog.tracks] + [0], np.float64),
        net_over_living_wage=np.divide(
            p.money.net, wage, out=np.zeros(wage.shape, np.float64), where=wage > 0
        ),
    )


def aptitude_levels(profile: Profile) -> FloatArray:
    """Aptitude 0-5 per skill family, then NaN for "no family" (NaN where not assessed)."""
    levels = np.full(len(SKILL_FAMILIES) + 1, np.nan)
    for name, level in profile.aptitudes.items():
        if name in SKILL_FAMILIES:
            levels[SKILL_FAMILIES.index(name)] = min(max(int(level), 0), 5)
    return levels


def distance_of(ctx: SurvivorContext, town: Int64Array) -> FloatArray:
    """0 in the home province, 1 in a town the survivor named, 2 elsewhere."""
    out: FloatArray = np.where(ctx.home_town[town], 0.0, np.where(ctx.willing_town[town], 1.0, 2.0))
    return out


# --- labels ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Labels:
    """Training targets: one row per placement with a known outcome or an early signal.

    A placement whose 12-month outcome is known is one row with weight 1. One with only
    an early follow-up in work at month ``m`` becomes two rows, "lasted" with weight
    ``q_m`` and "did not" with ``1 - q_m``, where ``q_m`` is the share of those in work at
    ``m`` who were in work at 12 (estimated where both are known); out of work at ``m``
    becomes two rows with the share of those out of work at ``m`` who were in work at 12.
    """

    index: Int64Array  # placement row of each target row
    y: npt.NDArray[np.int64]
    weight: FloatArray
    known: npt.NDArray[np.bool_]  # per placement: the 12-month outcome is known
    bridge: dict[str, float]  # "m in" / "m out" -> P(in work at 12 | that)


def labels(follow_ups: pd.DataFrame, prior: float = 0.5, strength: float = 20.0) -> Labels:
    """Targets from follow-ups (columns ``m1, m3, m6, m12``: True, False or missing).

    Parameters
    ----------
    follow_ups : pandas.DataFrame
        One row per placement; a column per month of ``MONTHS`` named ``m{month}``.
    prior, strength : float
        Each bridge rate is shrunk toward ``prior`` as if ``strength`` placements had it,
        so that a handful of early placements cannot set it to 0 or 1.

    Returns
    -------
    Labels
    """
    final = f"m{MONTHS[-1]}"
    f12 = follow_ups[final]
    known = f12.notna().to_numpy()
    y12 = f12.fillna(False).astype(bool).to_numpy()
    bridge: dict[str, float] = {}
    for m in MONTHS[:-1]:
        col = follow_ups[f"m{m}"]
        for state, name in ((True, "in"), (False, "out")):
            both = known & (col == state).to_numpy()
            bridge[f"{m} {name}"] = float(
                (y12[both].sum() + prior * strength) / (both.sum() + strength)
            )
    index: list[int] = []
    ys: list[int] = []
    weights: list[float] = []
    for i in range(len(follow_ups)):
        if known[i]:
            index.append(i)
            ys.append(int(y12[i]))
            weights.append(1.0)
            continue
        for m in reversed(MONTHS[:-1]):
            value: Any = follow_ups[f"m{m}"].iat[i]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            q = bridge[f"{m} {'in' if bool(value) else 'out'}"]
            index += [i, i]
            ys += [1, 0]
            weights += [q, 1.0 - q]
            break
    return Labels(
        np.asarray(index, np.int64),
        np.asarray(ys, np.int64),
        np.asarray(weights, np.float64),
        known,
        bridge,
    )


# --- the pipeline ---------------------------------------------------------------------


class ShrunkRates(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Adds ``{column}_rate``: a level's lasting rate shrunk toward its family's rate.

    ``(lasted + strength * family_rate) / (placed + strength)``: an employer with few
    outcomes reads close to its kind of work's rate, one with many reads its own. A
    level never seen reads its family's rate, a family never seen the overall rate.
    ``fit_transform`` gives each training row the rates of the other folds only, so the
    classifier never sees a row's own outcome in its inputs.
    """

    def __init__(
        self,
        columns: tuple[str, ...] = RATE_COLUMNS,
        group: str = "family",
        strength: float = 10.0,
        folds: int = 5,
    ) -> None:
        self.columns = columns
        self.group = group
        self.strength = strength
        self.folds = folds

    def _tables(
        self, X: pd.DataFrame, y: npt.NDArray[Any], w: FloatArray
    ) -> tuple[float, dict[str, float], dict[str, dict[tuple[str, str], float]]]:
        frame = pd.DataFrame({"g": X[self.group].to_numpy(), "yw": y * w, "w": w})
        overall = float(frame["yw"].sum() / max(frame["w"].sum(), 1e-12))
        by_group = frame.groupby("g")[["yw", "w"]].sum()
        group_rate = {
            str(k): float(v)
            for k, v in (
                (by_group["yw"] + self.strength * overall) / (by_group["w"] + self.strength)
            ).items()
        }
        levels: dict[str, dict[tuple[str, str], float]] = {}
        for column in self.columns:
            frame["level"] = X[column].to_numpy()
            sums = frame.groupby(["level", "g"])[["yw", "w"]].sum()
            prior = np.array([group_rate[g] for _, g in sums.index])
            rate = (sums["yw"].to_numpy() + self.strength * prior) / (
                sums["w"].to_numpy() + self.strength
            )
            levels[column] = dict(zip(sums.index, rate, strict=True))
        return overall, group_rate, levels

    def fit(
        self, X: pd.DataFrame, y: npt.NDArray[Any], sample_weight: FloatArray | None = None
    ) -> ShrunkRates:
        w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, np.float64)
        self.overall_, self.group_rate_, self.levels_ = self._tables(X, np.asarray(y), w)
        return self

    def _apply(
        self,
        X: pd.DataFrame,
        overall: float,
        group_rate: Mapping[str, float],
        levels: Mapping[str, Mapping[tuple[str, str], float]],
    ) -> pd.DataFrame:
        out = X.copy()
        groups = X[self.group].to_numpy()
        fallback = np.array([group_rate.get(g, overall) for g in groups])
        for column in self.columns:
            table = levels[column]
            values = [
                table.get((level, g), f)
                for level, g, f in zip(X[column].to_numpy(), groups, fallback, strict=True)
            ]
            out[f"{column}_rate"] = np.asarray(values, np.float64)
        return out

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self._apply(X, self.overall_, self.group_rate_, self.levels_)

    def rate(self, column: str, level: str, group: str) -> float:
        """``{column}_rate`` of one row with ``level`` in ``group`` (as ``transform``)."""
        fallback = self.group_rate_.get(group, self.overall_)
        return float(self.levels_[column].get((level, group), fallback))

    def fit_transform(
        self,
        X: pd.DataFrame,
        y: npt.NDArray[Any] | None = None,
        sample_weight: FloatArray | None = None,
        **_: Any,
    ) -> pd.DataFrame:
        if y is None:
            raise ValueError("ShrunkRates needs the outcomes to fit")
        y = np.asarray(y)
        w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, np.float64)
        self.fit(X, y, w)
        parts: list[pd.DataFrame] = []
        order = np.arange(len(X))
        for k in range(self.folds):
            held = order % self.folds == k
            if not held.any():
                continue
            tables = self._tables(X[~held], y[~held], w[~held])
            parts.append(self._apply(X[held], *tables))
        return pd.concat(parts).loc[X.index]

    def get_feature_names_out(self, input_features: Any = None) -> npt.NDArray[np.object_]:
        names = list(input_features or FEATURES) + [f"{c}_rate" for c in self.columns]
        return np.asarray(names, dtype=object)


def _columns(min_frequency: int, scale: bool) -> ColumnTransformer:
    numeric: list[str] = [*NUMERIC, *(f"{c}_rate" for c in RATE_COLUMNS)]
    steps: list[Any] = [SimpleImputer(strategy="median", add_indicator=True)]
    if scale:
        steps.append(StandardScaler())
    return ColumnTransformer(
        [
            ("numeric", make_pipeline(*steps), numeric),
            (
                "categories",
                OneHotEncoder(
                    min_frequency=min_frequency,
                    handle_unknown="infrequent_if_exist",
                    sparse_output=False,
                ),
                list(CATEGORICAL),
            ),
        ],
        verbose_feature_names_out=False,
    )


def candidate_classifiers(seed: int = 0) -> dict[str, tuple[Any, bool]]:
    """The classifiers cross-validation chooses between, and whether each wants scaling."""
    return {
        "gradient_boosting": (
            HistGradientBoostingClassifier(
                max_iter=200,
                learning_rate=0.08,
                max_leaf_nodes=15,
                min_samples_leaf=40,
                l2_regularization=1.0,
                early_stopping=True,
                validation_fraction=0.15,
                random_state=seed,
            ),
            False,
        ),
        "logistic_regression": (LogisticRegression(C=0.5, max_iter=500), True),
    }


def build_pipeline(classifier: Any, scale: bool, min_frequency: int) -> Pipeline:
    """Rates shrunk toward their family's, then the columns, then the classifier."""
    return Pipeline(
        [
            ("rates", ShrunkRates()),
            ("columns", _columns(min_frequency, scale)),
            ("classify", classifier),
        ]
    )


def _fit(pipe: Pipeline, X: pd.DataFrame, y: npt.NDArray[Any], w: FloatArray) -> Pipeline:
    pipe.fit(X, y, rates__sample_weight=w, classify__sample_weight=w)
    return pipe


# --- metrics --------------------------------------------------------------------------


def expected_calibration_error(y: npt.ArrayLike, p: npt.ArrayLike, bins: int = 10) -> float:
    """Expected calibration error with quantile bins.

    The rows are sorted by ``p`` and cut into ``bins`` groups of (nearly) equal size;
    the ECE is the size-weighted mean of ``|mean(p) - mean(y)|`` over the groups.

    Parameters
    ----------
    y : array-like of 0/1
    p : array-like of probabilities
    bins : int, default 10

    Returns
    -------
    float
        In [0, 1]; 0 for perfect calibration; NaN for no rows.
    """
    ya = np.asarray(y, np.float64)
    pa = np.asarray(p, np.float64)
    if ya.size == 0:
        return float("nan")
    order = np.argsort(pa, kind="stable")
    total = 0.0
    for part in np.array_split(order, min(bins, ya.size)):
        total += part.size * abs(float(pa[part].mean() - ya[part].mean()))
    return total / ya.size


def reliability(y: npt.ArrayLike, p: npt.ArrayLike, bins: int = 10) -> list[dict[str, float]]:
    """Per quantile bin: mean predicted, share observed, rows (the calibration chart)."""
    ya = np.asarray(y, np.float64)
    pa = np.asarray(p, np.float64)
    order = np.argsort(pa, kind="stable")
    return [
        {
            "predicted": round(float(pa[part].mean()), 4),
            "observed": round(float(ya[part].mean()), 4),
            "rows": int(part.size),
        }
        for part in np.array_split(order, min(bins, max(ya.size, 1)))
        if part.size
    ]


def metrics(
    y: npt.ArrayLike, p: npt.ArrayLike, groups: pd.DataFrame | None = None, min_rows: int = 1
) -> dict[str, Any]:
    """ROC AUC, Brier score and ECE, overall and by each column of ``groups``.

    Groups with fewer than ``min_rows`` rows report their size only (no figure that
    could single out a few people).
    """
    ya = np.asarray(y, np.int64)
    pa = np.asarray(p, np.float64)

    def figures(mask: npt.NDArray[np.bool_]) -> dict[str, Any]:
        yy, pp = ya[mask], pa[mask]
        out: dict[str, Any] = {"rows": int(mask.sum())}
        if out["rows"] < min_rows:
            return out
        both = 0 < yy.sum() < yy.size
        out["roc_auc"] = round(float(roc_auc_score(yy, pp)), 4) if both else None
        out["brier"] = round(float(brier_score_loss(yy, pp)), 4) if yy.size else None
        out["ece"] = round(expected_calibration_error(yy, pp), 4) if yy.size else None
        out["observed"] = round(float(yy.mean()), 4) if yy.size else None
        out["predicted"] = round(float(pp.mean()), 4) if yy.size else None
        return out

    result = figures(np.ones(ya.size, np.bool_))
    if groups is not None:
        by: dict[str, dict[str, Any]] = {}
        for column in groups.columns:
            values = groups[column].fillna("unknown").astype(str).to_numpy()
            by[column] = {v: figures(values == v) for v in sorted(set(values))}
        result["by"] = by
    return result


def calibration_svg(points: Sequence[Mapping[str, float]], title: str = "Calibration") -> str:
    """A calibration chart (predicted against observed, per quantile bin) as SVG text."""
    import matplotlib  # noqa: PLC0415  (lazy: only the card's chart needs it)

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt  # noqa: PLC0415

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="#999999", linewidth=1, label="perfect")
    xs = [pt["predicted"] for pt in points]
    ys = [pt["observed"] for pt in points]
    ax.plot(xs, ys, marker="o", color="#1f5f8b", label="model")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted: still in work at 12 months")
    ax.set_ylabel("observed share")
    ax.set_title(title)
    ax.legend(loc="upper left")
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


# --- the model ------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeData:
    """Placements for training: features, start dates, follow-ups and report groups.

    ``features`` has the ``FEATURES`` columns; ``follow_ups`` the ``m1, m3, m6, m12``
    columns (True, False or missing) and optionally ``same_employer`` (the 12-month
    follow-up's answer); ``groups`` has the columns the metrics are cut by (gender, age
    band, literacy): never an input of the model.
    """

    features: pd.DataFrame
    started_on: Sequence[date]
    follow_ups: pd.DataFrame
    groups: pd.DataFrame

    def __post_init__(self) -> None:
        n = len(self.features)
        if len(self.started_on) != n or len(self.follow_ups) != n or len(self.groups) != n:
            raise OutcomeError("features, dates, follow-ups and groups must have the same rows")
        missing = [c for c in FEATURES if c not in self.features.columns]
        if missing:
            raise OutcomeError(f"features lack the columns {', '.join(missing)}")


@dataclass(frozen=True)
class GroupRecord:
    """How many placed with a level had a 12-month outcome, and how many had lasted."""

    followed: int
    lasted: int


@dataclass
class OutcomeModel:
    """A trained pipeline with what explains it (saved and loaded as one joblib file)."""

    version: str
    pipeline: Pipeline
    calibrator: LogisticRegression  # sigmoid of the pipeline's logit
    classifier: str
    trained_at: str
    rows: int
    outcomes: int
    date_range: tuple[str, str]
    metrics: dict[str, Any]
    selection: dict[str, Any]
    reference: dict[str, Any]  # per feature: the value an input is compared with
    records: dict[str, dict[str, GroupRecord]]  # column -> level -> counts
    data_hash: str
    library_versions: dict[str, str] = field(default_factory=dict)
    encoder: FastColumns | None = None

    def predict(self, frame: pd.DataFrame) -> FloatArray:
        """Calibrated P(in work at the 12-month follow-up) of each row of ``frame``."""
        if self.encoder is None:
            return _predict(self.pipeline, self.calibrator, frame)
        rated = self.pipeline[0].transform(frame[list(FEATURES)])
        return self.predict_encoded(self.encoder.transform(rated))

    def fast_encoder(self) -> FastColumns:
        """The fitted columns as lookup tables (built once if the model lacks them)."""
        if self.encoder is None:
            raise OutcomeError(f"model {self.version!r} was saved without its fast encoder")
        return self.encoder

    def predict_encoded(self, x: FloatArray) -> FloatArray:
        """:meth:`predict` from rows the columns already encoded (``FastColumns``)."""
        raw = self.pipeline[-1].predict_proba(x)[:, 1]
        a, b = float(self.calibrator.coef_[0, 0]), float(self.calibrator.intercept_[0])
        out: FloatArray = 1.0 / (1.0 + np.exp(-(a * _logit(raw)[:, 0] + b)))
        return out


Progress = Callable[[str, float], None]


class FastColumns:
    """The fitted ``ColumnTransformer`` as lookup tables, for scoring a few rows fast.

    Each output column depends on one input column (imputer, scaler and one-hot encoder
    all work column by column), so the transformer is probed once: per numeric input,
    its block is affine in the value with a fixed vector for a missing one; per
    category, its block is a table of levels, unseen levels reading as the transformer
    reads them. Scoring then skips the transformer's per-call validation, which costs
    far more than the arithmetic on a request's few dozen rows.
    """

    #: The level name of the index every never-seen level gets.
    UNSEEN = "\x00unseen"

    def __init__(self, columns: ColumnTransformer, reference: pd.DataFrame) -> None:
        self.numeric = [*NUMERIC, *(f"{c}_rate" for c in RATE_COLUMNS)]
        base = reference.iloc[[0]].reset_index(drop=True)
        self.base = columns.transform(base)[0]
        # Per numeric column: its block of output columns, their values at 0, their
        # slope, and their values for a missing input.
        self.affine: list[tuple[npt.NDArray[np.int64], FloatArray, FloatArray, FloatArray]] = []
        for column in self.numeric:
            probe = pd.concat([base] * 3, ignore_index=True)
            probe[column] = [0.0, 1.0, np.nan]
            out = columns.transform(probe)
            block = np.flatnonzero(~np.all(out == out[0], axis=0) | np.isnan(out).any(axis=0))
            zero = out[0, block]
            self.affine.append((block, zero, out[1, block] - zero, out[2, block]))
        # Per category: its block, its levels (the last one stands for every unseen
        # level) and the block's values per level.
        self.names: dict[str, list[str]] = {}
        self.index: dict[str, dict[str, int]] = {}
        self.tables: list[tuple[npt.NDArray[np.int64], FloatArray]] = []
        categories = columns.named_transformers_["categories"].categories_
        for k, column in enumerate(CATEGORICAL):
            levels = [*(str(v) for v in categories[k]), self.UNSEEN]
            probe = pd.concat([base] * len(levels), ignore_index=True)
            probe[column] = levels
            out = columns.transform(probe)
            block = np.flatnonzero(~np.all(out == out[0], axis=0))
            self.names[column] = levels
            self.index[column] = {level: i for i, level in enumerate(levels)}
            self.tables.append((block, out[:, block]))

    def level_index(
        self, column: str, values: Sequence[Any] | npt.NDArray[Any]
    ) -> npt.NDArray[np.int64]:
        """The level index of each of ``values`` of category ``column`` (unseen: the last)."""
        index = self.index[column]
        unseen = len(index) - 1
        return np.fromiter((index.get(str(v), unseen) for v in values), np.int64, count=len(values))

    def level_names(self, column: str) -> list[str]:
        """The levels of ``column`` by index (the last one is ``UNSEEN``)."""
        return self.names[column]

    def encode(self, numeric: FloatArray, levels: npt.NDArray[np.int64]) -> FloatArray:
        """The transformer's output from the numeric columns (``self.numeric`` order) and
        the category level indices (``CATEGORICAL`` order) of some rows."""
        out = np.tile(self.base, (numeric.shape[0], 1))
        for k, (block, zero, slope, missing) in enumerate(self.affine):
            x = numeric[:, k]
            values = zero[None, :] + x[:, None] * slope[None, :]
            nan = np.isnan(x)
            if nan.any():
                values[nan] = missing
            out[:, block] = values
        for k, (block, table) in enumerate(self.tables):
            out[:, block] = table[levels[:, k]]
        return out

    def transform(self, frame: pd.DataFrame) -> FloatArray:
        """The transformer's output for ``frame`` (FEATURES and the rate columns)."""
        numeric = frame[self.numeric].to_numpy(np.float64).reshape(len(frame), len(self.numeric))
        levels = np.empty((len(frame), len(CATEGORICAL)), np.int64)
        for k, column in enumerate(CATEGORICAL):
            levels[:, k] = self.level_index(column, frame[column].to_numpy())
        return self.encode(numeric, levels)


def _predict(pipeline: Pipeline, calibrator: LogisticRegression, frame: pd.DataFrame) -> FloatArray:
    raw = pipeline.predict_proba(frame[list(FEATURES)])[:, 1]
    out: FloatArray = calibrator.predict_proba(_logit(raw))[:, 1]
    return out


def _data_hash(data: OutcomeData) -> str:
    h = hashlib.sha256()
    for frame in (data.features[list(FEATURES)], data.follow_ups.astype(str)):
        h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    h.update(",".join(d.isoformat() for d in data.started_on).encode())
    return h.hexdigest()


def _records(data: OutcomeData) -> dict[str, dict[str, GroupRecord]]:
    f12 = data.follow_ups[f"m{MONTHS[-1]}"]
    known = f12.notna().to_numpy()
    lasted = f12.fillna(False).astype(bool).to_numpy()
    if "same_employer" in data.follow_ups:
        same = data.follow_ups["same_employer"].fillna(True).astype(bool).to_numpy()
    else:
        same = np.ones(len(f12), np.bool_)
    out: dict[str, dict[str, GroupRecord]] = {}
    for column in ("employer", "track"):
        stayed = lasted & same if column == "employer" else lasted
        values = data.features[column].to_numpy()
        table: dict[str, GroupRecord] = {}
        for level in set(values[known]):
            mask = known & (values == level)
            table[str(level)] = GroupRecord(int(mask.sum()), int(stayed[mask].sum()))
        out[column] = table
    return out


def _reference(features: pd.DataFrame) -> dict[str, Any]:
    ref: dict[str, Any] = {}
    for column in NUMERIC:
        median = features[column].median()
        ref[column] = float(median) if not math.isnan(median) else 0.0
    for column in CATEGORICAL:
        # An unseen level: the model reads it as the pooled rare levels.
        ref[column] = (
            features[column].mode().iat[0]
            if column in ("age_band", "literacy")
            else ("(a typical one)")
        )
    return ref


def _logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, 1e-6, 1.0 - 1e-6)
    out: FloatArray = np.log(q / (1.0 - q)).reshape(-1, 1)
    return out


@dataclass(frozen=True)
class Fitted:
    """A chosen, fitted and calibrated pipeline (what :func:`fit_calibrated` gives)."""

    classifier: str
    losses: dict[str, float]
    pipeline: Pipeline
    calibrator: LogisticRegression


def fit_calibrated(
    features: pd.DataFrame,
    follow_ups: pd.DataFrame,
    *,
    min_frequency: int,
    seed: int = 0,
    folds: int = 3,
) -> Fitted:
    """Choose the classifier by cross-validation, calibrate it, fit it on every row.

    Each candidate's out-of-fold predictions give its weighted log loss (folds keep a
    placement's proxy rows together); the lowest wins. Its out-of-fold predictions for
    the placements whose 12-month outcome is *known* then fit a sigmoid (Platt)
    calibration: the proxies help the model rank, but only real outcomes say what a
    probability means (calibrated on proxy rows, the bridge's pooled rates would pull
    every prediction toward the mean).

    Parameters
    ----------
    features : pandas.DataFrame
        One row per placement, ``FEATURES`` columns.
    follow_ups : pandas.DataFrame
        The same rows' ``m1 .. m12`` answers (see :func:`labels`).
    min_frequency : int
        Levels with fewer rows are pooled by the one-hot encoder.
    seed : int, default 0
    folds : int, default 3

    Returns
    -------
    Fitted
    """
    lab = labels(follow_ups.reset_index(drop=True))
    X = features.reset_index(drop=True).iloc[lab.index].reset_index(drop=True)[list(FEATURES)]
    y, w = lab.y, lab.weight
    splitter = GroupKFold(n_splits=folds)
    losses: dict[str, float] = {}
    oof: dict[str, FloatArray] = {}
    for name, (clf, scale) in candidate_classifiers(seed).items():
        pred = np.zeros(len(X))
        for train_idx, test_idx in splitter.split(X, y, groups=lab.index):
            pipe = build_pipeline(clone(clf), scale, min_frequency)
            _fit(pipe, X.iloc[train_idx], y[train_idx], w[train_idx])
            pred[test_idx] = pipe.predict_proba(X.iloc[test_idx])[:, 1]
        losses[name] = round(float(log_loss(y, pred, sample_weight=w, labels=[0, 1])), 5)
        oof[name] = pred
    best = min(losses, key=lambda k: losses[k])
    real = lab.known[lab.index]
    use = real if real.sum() >= 20 and 0 < y[real].sum() < real.sum() else np.ones_like(real)
    calibrator = LogisticRegression(C=1e4).fit(_logit(oof[best][use]), y[use], sample_weight=w[use])
    clf, scale = candidate_classifiers(seed)[best]
    final = _fit(build_pipeline(clf, scale, min_frequency), X, y, w)
    return Fitted(best, losses, final, calibrator)


def train(
    data: OutcomeData,
    *,
    version: str,
    min_outcomes: int = 200,
    holdout_share: float = 0.2,
    min_frequency: int = 10,
    report_min_cell: int = 11,
    seed: int = 0,
    progress: Progress | None = None,
    threads: int = 1,
) -> OutcomeModel:
    """Train, backtest held out in time, and refit on everything.

    Parameters
    ----------
    data : OutcomeData
    version : str
        The model's name (letters, digits, ``._-``).
    min_outcomes : int, default 200
        Fewer placements with any follow-up than this: no model (``OutcomeError``).
    holdout_share : float, default 0.2
        The latest placements (by start) held out; the backtest scores the model
        trained on the others against their known 12-month outcomes.
    min_frequency : int, default 10
        Employers, tracks and towns with fewer training rows are pooled.
    report_min_cell : int, default 11
        Metric groups smaller than this report their size only.
    seed : int, default 0
    progress : callable, optional
        ``progress(stage, fraction)``.
    threads : int, default 1
        Native threads (OpenMP, BLAS) the fitting may use. One by default: training
        runs beside the service's workers, and on a busy machine threads that wait for
        each other cost far more than they save (``benchmarks/README.md``).

    Returns
    -------
    OutcomeModel

    Raises
    ------
    OutcomeError
        A bad version name, too few outcomes, or a held-out period with no known
        12-month outcome of each kind.
    """
    if not _VERSION.match(version):
        raise OutcomeError(f"version {version!r} must be letters, digits, '.', '_' or '-'")
    with threadpool_limits(limits=threads):
        return _train(
            data,
            version=version,
            min_outcomes=min_outcomes,
            holdout_share=holdout_share,
            min_frequency=min_frequency,
            report_min_cell=report_min_cell,
            seed=seed,
            tell=progress or (lambda _s, _f: None),
        )


def _train(
    data: OutcomeData,
    *,
    version: str,
    min_outcomes: int,
    holdout_share: float,
    min_frequency: int,
    report_min_cell: int,
    seed: int,
    tell: Progress,
) -> OutcomeModel:
    started = time.perf_counter()
    months = [f"m{m}" for m in MONTHS]
    any_follow_up = data.follow_ups[months].notna().any(axis=1).to_numpy()
    if int(any_follow_up.sum()) < min_outcomes:
        raise OutcomeError(
            f"only {int(any_follow_up.sum())} placements have a follow-up; "
            f"{min_outcomes} are needed before a model is trained"
        )
    ordinals = np.array([d.toordinal() for d in data.started_on], np.int64)
    f12 = data.follow_ups[f"m{MONTHS[-1]}"]
    known = f12.notna().to_numpy()
    # The cut is among placements whose 12-month outcome is known: the latest ones
    # started under a year ago and could not be scored.
    cut = int(np.quantile(ordinals[known], 1.0 - holdout_share)) if known.any() else 0
    cutoff = date.fromordinal(max(cut, 1))
    train_rows = (ordinals < cut) & any_follow_up
    test_rows = (ordinals >= cut) & known
    y_test = f12[test_rows].astype(bool).astype(np.int64).to_numpy()
    if y_test.size == 0 or y_test.min() == y_test.max():
        raise OutcomeError(
            "the held-out placements (the latest with a 12-month follow-up) need "
            "outcomes of both kinds for a backtest"
        )
    tell("backtest", 0.0)
    held = fit_calibrated(
        data.features[train_rows],
        data.follow_ups[train_rows.tolist()],
        min_frequency=min_frequency,
        seed=seed,
    )
    p_test = _predict(held.pipeline, held.calibrator, data.features[test_rows])
    backtest = metrics(y_test, p_test, data.groups[test_rows], min_rows=report_min_cell)
    backtest["cutoff"] = cutoff.isoformat()
    backtest["reliability"] = reliability(y_test, p_test)
    tell("final", 0.5)
    final = fit_calibrated(
        data.features[any_follow_up],
        data.follow_ups[any_follow_up.tolist()],
        min_frequency=min_frequency,
        seed=seed,
    )
    tell("final", 1.0)
    first, last = min(data.started_on), max(data.started_on)
    full_labels = labels(data.follow_ups[any_follow_up.tolist()].reset_index(drop=True))
    return OutcomeModel(
        version=version,
        pipeline=final.pipeline,
        calibrator=final.calibrator,
        classifier=final.classifier,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        rows=int(any_follow_up.sum()),
        outcomes=int(full_labels.known.sum()),
        date_range=(first.isoformat(), last.isoformat()),
        metrics={
            **backtest,
            "cross_validation_log_loss": final.losses,
            "backtest_classifier": held.classifier,
            "bridge": {k: round(v, 4) for k, v in full_labels.bridge.items()},
            "training_seconds": round(time.perf_counter() - started, 2),
        },
        selection=SELECTION,
        reference=_reference(data.features),
        records=_records(data),
        data_hash=_data_hash(data),
        encoder=FastColumns(
            final.pipeline[1], final.pipeline[0].transform(data.features.iloc[:1][list(FEATURES)])
        ),
        library_versions={
            "scikit-learn": sklearn.__version__,
            "pandas": pd.__version__,
            "numpy": np.__version__,
            "joblib": joblib.__version__,
        },
    )


#: What the card says about who was placed where (also in matcher/README.md).
SELECTION: dict[str, Any] = {
    "placements_were_not_random": (
        "Counsellors placed survivors where the engine and their judgement pointed, so "
        "rarely-placed employers and tracks have few outcomes, and those few are of the "
        "survivors someone thought fit them best."
    ),
    "rarely_placed": (
        "An employer or track with few outcomes reads close to the rate of its kind of "
        "work (ShrunkRates: lasted + strength x family rate over placed + strength), and "
        "levels with fewer training rows than min_frequency are pooled: a pathway is "
        "neither written off after two people left nor oversold after two stayed."
    ),
    "never_placed": (
        "A pathway nobody was placed on reads its family's rate and the model's other "
        "inputs (pay against the living wage, aptitude, wish, distance); the reasons "
        "quote an employer's record only for groups of at least the report threshold."
    ),
}


# --- persistence ----------------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def card(model: OutcomeModel, sha256: str) -> dict[str, Any]:
    """The model's JSON card (everything but the pipeline)."""
    return {
        "version": model.version,
        "trained_at": model.trained_at,
        "rows": model.rows,
        "outcomes": model.outcomes,
        "date_range": list(model.date_range),
        "target": "in work at the 12-month follow-up",
        "features": list(FEATURES),
        "never_inputs": ["gender", "case code", "notes"],
        "classifier": model.classifier,
        "calibration": "sigmoid, fitted on out-of-fold predictions of known 12-month outcomes",
        "library_versions": model.library_versions,
        "data_hash": model.data_hash,
        "metrics": model.metrics,
        "selection": model.selection,
        "sha256": sha256,
    }


def _paths(folder: Path, version: str) -> tuple[Path, Path]:
    if not _VERSION.match(version):
        raise OutcomeError(f"version {version!r} is not a model name")
    return folder / f"{version}.joblib", folder / f"{version}.json"


def save_model(model: OutcomeModel, folder: str | Path) -> dict[str, Any]:
    """Write ``{version}.joblib``, ``{version}.json`` (the card) and ``{version}.svg``.

    Returns
    -------
    dict
        The card, with the sha256 of the joblib file.
    """
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    blob, meta = _paths(root, model.version)
    if blob.exists() or meta.exists():
        raise OutcomeError(f"a model named {model.version!r} exists already")
    joblib.dump(model, blob, compress=3)
    info = card(model, _sha256(blob))
    meta.write_text(json.dumps(info, indent=2, sort_keys=True), encoding="utf-8")
    chart = calibration_svg(model.metrics.get("reliability", []), f"Model {model.version}")
    (root / f"{model.version}.svg").write_text(chart, encoding="utf-8")
    return info


def read_card(folder: str | Path, version: str) -> dict[str, Any]:
    """The card of a saved model (``OutcomeError`` when there is none)."""
    _, meta = _paths(Path(folder), version)
    if not meta.is_file():
        raise OutcomeError(f"no model card {meta.name} in the model folder")
    info: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
    return info


def load_model(folder: str | Path, version: str) -> OutcomeModel:
    """Load a saved model from ``folder`` only, and only when its sha256 matches the card.

    Raises
    ------
    OutcomeError
        A name that is not a model name (no path can be smuggled in), a missing file,
        or a file whose sha256 differs from its card's (changed after it was saved).
    """
    root = Path(folder).resolve()
    blob, _ = _paths(root, version)
    info = read_card(root, version)
    if not blob.is_file():
        raise OutcomeError(f"no model file {blob.name} in the model folder")
    if _sha256(blob) != info.get("sha256"):
        raise OutcomeError(f"{blob.name} does not match the sha256 in its card: not loaded")
    model = joblib.load(blob)
    if not isinstance(model, OutcomeModel) or model.version != version:
        raise OutcomeError(f"{blob.name} is not the model {version!r}")
    return model
