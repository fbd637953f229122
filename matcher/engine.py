"""The engine's public entry points: ``recommend`` and ``track_scores``.

One survivor against one market::

    rec = recommend(profile, market, catalog, vacancies, today=date.today())

Many survivors against the same market (a cohort, a batch job, the api's cache)::

    prepared = prepare_market(market, catalog, vacancies)
    for profile in profiles:
        rec = recommend_prepared(profile, prepared, today=today)

Both give identical results; ``prepare_market`` is the one-off part (see
``benchmarks/README.md`` for its cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from market_survey.types import MarketSnapshot
from matcher import explain
from matcher.pathways import prepare_market
from matcher.prepared import (
    OWN_BUSINESS,
    VACANCY,
    BoolArray,
    FloatArray,
    Int8Array,
    Int64Array,
    PreparedMarket,
)
from matcher.results import (
    EmployerRef,
    ExcludedItem,
    OccupationRef,
    Recommendation,
    RecommendationItem,
    TownRef,
    TrackRef,
    TrackScores,
)
from matcher.retention import Retention
from matcher.rules import NO_RULE, NOT_A_CANDIDATE, RULE_NAMES
from matcher.safeguards import SurvivorContext, first_rule, survivor_context
from matcher.scoring import (
    SCORE_DECIMALS,
    Tables,
    best_of,
    components_at,
    fused_score,
    preference_of,
    retention_share,
    tables,
    top_k,
    with_retention,
)
from matcher.types import Profile, Vacancy
from matcher.weights import COMPONENTS, VENUES, Settings, Weights
from training_catalog.types import Catalog

#: Stored with every recommendation, so that it can be explained later. Bump it
#: whenever a rule, a component or a default weight changes.
MODEL_VERSION = "matcher-1.4"

NO_JOB_DATA = "No vacancy or survey row for the occupations this track leads to this season"

#: Pathways (the best by the other components, at least 4 x ``limit``) whose retention
#: is predicted before the top ``limit`` are taken.
RETENTION_POOL = 64


def model_version(retention: Retention | None) -> str:
    """``MODEL_VERSION``, and the outcome model's name when one joins the score."""
    return MODEL_VERSION if retention is None else f"{MODEL_VERSION}+outcomes-{retention.version}"


@dataclass(frozen=True)
class _Evaluation:
    market: PreparedMarket  # the market scored: ``prepared`` or its untrained head
    ctx: SurvivorContext
    tables: Tables
    rule: Int8Array
    allowed: BoolArray
    scores: FloatArray


def _evaluate(
    profile: Profile, prepared: PreparedMarket, today: date, weights: Weights | None
) -> _Evaluation:
    ctx = survivor_context(profile, prepared, today)
    if prepared.untrained is not None and not ctx.trained_occupation.any():
        # No completed track: the rows after the head are no candidates for them.
        prepared = prepared.untrained
    rule = first_rule(prepared, ctx)
    tabs = tables(profile, prepared, ctx)
    scores = fused_score(profile, prepared, ctx, weights or Weights(), tabs)
    allowed = rule == NO_RULE
    _undominated_top(scores, allowed, prepared, tabs)
    return _Evaluation(prepared, ctx, tabs, rule, allowed, scores)


def _top(scores: FloatArray, mask: BoolArray, p: PreparedMarket) -> int:
    # The engine's own first pick (the tie-break of recommend_prepared).
    top = top_k(scores, mask, 1, prefer=p.candidates.track < 0)
    return int(top[0]) if top.size else -1


def _top_of(scores: FloatArray, rows: Int64Array, p: PreparedMarket) -> int:
    # The first pick among ``rows`` (sorted), with recommend_prepared's tie-break.
    vals = scores[rows]
    best = rows[vals == vals.max()]
    trackless = best[p.candidates.track[best] < 0]
    return int((trackless if trackless.size else best)[0])


def _undominated_top(
    scores: FloatArray, allowed: BoolArray, p: PreparedMarket, tabs: Tables
) -> None:
    """Lift a pathway that dominates the top pick to the top, in place.

    A pathway dominates the top pick when it is at least as good on aptitude and on
    the wish, pays a higher net income, and is in the same band (a livable pathway
    outside flagged towns is never displaced by one below the living wage or in a
    casino town). The best-scoring dominating pathway takes the top score, and the
    check repeats from it until no allowed pathway dominates the top: net income
    grows at every step, so it ends. The old top is left one step below, so the
    shown (rounded) scores still read in rank order.
    """
    top = _top(scores, allowed, p)
    if top < 0:
        return
    first = top
    c, money = p.candidates, p.money
    i = np.array([top])
    top_apt = float(tabs.aptitude[c.family[top]])
    top_pref = float(preference_of(tabs, c.track[i], c.occ[i], c.family[i])[0])
    rows = np.flatnonzero(allowed & (money.net > money.net[top]) & (money.band == money.band[top]))
    fam = c.family[rows]
    apt = np.take(tabs.aptitude, fam)
    keep = apt >= top_apt
    rows, apt, fam = rows[keep], apt[keep], fam[keep]
    pref = preference_of(tabs, c.track[rows], c.occ[rows], fam)
    keep = pref >= top_pref
    # Whatever dominates a dominating pathway dominates the top too: every later
    # round looks only among these rows.
    rows, apt, pref = rows[keep], apt[keep], pref[keep]
    net = money.net[rows]
    while rows.size:
        top = _top_of(scores, rows, p)
        j = int(np.searchsorted(rows, top))
        keep = (apt >= apt[j]) & (pref >= pref[j]) & (net > net[j])
        rows, apt, pref, net = rows[keep], apt[keep], pref[keep], net[keep]
    if top != first:
        best = float(scores[first])
        scores[top] = best
        scores[first] = np.nextafter(best, -np.inf)
        # Equal scores go to the lower index: keep the lifted one first among them.
        ties = np.flatnonzero(allowed & (scores == best))
        ties = ties[ties != top]
        scores[ties] = np.nextafter(best, -np.inf)


def recommend(
    profile: Profile,
    market: MarketSnapshot,
    catalog: Catalog,
    vacancies: Sequence[Vacancy],
    *,
    today: date,
    limit: int = 10,
    include_excluded: bool = False,
    weights: Weights | None = None,
    settings: Settings | None = None,
) -> Recommendation:
    """Recommend the best pathways for one survivor, with reasons.

    Builds every candidate pathway (track -> occupation -> work town -> vacancy, open
    market or own business; and with no track, occupations learned on the job or
    already trained for), removes those a hard rule forbids, scores the rest and
    returns the ``limit`` best.

    Parameters
    ----------
    profile : Profile
        The survivor. ``gender`` is never read.
    market : MarketSnapshot
        The season's jobs and living costs.
    catalog : Catalog
        Towns, occupations and tracks.
    vacancies : Sequence[Vacancy]
        Registered vacancies (unvetted, closed or full ones are excluded with a reason).
    today : date
        The day of the request: decides the survivor's lowest possible age.
    limit : int, default 10
        How many items (and, with ``include_excluded``, excluded pathways) to return.
    include_excluded : bool, default False
        Also return the best-scoring excluded pathways with what stands in the way,
        at most ``limit``, one per (track, occupation, reason).
    weights : Weights, optional
        Component weights (default ``Weights()``).
    settings : Settings, optional
        Engine settings (default ``Settings()``).

    Returns
    -------
    Recommendation
        Items ranked 1..k by score (ties broken by candidate order, reproducibly).

    Raises
    ------
    MatcherInputError
        The market, catalog and vacancies disagree on town or occupation codes.
    ValueError
        ``limit`` is negative.
    """
    prepared = prepare_market(market, catalog, vacancies, settings=settings)
    return recommend_prepared(
        profile,
        prepared,
        today=today,
        limit=limit,
        include_excluded=include_excluded,
        weights=weights,
    )


def recommend_prepared(
    profile: Profile,
    prepared: PreparedMarket,
    *,
    today: date,
    limit: int = 10,
    include_excluded: bool = False,
    weights: Weights | None = None,
    retention: Retention | None = None,
) -> Recommendation:
    """:func:`recommend` against a market prepared once with :func:`prepare_market`.

    Same parameters and result as :func:`recommend`; the settings are those the
    market was prepared with. With ``retention`` (an outcome model) and a retention
    weight above 0, the items' scores include ``components["retention"]``, their
    reasons say what the model expects and why, and ``model_version`` names it.
    """
    if limit < 0:
        raise ValueError("limit must be >= 0")
    w = weights or Weights()
    ev = _evaluate(profile, prepared, today, w)
    p = ev.market
    use = retention is not None and retention_share(w) > 0.0
    if retention is not None and use:
        ev, chosen, kept = _with_retention(profile, ev, w, retention, limit)
    else:
        # At an equal score, working now beats training again for the same work:
        # someone who completed a tailoring track is not sent to another one first.
        chosen = top_k(ev.scores, ev.allowed, limit, prefer=p.candidates.track < 0)
    comps = components_at(profile, p, ev.ctx, chosen, ev.tables)
    extra: list[tuple[float, tuple[str, ...]]] = []
    if retention is not None and use:
        words = retention.reasons(profile, p, ev.ctx, chosen, ev.tables)
        extra = [(float(kept[int(i)]), words[k]) for k, i in enumerate(chosen)]
    items = tuple(
        _item(rank, int(i), comps[:, rank - 1], profile, p, ev, extra[rank - 1] if extra else None)
        for rank, i in enumerate(chosen, start=1)
    )
    excluded: tuple[ExcludedItem, ...] = ()
    if include_excluded:
        excluded = _best_excluded(profile, p, ev, limit)
    candidates = int(np.count_nonzero(ev.rule != NOT_A_CANDIDATE))
    return Recommendation(
        survivor_id=profile.survivor_id,
        model_version=model_version(retention if use else None),
        items=items,
        excluded=excluded,
        candidates=candidates,
        allowed=int(np.count_nonzero(ev.allowed)),
    )


def track_scores(
    profile: Profile,
    market: MarketSnapshot,
    catalog: Catalog,
    vacancies: Sequence[Vacancy],
    *,
    today: date,
    weights: Weights | None = None,
    settings: Settings | None = None,
) -> TrackScores:
    """Best score per track for one survivor: the input of the cohort allocation.

    Parameters
    ----------
    profile, market, catalog, vacancies, today, weights, settings
        As in :func:`recommend`.

    Returns
    -------
    TrackScores
        ``scores[code]`` is the best score among the survivor's allowed pathways
        through that track (the very score ``recommend`` shows for that pathway);
        ``excluded[code]`` says why no pathway through the track is allowed.
    """
    prepared = prepare_market(market, catalog, vacancies, settings=settings)
    return track_scores_prepared(profile, prepared, today=today, weights=weights)


def track_scores_prepared(
    profile: Profile,
    prepared: PreparedMarket,
    *,
    today: date,
    weights: Weights | None = None,
    retention: Retention | None = None,
) -> TrackScores:
    """:func:`track_scores` against a market prepared once with :func:`prepare_market`.

    With ``retention``, every allowed pathway through a track is scored with its
    retention joined, and ``TrackScores.retention`` gives, per track, the retention of
    its best-scoring pathway (what the allocation maximises the sum of).
    """
    w = weights or Weights()
    ev = _evaluate(profile, prepared, today, w)
    p = ev.market
    n_tracks = len(p.catalog.tracks)
    # Track rows come first, one contiguous block per track: segment reductions.
    n_rows = int(p.groups.track_count.sum())
    has = p.groups.track_count > 0
    starts = p.groups.track_start[has]
    row_scores = ev.scores[:n_rows]
    row_retention: FloatArray | None = None
    if retention is not None and retention_share(w) > 0.0:
        rows = np.flatnonzero(ev.allowed[:n_rows]).astype(np.int64)
        r = retention.probabilities(profile, p, ev.ctx, rows, ev.tables)
        row_scores = np.array(row_scores, copy=True)
        row_scores[rows] = with_retention(ev.scores, r, rows, p, w)
        row_retention = np.zeros(n_rows)
        row_retention[rows] = r
    best = np.full(n_tracks, -1.0)
    first_blocked = np.full(n_tracks, -1, np.int64)
    best_row = np.full(n_tracks, -1, np.int64)
    if starts.size:
        best[has] = np.maximum.reduceat(np.where(ev.allowed[:n_rows], row_scores, -1.0), starts)
        rows = np.arange(n_rows, dtype=np.int64)
        track_best = np.append(best, -1.0)[p.candidates.track[:n_rows]]
        at_best = np.where(ev.allowed[:n_rows] & (row_scores == track_best), rows, n_rows)
        best_row[has] = np.minimum.reduceat(at_best, starts)
        if (has & (best < 0)).any():
            # The best-scoring row of a track with no allowed row is an excluded one;
            # the first such row (lowest index) gives the reason, reproducibly.
            seg_max = np.full(n_tracks, np.inf)
            seg_max[has] = np.maximum.reduceat(row_scores, starts)
            rows = np.arange(n_rows, dtype=np.int64)
            at_max = np.where(row_scores == seg_max[p.candidates.track[:n_rows]], rows, n_rows)
            first_blocked[has] = np.minimum.reduceat(at_max, starts)

    scores: dict[str, float] = {}
    excluded: dict[str, str] = {}
    net: dict[str, float] = {}
    livable: dict[str, bool] = {}
    kept: dict[str, float] = {}
    for ti, track in enumerate(p.catalog.tracks):
        if best[ti] >= 0:
            scores[track.code] = round(float(best[ti]), SCORE_DECIMALS)
            row = int(best_row[ti])
            net[track.code] = round(float(p.money.net[row]), 2)
            livable[track.code] = bool(p.money.meets[row])
            if row_retention is not None:
                kept[track.code] = round(float(row_retention[row]), SCORE_DECIMALS)
        elif first_blocked[ti] >= 0:
            i = int(first_blocked[ti])
            excluded[track.code] = explain.excluded_reason(profile, p, ev.ctx, i, int(ev.rule[i]))
        else:
            excluded[track.code] = NO_JOB_DATA
    return TrackScores(
        scores=scores, excluded=excluded, net_income=net, livable=livable, retention=kept
    )


def _refs(
    i: int, p: PreparedMarket
) -> tuple[TrackRef | None, OccupationRef, TownRef, EmployerRef | None, int | None]:
    ti = int(p.candidates.track[i])
    track = None
    if ti >= 0:
        t = p.catalog.tracks[ti]
        track = TrackRef(t.code, t.name, t.town, t.duration_months, t.seats_available)
    occ = p.catalog.occupations[int(p.candidates.occ[i])]
    town = p.catalog.towns[int(p.candidates.town[i])]
    vac = p.outlets.vacancy[int(p.candidates.outlet[i])]
    employer = EmployerRef(vac.employer_id, vac.employer_name) if vac is not None else None
    return (
        track,
        OccupationRef(occ.code, occ.name),
        TownRef(town.code, town.name, town.tourist_hub),
        employer,
        vac.id if vac is not None else None,
    )


def _with_retention(
    profile: Profile, ev: _Evaluation, weights: Weights, retention: Retention, limit: int
) -> tuple[_Evaluation, Int64Array, dict[int, float]]:
    # Two stages: retention is predicted for the pool of the best pathways by the other
    # components, and the top ``limit`` of the pool by the joined score are shown. A
    # pathway outside the pool is not shown even if its retention would lift it: with
    # retention's default share, that takes a pathway both far down the list and far
    # likelier to last than every one above it.
    p = ev.market
    size = max(RETENTION_POOL, 4 * limit)
    prefer = p.candidates.track < 0
    pool = top_k(ev.scores, ev.allowed, size, prefer=prefer)
    r = retention.probabilities(profile, p, ev.ctx, pool, ev.tables)
    scores = np.array(ev.scores, copy=True)
    scores[pool] = with_retention(ev.scores, r, pool, p, weights)
    chosen = best_of(scores, pool, limit, prefer=prefer)
    kept = {int(i): float(v) for i, v in zip(pool, r, strict=True)}
    ev = _Evaluation(ev.market, ev.ctx, ev.tables, ev.rule, ev.allowed, scores)
    return ev, chosen, kept


def _item(
    rank: int,
    i: int,
    comps: FloatArray,
    profile: Profile,
    p: PreparedMarket,
    ev: _Evaluation,
    retained: tuple[float, tuple[str, ...]] | None = None,
) -> RecommendationItem:
    track, occ, town, employer, vacancy_id = _refs(i, p)
    outlet = int(p.candidates.outlet[i])
    own = int(p.outlets.kind[outlet]) == OWN_BUSINESS
    net = float(p.money.net[i])
    start = explain.startup(float(p.outlets.startup[outlet]), net, p.settings) if own else None
    reasons, warnings = explain.reasons(profile, p, ev.ctx, i, start)
    named = {name: round(float(comps[j]), SCORE_DECIMALS) for j, name in enumerate(COMPONENTS)}
    if retained is not None:
        named["retention"] = round(retained[0], SCORE_DECIMALS)
        reasons = (*reasons, *retained[1])
    venue_i = int(p.outlets.venue[outlet])
    return RecommendationItem(
        rank=rank,
        pathway="self_employment" if own else "employment",
        track=track,
        occupation=occ,
        town=town,
        employer=employer,
        vacancy_id=vacancy_id if int(p.outlets.kind[outlet]) == VACANCY else None,
        warnings=warnings,
        gross_income_usd_month=round(float(p.money.gross[i]), 2),
        living_costs_usd_month=round(float(p.money.living_costs[i]), 2),
        net_income_usd_month=round(net, 2),
        living_wage_usd_month=round(float(p.money.living_wage[i]), 2),
        meets_living_wage=bool(p.money.meets[i]),
        score=round(float(ev.scores[i]), SCORE_DECIMALS),
        components=named,
        reasons=reasons,
        venue=_venue_name(venue_i) if own else None,
        startup=start,
    )


def _venue_name(i: int) -> str | None:
    return VENUES[i] if 0 <= i < len(VENUES) else None


#: How many excluded candidates, per one shown, to look through for distinct ones.
_EXCLUDED_POOL = 25


def _best_excluded(
    profile: Profile, p: PreparedMarket, ev: _Evaluation, limit: int
) -> tuple[ExcludedItem, ...]:
    # The best-scoring excluded pathways, one per (track, occupation, reason): a
    # training town the survivor refused reads the same for every work town, and
    # ten copies of one obstacle would hide the others.
    mask = (ev.rule > NOT_A_CANDIDATE) & (ev.rule != NO_RULE)
    out: list[ExcludedItem] = []
    seen: set[tuple[str | None, str, str]] = set()
    for i in top_k(ev.scores, mask, limit * _EXCLUDED_POOL):
        item = _excluded(int(i), profile, p, ev)
        key = (item.track.code if item.track else None, item.occupation.code, item.reason)
        if key in seen:
            continue
        seen.add(key)
        out.append(item)
        if len(out) == limit:
            break
    return tuple(out)


def _excluded(i: int, profile: Profile, p: PreparedMarket, ev: _Evaluation) -> ExcludedItem:
    track, occ, town, employer, vacancy_id = _refs(i, p)
    rule = int(ev.rule[i])
    return ExcludedItem(
        track=track,
        occupation=occ,
        town=town,
        employer=employer,
        vacancy_id=vacancy_id,
        reason=explain.excluded_reason(profile, p, ev.ctx, i, rule),
        rule=RULE_NAMES.get(rule, "unknown"),
        score=round(float(ev.scores[i]), SCORE_DECIMALS),
    )
