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

_UNLISTED = np.iinfo(np.int32).max
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
    out[0] = family_apt[p.cand_family]

    # preference: rank of the track or occupation among the wishes; half credit for
    # a pathway in the skill family of a wish.
    out[1] = _preference(profile, p, s)

    # income and demand depend on the market only.
    out[2] = p.cand_income
    out[3] = p.cand_demand

    # location: home province, a named town, elsewhere; the venue for own business.
    town_factor = np.where(
        ctx.home_town,
        s.location_home,
        np.where(ctx.willing_town, s.location_willing, s.location_elsewhere),
    )
    work = town_factor[p.cand_town]
    train = town_factor[p.cand_train_town]
    loc = np.where(
        p.cand_track >= 0,
        (1.0 - s.location_training_share) * work + s.location_training_share * train,
        work,
    )
    out[4] = np.where(
        p.cand_self, (1.0 - s.venue_share) * loc + s.venue_share * p.cand_venue_factor, loc
    )

    out[5] = p.cand_commitment
    return out


def _preference(profile: Profile, p: PreparedMarket, s: Settings) -> FloatArray:
    if not profile.preferences:
        return np.zeros(p.n_candidates, np.float64)
    track_rank = np.full(len(p.tracks) + 1, _UNLISTED, np.int64)
    occ_rank = np.full(len(p.occupations), _UNLISTED, np.int64)
    family_rank = np.full(len(SKILL_FAMILIES) + 1, _UNLISTED, np.int64)
    for rank, code in enumerate(profile.preferences):
        ti = p.track_index.get(code)
        oi = p.occupation_index.get(code)
        family = -1
        if ti is not None:
            track_rank[ti] = min(track_rank[ti], rank)
            family = int(p.track_family[ti])
        if oi is not None:
            occ_rank[oi] = min(occ_rank[oi], rank)
            family = int(p.occ_family[oi]) if family < 0 else family
        if family >= 0:
            family_rank[family] = min(family_rank[family], rank)
    direct = np.minimum(track_rank[p.cand_track], occ_rank[p.cand_occ])
    by_family = family_rank[p.cand_family]
    values = np.array([preference_value(r, s) for r in range(len(profile.preferences))] + [0.0])
    capped_direct = np.minimum(direct, len(profile.preferences))
    capped_family = np.minimum(by_family, len(profile.preferences))
    return np.where(
        direct < _UNLISTED,
        values[capped_direct],
        s.same_family_preference * values[capped_family],
    )


def fit(comps: FloatArray, weights: Weights) -> FloatArray:
    """Weighted mean of the components (before the living-wage rule), in [0, 1]."""
    w = np.asarray(weights.normalised(), np.float64)
    return np.clip(w @ comps, 0.0, 1.0)


def score(comps: FloatArray, meets: BoolArray, weights: Weights, settings: Settings) -> FloatArray:
    """Final score in [0, 1]: the fit, times the below-living-wage factor where it applies.

    Rounded to ``SCORE_DECIMALS`` so that recommendations and ``track_scores`` agree
    exactly and ties are real ties.
    """
    factor = np.where(meets, 1.0, settings.below_living_wage_factor)
    return np.round(fit(comps, weights) * factor, SCORE_DECIMALS)


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
