"""An outcome model as the engine uses it: retention per pathway, and its reasons.

:class:`Retention` answers two questions of a trained :class:`~matcher.outcomes.
OutcomeModel` for one survivor's candidate rows: the calibrated chance of still being
in work at 12 months (:meth:`Retention.probabilities`), and the counsellor's sentences
about it (:meth:`Retention.reasons`).

The model's own ``predict`` reads a pandas frame of :data:`~matcher.outcomes.FEATURES`
and goes through the fitted pipeline; at a request's few dozen rows that costs far more
in frames, validation and per-row lookups than the arithmetic. So the model is
*compiled* once per prepared market (:class:`MarketColumns`): every input that does
not depend on the survivor (net income over the living wage, training length, the
employer's and the track's shrunk rates, and the level of each category) becomes an
array over the market's rows, and a request only gathers its rows, adds the
survivor's few inputs (aptitude, wish, distance, age band, literacy) and encodes them
through the model's :class:`~matcher.outcomes.FastColumns`. The numbers are the
pipeline's (a tested property).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from matcher.outcomes import (
    CATEGORICAL,
    FEATURE_WORDS,
    FEATURES,
    NO_EMPLOYER,
    NO_TRACK,
    NUMERIC,
    RATE_COLUMNS,
    OutcomeModel,
    age_band,
    aptitude_levels,
    distance_of,
    market_levels,
)
from matcher.prepared import FloatArray, Int64Array, PreparedMarket
from matcher.safeguards import SurvivorContext
from matcher.scoring import Tables, components_at
from matcher.types import Profile
from matcher.weights import COMPONENTS

_WISH = COMPONENTS.index("preference")
_COMMITMENT = COMPONENTS.index("commitment")


@dataclass(frozen=True)
class Inputs:
    """Rows of the model's inputs before encoding: numbers and category levels.

    ``numeric`` has the encoder's numeric columns (``NUMERIC`` then the rate columns),
    ``levels`` the level index of each ``CATEGORICAL`` column (the encoder's unseen
    index for a level it never saw).
    """

    numeric: FloatArray  # (rows, len(NUMERIC) + len(RATE_COLUMNS))
    levels: Int64Array  # (rows, len(CATEGORICAL))


class MarketColumns:
    """What the model reads of one prepared market, as arrays over its rows."""

    def __init__(self, model: OutcomeModel, p: PreparedMarket) -> None:
        encoder = model.fast_encoder()
        self.encoder = encoder
        self.model = model
        self._rates = rates = model.pipeline[0]
        self.names = names = market_levels(p)
        track, town = p.candidates.track, p.candidates.town
        family, outlet = p.candidates.family, p.candidates.outlet
        self.ratio = names.net_over_living_wage
        self.months = names.months[track]
        self.track = encoder.level_index("track", names.tracks)[track]
        self.town = encoder.level_index("town", names.towns)[town]
        self.family = encoder.level_index("family", names.families)[family]
        self.employer = encoder.level_index("employer", names.employers)[outlet]
        # The shrunk rates depend on (level, family) pairs: few distinct ones.
        by_column = {"employer": (names.employers, outlet), "track": (names.tracks, track)}
        self.rates = np.empty((track.size, len(RATE_COLUMNS)), np.float64)
        for k, column in enumerate(RATE_COLUMNS):
            levels, index = by_column[column]
            keys = index * len(names.families) + family
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            values = np.array(
                [rates.rate(column, levels[index[i]], names.families[family[i]]) for i in first],
                np.float64,
            )
            self.rates[:, k] = values[inverse]

    def inputs(
        self,
        profile: Profile,
        p: PreparedMarket,
        ctx: SurvivorContext,
        rows: Int64Array,
        tabs: Tables | None,
    ) -> Inputs:
        """The model's inputs for one survivor's candidate ``rows``."""
        comps = components_at(profile, p, ctx, rows, tabs)
        values = {
            "aptitude": aptitude_levels(profile)[p.candidates.family[rows]],
            "wish": comps[_WISH],
            "net_over_living_wage": self.ratio[rows],
            "distance": distance_of(ctx, p.candidates.town[rows]),
            "training_months": self.months[rows],
            "commitment": comps[_COMMITMENT],
        }
        numeric = np.empty((rows.size, len(NUMERIC) + len(RATE_COLUMNS)), np.float64)
        for k, column in enumerate(NUMERIC):
            numeric[:, k] = values[column]
        numeric[:, len(NUMERIC) :] = self.rates[rows]
        per_row = {
            "employer": self.employer,
            "track": self.track,
            "town": self.town,
            "family": self.family,
        }
        survivor = {"age_band": age_band(ctx.age), "literacy": profile.literacy}
        levels = np.empty((rows.size, len(CATEGORICAL)), np.int64)
        for k, column in enumerate(CATEGORICAL):
            if column in per_row:
                levels[:, k] = per_row[column][rows]
            else:
                levels[:, k] = self.encoder.level_index(column, [survivor[column]])[0]
        return Inputs(numeric, levels)

    def predict(self, x: Inputs) -> FloatArray:
        """Calibrated P(in work at 12 months) of each row of ``x``."""
        return self.model.predict_encoded(self.encoder.encode(x.numeric, x.levels))

    def swapped(self, x: Inputs) -> Inputs:
        """Each row of ``x`` once per input of ``FEATURES``, that input set to the model's
        reference value (a typical placement's), in ``FEATURES``-major order.

        Swapping the employer, the track or the kind of work also swaps the shrunk rates
        that depend on it, as the pipeline would compute them for that row.
        """
        n = x.levels.shape[0]
        enc, ref = self.encoder, self.model.reference
        numeric = np.tile(x.numeric, (len(FEATURES), 1))
        levels = np.tile(x.levels, (len(FEATURES), 1))
        for j, column in enumerate(FEATURES):
            part = slice(j * n, (j + 1) * n)
            if column in NUMERIC:
                numeric[part, NUMERIC.index(column)] = float(ref[column])
                continue
            levels[part, CATEGORICAL.index(column)] = enc.level_index(column, [ref[column]])[0]
            if column in ("employer", "track", "family"):
                numeric[part, len(NUMERIC) :] = self._swapped_rates(x, column, str(ref[column]))
        return Inputs(numeric, levels)

    def _swapped_rates(self, x: Inputs, column: str, value: str) -> FloatArray:
        out = np.empty((x.levels.shape[0], len(RATE_COLUMNS)), np.float64)
        enc = self.encoder
        names = {c: enc.level_names(c) for c in ("employer", "track", "family")}
        for i in range(x.levels.shape[0]):
            level = {
                c: value if c == column else names[c][x.levels[i, CATEGORICAL.index(c)]]
                for c in names
            }
            for k, rate_column in enumerate(RATE_COLUMNS):
                out[i, k] = self._rates.rate(rate_column, level[rate_column], level["family"])
        return out


#: Per prepared market (weakly: dropped with it), per model: the compiled columns. The
#: model is kept beside them so that its ``id`` cannot be reused while they live.
_COMPILED: weakref.WeakKeyDictionary[PreparedMarket, dict[int, tuple[OutcomeModel, MarketColumns]]]
_COMPILED = weakref.WeakKeyDictionary()
#: Models compiled per market at most (a registry rarely has more than one active).
MODELS_PER_MARKET = 3


def compiled(model: OutcomeModel, p: PreparedMarket) -> MarketColumns:
    """``model`` compiled against ``p``, built once per pair."""
    per = _COMPILED.setdefault(p, {})
    got = per.get(id(model))
    if got is None or got[0] is not model:
        while len(per) >= MODELS_PER_MARKET:
            per.pop(next(iter(per)))
        got = per[id(model)] = (model, MarketColumns(model, p))
    return got[1]


@dataclass(frozen=True)
class Retention:
    """An outcome model as the engine uses it: probabilities and their reasons.

    ``report_min_cell``: an employer's or a track's record is quoted only for groups of
    at least this many placements with a 12-month follow-up.
    """

    model: OutcomeModel
    report_min_cell: int = 11

    @property
    def version(self) -> str:
        """The model's name, as ``model_version`` cites it."""
        return self.model.version

    def columns(self, p: PreparedMarket) -> MarketColumns:
        """The model compiled against ``p``: built on first use, kept while ``p`` lives."""
        return compiled(self.model, p)

    def probabilities(
        self,
        profile: Profile,
        prepared: PreparedMarket,
        ctx: SurvivorContext,
        rows: Int64Array,
        tabs: Tables | None = None,
    ) -> FloatArray:
        """Calibrated P(in work at 12 months) of candidate ``rows`` (empty: empty)."""
        if rows.size == 0:
            return np.zeros(0, np.float64)
        columns = self.columns(prepared)
        return columns.predict(columns.inputs(profile, prepared, ctx, rows, tabs))

    def effects(
        self,
        profile: Profile,
        prepared: PreparedMarket,
        ctx: SurvivorContext,
        rows: Int64Array,
        tabs: Tables | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """The probabilities of ``rows``, and per input of ``FEATURES`` (first axis) and
        row, the probability less what it would be with that input at a typical
        placement's value: positive where the input raises the chance of lasting."""
        columns = self.columns(prepared)
        x = columns.inputs(profile, prepared, ctx, rows, tabs)
        swapped = columns.swapped(x)
        # One call for the rows and their swaps: each call to the classifier costs its
        # input checks (about 0.4 ms) whatever the number of rows.
        both = columns.predict(
            Inputs(np.vstack([x.numeric, swapped.numeric]), np.vstack([x.levels, swapped.levels]))
        )
        p = both[: rows.size]
        return p, p[None, :] - both[rows.size :].reshape(len(FEATURES), -1)

    def reasons(
        self,
        profile: Profile,
        prepared: PreparedMarket,
        ctx: SurvivorContext,
        rows: Int64Array,
        tabs: Tables | None = None,
    ) -> list[tuple[str, ...]]:
        """Per row, the counsellor's sentences: the chance, the records of the employer
        and the track (large enough groups only), and the inputs that raise and lower
        it most against a typical placement."""
        if rows.size == 0:
            return []
        p, effects = self.effects(profile, prepared, ctx, rows, tabs)
        names = self.columns(prepared).names
        records = self.model.records
        out: list[tuple[str, ...]] = []
        for i, row in enumerate(rows):
            words = [
                f"Chance of still being in work after a year: {round(100 * p[i])}% "
                f"(outcome model {self.version})"
            ]
            employer = str(names.employers[prepared.candidates.outlet[row]])
            track = str(names.tracks[prepared.candidates.track[row]])
            rec = records.get("employer", {}).get(employer)
            if employer != NO_EMPLOYER and rec and rec.followed >= self.report_min_cell:
                words.append(
                    f"Of {rec.followed} placed with this employer, {rec.lasted} were still "
                    "there after a year"
                )
            rec = records.get("track", {}).get(track)
            if track != NO_TRACK and rec and rec.followed >= self.report_min_cell:
                words.append(
                    f"Of {rec.followed} placed after this track, {rec.lasted} were still in "
                    "work after a year"
                )
            order = np.argsort(effects[:, i], kind="stable")
            low, high = int(order[0]), int(order[-1])
            if effects[high, i] >= 0.01:
                words.append(f"Raises it most: {FEATURE_WORDS[FEATURES[high]]}")
            if effects[low, i] <= -0.01:
                words.append(f"Lowers it most: {FEATURE_WORDS[FEATURES[low]]}")
            out.append(tuple(words))
        return out
