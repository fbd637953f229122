"""Score components, each in [0, 1], and their weighted mean, vectorised.

``components`` returns a ``(len(COMPONENTS), n_candidates)`` array; ``score`` is the
weighted mean of its rows, multiplied by ``Settings.below_living_wage_factor`` where
the gross income is below the town's living wage (see README.md, "The living-wage
rule"). Gender is not an input of anything here.
"""

from __future__ import annotations

import numpy as np

from matcher.pathways import BoolArray, FloatArray, Int64Array, PreparedMarket
from matcher.safeguards import SurvivorContext
from matcher.types import Profile
from matcher.weights import COMPONENTS, Settings, Weights
from training_catalog.types import SKILL_FAMILIES

SCORE_DECIMALS = 4


def preference_value(rank: int, settings: Settings) -> float:
    """Preference component of the ``rank``-th wish (0-based)."""
    return max(1.0 - rank * settings.preference_step, settings.preference_floor)


def components(profile: Profile, prepared: PreparedMarket, ctx: SurvivorContext) -> FloatArray:
    """All score components of every candidate for one survivor.

    Parameters
    ----------
    profile : Profile
        Aptitudes, preferences and relocation are read; gender never is.
    prepared : PreparedMarket
    ctx : SurvivorContext

    Returns
    -------
    numpy.ndarray, shape ``(len(COMPONENTS), n_candidates)``, values in [0, 1].
    """
    p = prepared
    s = p.settings
    n = p.n_candidates
    out = np.empty((len(COMPONENTS), n), np.float64)

    # aptitude: 0-5 assessment of the skill family the pathway uses.
    family_apt = np.full(len(SKILL_FAMILIES) + 1, s.unassessed_aptitude)
    for family, level in profile.aptitudes.items():
        if family in SKILL_FAMILIES:
            family_apt[SKILL_FAMILIES.index(family)] = min(max(level, 0), 5) / 5.0
    np.take(family_apt, p.cand_family, out=out[0])

    # preference: rank of the track or occupation among the wishes; half credit for
    # a pathway in the skill family of a wish.
    _preference(profile, p, s, out[1])

    # income and demand depend on the market only.
    out[2] = p.cand_income
    out[3] = p.cand_demand

    # location: home province, a named town, elsewhere; the venue for own business.
    # The shares of work town, training town and venue are precomputed per pathway.
    town_factor = np.where(
        ctx.home_town,
        s.location_home,
        np.where(ctx.willing_town, s.location_willing, s.location_elsewhere),
    )
    loc = out[4]
    np.take(town_factor, p.cand_town, out=loc)
    loc *= p.cand_loc_work
    train = np.take(town_factor, p.cand_train_town)
    train *= p.cand_loc_train
    loc += train
    loc += p.cand_loc_venue

    out[5] = p.cand_commitment
    return out


def _preference(profile: Profile, p: PreparedMarket, s: Settings, out: FloatArray) -> None:
    if not profile.preferences:
        out[:] = 0.0
        return
    # Per-track, per-occupation and per-family values of the best wish they match.
    track_value = np.zeros(len(p.tracks) + 1, np.float64)
    occ_value = np.zeros(len(p.occupations), np.float64)
    family_value = np.zeros(len(SKILL_FAMILIES) + 1, np.float64)
    for rank, code in enumerate(profile.preferences):
        value = preference_value(rank, s)
        ti = p.track_index.get(code)
        oi = p.occupation_index.get(code)
        family = -1
        if ti is not None:
            track_value[ti] = max(track_value[ti], value)
            family = int(p.track_family[ti])
        if oi is not None:
            occ_value[oi] = max(occ_value[oi], value)
            family = int(p.occ_family[oi]) if family < 0 else family
        if family >= 0:
            family_value[family] = max(family_value[family], s.same_family_preference * value)
    # A wish met directly counts as itself; otherwise part credit for its skill family.
    np.take(occ_value, p.cand_occ, out=out)
    if track_value.any():
        np.maximum(out, np.take(track_value, p.cand_track), out=out)
    if family_value.any():
        by_family = np.take(family_value, p.cand_family)
        np.copyto(out, by_family, where=out == 0.0)


def fit(comps: FloatArray, weights: Weights) -> FloatArray:
    """Weighted mean of the components (before the living-wage rule), in [0, 1]."""
    return np.clip(weighted_sum(comps, weights), 0.0, 1.0)


def weighted_sum(comps: FloatArray, weights: Weights) -> FloatArray:
    """``w @ comps`` without BLAS: einsum's own single-threaded loop.

    A BLAS matrix-vector product may start threads; on a busy machine (gunicorn
    workers, other jobs) waiting for them cost 10-15 ms a call in the benchmark,
    against 0.3 ms for this loop.
    """
    w = np.asarray(weights.normalised(), np.float64)
    out: FloatArray = np.einsum("i,ij->j", w, comps)
    return out


def score(comps: FloatArray, p: PreparedMarket, weights: Weights) -> FloatArray:
    """Final score in [0, 1]: the fit, times the below-living-wage factor where it applies.

    Not rounded (ranking uses full precision); the engine rounds what it shows to
    ``SCORE_DECIMALS``, and since rounding keeps order, the best rounded score of a
    track equals the rounded best score (``track_scores`` relies on it).
    """
    out = weighted_sum(comps, weights)
    out *= p.cand_lw_factor
    # Guard against 1 + 1e-16 from floating-point sums.
    np.minimum(out, 1.0, out=out)
    return out


def top_k(scores: FloatArray, mask: BoolArray, k: int) -> Int64Array:
    """Indices of the ``k`` best masked candidates, best first; ties by lower index.

    Deterministic: the same inputs always give the same order.
    """
    idx = np.flatnonzero(mask)
    if k <= 0 or idx.size == 0:
        return np.zeros(0, np.int64)
    vals = scores[idx]
    if idx.size > k:
        part = np.argpartition(-vals, k - 1)[:k]
        cutoff = vals[part].min()
        # Keep every tie at the cut-off so the tie-break below is by index, not by
        # argpartition's arbitrary choice.
        keep = vals >= cutoff
        idx, vals = idx[keep], vals[keep]
    order = np.lexsort((idx, -vals))[:k]
    return np.asarray(idx[order], np.int64)
