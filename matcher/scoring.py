"""Score components, each in [0, 1], their weighted mean (the *fit*), and the score.

A survivor's components are built from small per-survivor *tables* (aptitude per
skill family, wish value per track, occupation and family, location factor per
town) gathered into candidate-length arrays. Three ways to use them, one formula:

- :func:`components`: the ``(len(COMPONENTS), n)`` matrix (tests, benchmarks);
- :func:`components_at`: the same for a few rows (the items shown);
- :func:`fused_score`: the final score of every row without building the matrix,
  weights folded into the tables (the engine's hot path; ``score(components(...))``
  gives the same numbers up to floating-point rounding, a tested property).

The score is ``(band + fit) / BANDS``: the fit decides the order inside a band, and
the band puts every livable pathway above every one below the living wage, and every
pathway outside a flagged (casino) town above every one inside (README, "The score's
shape"). Gender is not an input of anything here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.prepared import BoolArray, FloatArray, Int64Array, PreparedMarket
from matcher.safeguards import SurvivorContext
from matcher.types import Profile
from matcher.weights import COMPONENTS, GOOD_APTITUDE, Settings, Weights
from training_catalog.types import SKILL_FAMILIES

SCORE_DECIMALS = 4

#: Score bands (``Money.band``): livable or not, times flagged town or not.
BANDS = 4.0


def aptitude_value(level: float, settings: Settings) -> float:
    """The aptitude component of a 0-5 level: a step where the survivor becomes good at
    the trade (``GOOD_APTITUDE``), worth ``good_aptitude_share``, plus the rest times
    ``level / 5``.

    The study's failure was a trainee "not good at it": on a linear scale a 2 and a 3
    differ as little as a 4 and a 5, and the cohort's allocation traded talent away
    for small gains elsewhere. Monotone in the level (more aptitude never lowers a
    pathway) and in [0, 1].
    """
    share = settings.good_aptitude_share
    good = share if level >= GOOD_APTITUDE else 0.0
    return good + (1.0 - share) * level / 5.0


def preference_value(rank: int, settings: Settings) -> float:
    """Preference component of the ``rank``-th wish (0-based)."""
    return max(1.0 - rank * settings.preference_step, settings.preference_floor)


@dataclass(frozen=True, slots=True)
class Tables:
    """One survivor's small lookup tables (sentinel entries last where indexed by -1)."""

    aptitude: FloatArray  # per skill family + sentinel
    track_wish: FloatArray  # per track + sentinel (0)
    occupation_wish: FloatArray  # per occupation
    family_wish: FloatArray  # per skill family + sentinel
    town_factor: FloatArray  # per town + sentinel


def tables(profile: Profile, p: PreparedMarket, ctx: SurvivorContext) -> Tables:
    """Build one survivor's tables from the profile (aptitudes, wishes, towns)."""
    s = p.settings
    # aptitude: 0-5 assessment of the skill family the pathway uses.
    aptitude = np.full(len(SKILL_FAMILIES) + 1, aptitude_value(s.unassessed_aptitude * 5.0, s))
    for family, level in profile.aptitudes.items():
        if family in SKILL_FAMILIES:
            aptitude[SKILL_FAMILIES.index(family)] = aptitude_value(min(max(level, 0), 5), s)
    # preference: the best wish each track, occupation and family matches.
    track_wish = np.zeros(len(p.catalog.tracks) + 1, np.float64)
    occupation_wish = np.zeros(len(p.catalog.occupations), np.float64)
    family_wish = np.zeros(len(SKILL_FAMILIES) + 1, np.float64)
    for rank, code in enumerate(profile.preferences):
        value = preference_value(rank, s)
        ti = p.catalog.track_index.get(code)
        oi = p.catalog.occupation_index.get(code)
        fam = -1
        if ti is not None:
            track_wish[ti] = max(track_wish[ti], value)
            fam = int(p.catalog.track_family[ti])
        if oi is not None:
            occupation_wish[oi] = max(occupation_wish[oi], value)
            fam = int(p.catalog.occ_family[oi]) if fam < 0 else fam
            # A wish for an occupation is a wish for the training that leads to it,
            # as the cohort's figures and the status quo read it: every pathway of
            # such a track meets the wish, whichever job it ends in.
            for led in p.catalog.occupation_tracks[oi]:
                track_wish[led] = max(track_wish[led], value)
        if fam >= 0:
            family_wish[fam] = max(family_wish[fam], s.same_family_preference * value)
    # location: home province, a named town, elsewhere.
    town_factor = np.where(
        ctx.home_town,
        s.location_home,
        np.where(ctx.willing_town, s.location_willing, s.location_elsewhere),
    ).astype(np.float64)
    return Tables(aptitude, track_wish, occupation_wish, family_wish, town_factor)


def preference_of(t: Tables, track: Int64Array, occ: Int64Array, family: Int64Array) -> FloatArray:
    """The preference component of the rows given by their track, occupation and family.

    A wish met directly (track or occupation) counts as itself; otherwise part credit
    for a wish in the same skill family.
    """
    out: FloatArray = np.take(t.occupation_wish, occ)
    if t.track_wish.any():
        np.maximum(out, np.take(t.track_wish, track), out=out)
    if t.family_wish.any():
        np.copyto(out, np.take(t.family_wish, family), where=out == 0.0)
    return out


def _wished(
    t: Tables, track: Int64Array, occ: Int64Array, family: Int64Array, part: float
) -> FloatArray:
    # The wish side of the talent-wish interaction: 1 for a stated wish (track or
    # occupation), ``part`` for a pathway only in the skill family of one, 0 otherwise.
    # Not the wish's rank: every wished pathway of a family gains the same from more
    # aptitude, so raising it never lifts another wish over this one.
    direct = np.take(t.occupation_wish, occ) > 0.0
    if t.track_wish.any():
        direct |= np.take(t.track_wish, track) > 0.0
    out = direct.astype(np.float64)
    if t.family_wish.any():
        np.copyto(out, part, where=~direct & (np.take(t.family_wish, family) > 0.0))
    return out


def _location(
    t: Tables,
    town: Int64Array,
    train_town: Int64Array,
    work_share: FloatArray,
    train_share: FloatArray,
    venue_part: FloatArray | None,
) -> FloatArray:
    # Shares of work town, training town and venue are precomputed per pathway. The
    # venue part does not depend on the survivor: the fused score caches it instead.
    out: FloatArray = np.take(t.town_factor, town)
    out *= work_share
    train = np.take(t.town_factor, train_town)
    train *= train_share
    out += train
    if venue_part is not None:
        out += venue_part
    return out


def components_at(
    profile: Profile,
    prepared: PreparedMarket,
    ctx: SurvivorContext,
    rows: Int64Array | None = None,
    tabs: Tables | None = None,
) -> FloatArray:
    """Score components of the candidates ``rows`` (all when ``None``).

    Parameters
    ----------
    profile : Profile
        Aptitudes, preferences and relocation are read; gender never is.
    prepared : PreparedMarket
    ctx : SurvivorContext
    rows : numpy.ndarray of intp, optional
        Candidate indices.
    tabs : Tables, optional
        The survivor's tables, when already built.

    Returns
    -------
    numpy.ndarray, shape ``(len(COMPONENTS), len(rows))``, values in [0, 1], rows in
    ``COMPONENTS`` order.
    """
    p = prepared
    t = tabs or tables(profile, p, ctx)

    def at(a: np.ndarray) -> np.ndarray:
        return a if rows is None else a[rows]

    family = at(p.candidates.family)
    n = family.shape[0]
    out = np.empty((len(COMPONENTS), n), np.float64)
    track, occ = at(p.candidates.track), at(p.candidates.occ)
    np.take(t.aptitude, family, out=out[0])
    out[1] = preference_of(t, track, occ, family)
    out[2] = out[0] * _wished(t, track, occ, family, p.settings.same_family_preference)
    out[3] = at(p.money.income)
    out[4] = at(p.hiring.demand)
    out[5] = _location(
        t,
        at(p.candidates.town),
        at(p.candidates.train_town),
        at(p.location.work_share),
        at(p.location.train_share),
        at(p.location.venue_part),
    )
    out[6] = at(p.hiring.commitment)
    return out


def components(profile: Profile, prepared: PreparedMarket, ctx: SurvivorContext) -> FloatArray:
    """All score components of every candidate: ``components_at`` with every row."""
    return components_at(profile, prepared, ctx)


def weighted_sum(comps: FloatArray, weights: Weights) -> FloatArray:
    """``w @ comps`` without BLAS: einsum's own single-threaded loop.

    A BLAS matrix-vector product may start threads, and on a busy machine (gunicorn
    workers, other jobs) waiting for them costs more than the whole loop (figures in
    ``benchmarks/README.md``).
    """
    w = np.asarray(weights.normalised(), np.float64)
    out: FloatArray = np.einsum("i,ij->j", w, comps)
    return out


def banded(fit: FloatArray, band: FloatArray) -> FloatArray:
    """The score ``(band + fit) / BANDS`` in [0, 1], from a fit in [0, 1] (in place)."""
    # Guard against 1 + 1e-16 from floating-point sums.
    np.clip(fit, 0.0, 1.0, out=fit)
    fit += band
    fit /= BANDS
    return fit


def score(comps: FloatArray, p: PreparedMarket, weights: Weights) -> FloatArray:
    """Final score in [0, 1] from a full component matrix (see :func:`fused_score`)."""
    return banded(weighted_sum(comps, weights), p.money.band)


def fused_score(
    profile: Profile,
    p: PreparedMarket,
    ctx: SurvivorContext,
    weights: Weights,
    tabs: Tables | None = None,
) -> FloatArray:
    """Final score of every candidate, without building the component matrix.

    Equal to ``score(components(...), p, weights)`` up to floating-point rounding (a
    tested property), but cheaper: weights are folded into the survivor's tables;
    the market-only part (income, demand, commitment, venue, and location as if every
    town were "elsewhere") is computed once per weights and cached on ``p``; and the
    few rows a survivor changes from that (their wishes, their home and named towns)
    are touched through ``p``'s row groups instead of gathering over every row.

    Not rounded (ranking uses full precision); the engine rounds what it shows to
    ``SCORE_DECIMALS``, and since rounding keeps order, the best rounded score of a
    track equals the rounded best score (``track_scores`` relies on it).
    """
    s = p.settings
    # Weights divided by BANDS: the fit arrives already scaled into its band, and the
    # band's offset is part of the cached market part (no extra pass per survivor).
    w = {k: v / BANDS for k, v in zip(COMPONENTS, weights.normalised(), strict=True)}
    t = tabs or tables(profile, p, ctx)
    out = np.take(t.aptitude * w["aptitude"], p.candidates.family)
    out += _market_part(p, w["income"], w["demand"], w["commitment"], w["location"])
    if (w["preference"] > 0.0 or w["talent_wish"] > 0.0) and profile.preferences:
        pref, direct, part = _preference_by_groups(t, p)
        pref *= w["preference"]
        out += pref
        if w["talent_wish"] > 0.0:
            # Only the wished rows (and those of a wished family) have the interaction.
            talent = t.aptitude * w["talent_wish"]
            family = p.candidates.family
            out[direct] += np.take(talent, family[direct])
            out[part] += np.take(talent * s.same_family_preference, family[part])
    if w["location"] > 0.0:
        # Towns whose factor differs from "elsewhere" (home province, named towns).
        delta = (t.town_factor[:-1] - s.location_elsewhere) * w["location"]
        g, loc = p.groups, p.location
        for town in np.flatnonzero(delta):
            rows = g.town_rows[g.town_start[town] : g.town_start[town + 1]]
            out[rows] += delta[town] * loc.work_share[rows]
            rows = g.train_rows[g.train_start[town] : g.train_start[town + 1]]
            out[rows] += delta[town] * loc.train_share[rows]
    # Guard against 1 + 1e-16 from floating-point sums.
    np.clip(out, 0.0, 1.0, out=out)
    return out


def _preference_by_groups(
    t: Tables, p: PreparedMarket
) -> tuple[FloatArray, Int64Array, Int64Array]:
    # Same values as preference_of, touching only the rows of the survivor's wishes;
    # also the rows _wished gives 1 (a stated wish) and those it gives the part credit.
    # Small index arrays, not full-length ones: fresh large arrays cost page faults.
    out = np.zeros(p.n_candidates, np.float64)
    g = p.groups
    direct: list[Int64Array] = []
    part: list[Int64Array] = []
    for ti in np.flatnonzero(t.track_wish[:-1]):
        start = int(g.track_start[ti])
        block = slice(start, start + int(g.track_count[ti]))
        np.maximum(out[block], t.track_wish[ti], out=out[block])
        direct.append(np.arange(block.start, block.stop, dtype=np.int64))
    for oi in np.flatnonzero(t.occupation_wish):
        rows = g.occ_rows[g.occ_start[oi] : g.occ_start[oi + 1]]
        out[rows] = np.maximum(out[rows], t.occupation_wish[oi])
        # Rows of a wished track are in ``direct`` already (a row has one occupation,
        # so the occupations' rows never overlap each other).
        direct.append(rows[np.take(t.track_wish, p.candidates.track[rows]) == 0.0])
    for fi in np.flatnonzero(t.family_wish):
        rows = g.family_rows[g.family_start[fi] : g.family_start[fi + 1]]
        current = out[rows]
        unwished = current == 0.0
        out[rows] = np.where(unwished, t.family_wish[fi], current)
        part.append(rows[unwished])
    none = np.zeros(0, np.int64)
    wished = np.concatenate(direct) if direct else none
    return out, wished, (np.concatenate(part) if part else none)


def _market_part(
    p: PreparedMarket, income: float, demand: float, commitment: float, location: float
) -> FloatArray:
    # Everything of the score that depends on the market only: income, demand,
    # commitment, the venue's share of location, location as if every town were
    # "elsewhere" (fused_score adds the difference for the survivor's own towns), and
    # the band's offset (the weights come divided by BANDS).
    key = (income, demand, commitment, location)
    cached = p.cache.get(key)
    if cached is None:
        elsewhere = p.settings.location_elsewhere
        loc = p.location
        cached = (
            income * p.money.income
            + demand * p.hiring.demand
            + commitment * p.hiring.commitment
            + location * (loc.venue_part + elsewhere * (loc.work_share + loc.train_share))
            + p.money.band / BANDS
        )
        cached.setflags(write=False)
        # A plain dict: at worst two threads compute the same array once each.
        p.cache[key] = cached
    return cached


def top_k(
    scores: FloatArray, mask: BoolArray, k: int, prefer: BoolArray | None = None
) -> Int64Array:
    """Indices of the ``k`` best masked candidates, best first.

    Ties go first to the candidates ``prefer`` marks, then to the lower index.
    Deterministic: the same inputs always give the same order.
    """
    idx = np.flatnonzero(mask)
    if k <= 0 or idx.size == 0:
        return np.zeros(0, np.int64)
    vals = scores[idx]
    if idx.size > k:
        part = np.argpartition(-vals, k - 1)[:k]
        cutoff = vals[part].min()
        # The tie-break is by preference then index, not argpartition's arbitrary
        # choice. Scores often tie (saturated components), so the ties at the cut-off
        # are taken in index order (``idx`` is sorted) rather than sorted.
        above = vals > cutoff
        tied = idx[vals == cutoff]
        if prefer is not None:
            tied = np.concatenate((tied[prefer[tied]], tied[~prefer[tied]]))
        head = _ordered(idx[above], vals[above], prefer)
        return np.concatenate((head, tied[: k - head.size])).astype(np.int64)
    return _ordered(idx, vals, prefer)


def best_of(
    scores: FloatArray, rows: Int64Array, k: int, prefer: BoolArray | None = None
) -> Int64Array:
    """The ``k`` best of ``rows``, in :func:`top_k`'s order (a mask of only ``rows``
    gives the same), without a pass over every candidate."""
    idx = np.sort(rows)
    return _ordered(idx, scores[idx], prefer)[: max(k, 0)]


def _ordered(idx: Int64Array, vals: FloatArray, prefer: BoolArray | None) -> Int64Array:
    # Best score first; ties to the preferred rows, then to the lower index.
    second = np.zeros(idx.size, np.int8) if prefer is None else (~prefer[idx]).astype(np.int8)
    order = np.lexsort((idx, second, -vals))
    return np.asarray(idx[order], np.int64)


def with_retention(
    scores: FloatArray,
    retention: FloatArray,
    rows: Int64Array,
    p: PreparedMarket,
    weights: Weights,
) -> FloatArray:
    """Scores of ``rows`` with the ``retention`` component joined at its weight.

    The one place the outcome model enters the score. Retention joins the fit, not the
    band: with ``w`` retention's share of all the weights, the fit becomes
    ``(1 - w) * fit + w * retention`` and the score ``(band + fit) / BANDS``, so a
    pathway the model expects to last never jumps the living wage or a flagged town
    (``scores`` are the scores without it).
    """
    w = retention_share(weights)
    band = p.money.band[rows]
    fit = scores[rows] * BANDS - band
    out: FloatArray = (band + (1.0 - w) * fit + w * retention) / BANDS
    np.clip(out, 0.0, 1.0, out=out)
    return out


def retention_share(weights: Weights) -> float:
    """Retention's share of the sum of all weights (0 when its weight is 0)."""
    total = sum(getattr(weights, name) for name in COMPONENTS) + weights.retention
    return float(weights.retention / total)
