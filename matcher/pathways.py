"""``prepare_market``: every candidate pathway of a market, as arrays, built once.

Track -> occupation -> work town -> outlet. The profile-independent part of every
candidate (its money, demand, location shape, static hard rules) is computed here, in
steps: the catalog's arrays, the towns' living costs, the outlets, the candidates, then
one part of :class:`~matcher.prepared.PreparedMarket` per thing they describe. A
survivor's recommendation then only gathers from small per-town, per-track and
per-occupation arrays, so ~100,000 candidates are filtered and scored per request
without building anything market-sized.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from market_survey.types import MarketSnapshot
from matcher import rules as R
from matcher.errors import MatcherInputError
from matcher.prepared import (
    MARKET,
    OWN_BUSINESS,
    VACANCY,
    BoolArray,
    Candidates,
    CatalogArrays,
    FloatArray,
    Hiring,
    Int8Array,
    Int64Array,
    IntArray,
    Location,
    Money,
    Outlets,
    PreparedMarket,
    RowGroups,
    RuleCodes,
    TownCosts,
)
from matcher.safeguards import work_year
from matcher.types import AvoidList, Vacancy
from matcher.weights import VENUES, Settings
from training_catalog.types import LITERACY_LEVELS, SKILL_FAMILIES, Catalog

__all__ = ["PreparedMarket", "prepare_market"]

#: Employer vetting status codes (vacancy outlets); market and own business use 0.
EMPLOYER_STATUSES: tuple[str, ...] = ("vetted", "pending", "rejected", "suspended")


def prepare_market(
    market: MarketSnapshot,
    catalog: Catalog,
    vacancies: Sequence[Vacancy],
    *,
    settings: Settings | None = None,
    avoid: AvoidList | None = None,
) -> PreparedMarket:
    """Build the profile-independent candidate arrays of one market.

    Parameters
    ----------
    market : MarketSnapshot
        The season's normalised jobs and living costs (US$/month).
    catalog : Catalog
        Towns, occupations and training tracks.
    vacancies : Sequence[Vacancy]
        Registered vacancies, in any state: closed, full or unvetted ones stay as
        candidates so that the engine can say why they are not offered.
    settings : Settings, optional
        Engine settings (defaults: ``Settings()``).
    avoid : AvoidList, optional
        Towns and employers no one is sent to: every pathway working or training in a
        listed town, and every vacancy of a listed employer, is excluded with the
        list's reason (default: an empty list).

    Returns
    -------
    PreparedMarket

    Raises
    ------
    MatcherInputError
        A survey row, vacancy or track names a town or occupation the catalog lacks.
    """
    settings = settings or Settings()
    avoid = avoid or AvoidList()
    cat = _catalog_arrays(catalog)
    costs = _town_costs(market, cat.town_index)
    table = _concat(_vacancy_outlets(vacancies, cat, avoid), *_survey_outlets(market, cat))
    candidates, n_untrained = _candidates(table, cat)
    rules = _rule_codes(candidates, table, cat, avoid)
    prepared = PreparedMarket(
        settings=settings,
        catalog=cat,
        town_costs=costs,
        outlets=Outlets(table.kind, table.venue, table.startup, table.vacancy),
        candidates=candidates,
        rules=rules,
        money=_money(candidates, table, costs, rules.flagged),
        hiring=_hiring(candidates, table, cat, settings),
        location=_location(candidates, table, cat, settings),
        groups=_row_groups(candidates, cat),
        avoid=avoid,
    )
    _freeze(prepared)
    if n_untrained < prepared.n_candidates:
        prepared = replace(prepared, untrained=_head(prepared, n_untrained))
    return prepared


# --- the catalog and the towns' costs --------------------------------------------------


def _bool_col(values: Sequence[bool]) -> BoolArray:
    return np.asarray(values, dtype=np.bool_)


def _catalog_arrays(catalog: Catalog) -> CatalogArrays:
    towns = tuple(catalog.towns.values())
    town_index = {t.code: i for i, t in enumerate(towns)}
    occupations = tuple(catalog.occupations.values())
    occupation_index = {o.code: i for i, o in enumerate(occupations)}
    family_index = {f: i for i, f in enumerate(SKILL_FAMILIES)}
    literacy_index = {lv: i for i, lv in enumerate(LITERACY_LEVELS)}
    tracks = tuple(catalog.tracks)
    for t in tracks:
        if t.town not in town_index:
            raise MatcherInputError(f"track {t.code}: town {t.town} not in the catalog")
        missing = [o for o in t.occupations if o not in occupation_index]
        if missing:
            raise MatcherInputError(f"track {t.code}: occupations {missing} not in the catalog")
    track_occupations = tuple(
        tuple(dict.fromkeys(occupation_index[o] for o in t.occupations)) for t in tracks
    )
    leads_to: list[list[int]] = [[] for _ in occupations]
    for ti, track_occs in enumerate(track_occupations):
        for oi in track_occs:
            leads_to[oi].append(ti)
    return CatalogArrays(
        towns=towns,
        town_index=town_index,
        town_province=np.array([t.province for t in towns], dtype=np.str_),
        occupations=occupations,
        occupation_index=occupation_index,
        occ_family=np.array([family_index.get(o.skill_family, -1) for o in occupations], np.int32),
        occ_on_the_job=_bool_col([o.on_the_job for o in occupations]),
        tracks=tracks,
        track_index={t.code: i for i, t in enumerate(tracks)},
        track_occupations=track_occupations,
        occupation_tracks=tuple(tuple(ts) for ts in leads_to),
        track_town=np.array([town_index[t.town] for t in tracks] + [-1], np.int32),
        track_family=np.array(
            [family_index.get(t.skill_family, -1) for t in tracks] + [-1], np.int32
        ),
        track_min_age=np.array([t.min_age for t in tracks] + [0], np.int32),
        track_min_literacy=np.array(
            [literacy_index.get(t.min_literacy, 0) for t in tracks] + [0], np.int32
        ),
        track_work_year=np.array(
            [work_year(t.next_start, t.duration_months) for t in tracks] + [0], np.int32
        ),
    )


def _indices(kind: str, codes: pd.Series, known: dict[str, int]) -> Int64Array:
    """Positions of ``codes`` in ``known`` (vectorised), or an error naming the unknown."""
    positions = pd.Index(list(known)).get_indexer(pd.Index(codes.astype(str)))
    if (positions < 0).any():
        unknown = sorted(set(codes.astype(str)[positions < 0]))
        raise MatcherInputError(f"{kind} codes not in the catalog: {', '.join(unknown[:10])}")
    return np.asarray(positions, dtype=np.int64)


def _town_costs(market: MarketSnapshot, town_index: dict[str, int]) -> TownCosts:
    n = len(town_index)
    food = np.full(n, np.nan)
    room = np.full(n, np.nan)
    other = np.full(n, np.nan)
    costs = market.living_costs
    if len(costs):
        idx = _indices("living-cost town", costs["town"], town_index)
        food[idx] = costs["food_usd_month"].to_numpy(dtype=np.float64)
        room[idx] = costs["room_usd_month"].to_numpy(dtype=np.float64)
        other[idx] = costs["other_usd_month"].to_numpy(dtype=np.float64)
    has = ~np.isnan(food)
    # Split in the surveyed towns' proportions, so that an employer who provides food
    # or a room still lowers the cost by a plausible amount.
    if has.any():
        total = food[has] + room[has] + other[has]
        safe = np.where(total > 0, total, 1.0)
        shares = np.array(
            [np.mean(food[has] / safe), np.mean(room[has] / safe), np.mean(other[has] / safe)]
        )
        if shares.sum() <= 0:
            shares = np.full(3, 1.0 / 3.0)
        shares = shares / shares.sum()
    else:
        shares = np.full(3, 1.0 / 3.0)
    wage = float(market.params.living_wage_usd_month)
    food[~has] = wage * shares[0]
    room[~has] = wage * shares[1]
    other[~has] = wage * shares[2]
    return TownCosts(food, room, other)


# --- outlets: vacancies, then the survey's wage rows, then its own-business rows ------


@dataclass(frozen=True, eq=False)
class _OutletTable:
    """Every outlet's facts, one entry each; only ``Outlets`` is kept after preparing."""

    kind: Int8Array
    occ: IntArray
    town: IntArray
    gross: FloatArray
    openings: FloatArray  # what counts towards demand: positions of offerable vacancies
    venue: Int8Array
    startup: FloatArray
    vacancy: tuple[Vacancy | None, ...]
    food_given: BoolArray
    room_given: BoolArray
    night_shift: BoolArray
    min_age: IntArray
    hires_track: IntArray  # the track an employer committed to hire from; -2 for none
    static: Int8Array  # the vacancy's own rule (vetting, closed, full), NO_RULE when none


def _vacancy_outlets(
    vacancies: Sequence[Vacancy], cat: CatalogArrays, avoid: AvoidList
) -> _OutletTable:
    for v in vacancies:
        if v.town not in cat.town_index or v.occupation not in cat.occupation_index:
            raise MatcherInputError(f"vacancy {v.id}: unknown town or occupation")
    status_code = {s: i for i, s in enumerate(EMPLOYER_STATUSES)}
    status = np.array([status_code.get(v.employer_status, 1) for v in vacancies], np.int8)
    is_open = _bool_col([v.is_open for v in vacancies])
    positions = np.array([v.positions_left for v in vacancies], np.int64)
    held = _bool_col([v.held_for_review for v in vacancies])
    listed = _bool_col([v.employer_id in avoid.employers for v in vacancies])
    offerable = (status == 0) & is_open & (positions > 0) & ~held & ~listed
    static = np.full(len(vacancies), R.NO_RULE, np.int8)
    # Ordered from least to most telling: later assignments win.
    static[positions <= 0] = R.VACANCY_FULL
    static[~is_open] = R.VACANCY_CLOSED
    static[status == 3] = R.EMPLOYER_SUSPENDED
    static[status == 2] = R.EMPLOYER_REJECTED
    static[status == 1] = R.EMPLOYER_PENDING
    static[held] = R.VACANCY_HELD
    static[listed] = R.LISTED_EMPLOYER
    n = len(vacancies)
    return _OutletTable(
        kind=np.full(n, VACANCY, np.int8),
        occ=np.array([cat.occupation_index[v.occupation] for v in vacancies], np.int32),
        town=np.array([cat.town_index[v.town] for v in vacancies], np.int32),
        gross=np.array([v.pay_usd_month for v in vacancies], np.float64),
        openings=np.where(offerable, np.maximum(positions, 0), 0).astype(np.float64),
        venue=np.full(n, -1, np.int8),
        startup=np.full(n, np.nan),
        vacancy=tuple(vacancies),
        food_given=_bool_col([v.provides_food for v in vacancies]),
        room_given=_bool_col([v.provides_room for v in vacancies]),
        night_shift=_bool_col([v.night_shift for v in vacancies]),
        min_age=np.array([v.min_age for v in vacancies], np.int32),
        hires_track=np.array(
            [cat.track_index.get(v.hires_from_track or "", -2) for v in vacancies], np.int32
        ),
        static=static,
    )


def _survey_outlets(
    market: MarketSnapshot, cat: CatalogArrays
) -> tuple[_OutletTable, _OutletTable]:
    """The open market (pay = mean of the rows' pay midpoints per town and occupation)
    and own businesses (per town, occupation and venue)."""
    jobs = market.jobs
    frame = pd.DataFrame(
        {
            "town": _indices("survey town", jobs["town"], cat.town_index),
            "occ": _indices("survey occupation", jobs["occupation"], cat.occupation_index),
            "employment": jobs["employment"].astype(str).to_numpy(),
            "venue": jobs["venue"].astype(str).to_numpy(),
            "mid": (
                jobs["pay_min_usd_month"].to_numpy(dtype=np.float64)
                + jobs["pay_max_usd_month"].to_numpy(dtype=np.float64)
            )
            / 2.0,
            "openings": jobs["openings"].to_numpy(dtype=np.int64),
            "startup": jobs["startup_cost_usd"].to_numpy(dtype=np.float64),
        }
    )
    wage = (
        frame[frame["employment"] == "wage"]
        .groupby(["town", "occ"], sort=True)
        .agg(mid=("mid", "mean"), openings=("openings", "sum"))
        .reset_index()
    )
    own = (
        frame[frame["employment"] == "self"]
        .groupby(["town", "occ", "venue"], sort=True)
        .agg(mid=("mid", "mean"), openings=("openings", "sum"), startup=("startup", "mean"))
        .reset_index()
    )
    venue = pd.Index(list(VENUES)).get_indexer(pd.Index(own["venue"].astype(str)))
    return (
        _survey_table(wage, MARKET, np.full(len(wage), -1, np.int8), np.full(len(wage), np.nan)),
        _survey_table(
            own, OWN_BUSINESS, venue.astype(np.int8), own["startup"].to_numpy(np.float64)
        ),
    )


def _survey_table(
    rows: pd.DataFrame, kind: int, venue: Int8Array, startup: FloatArray
) -> _OutletTable:
    n = len(rows)
    return _OutletTable(
        kind=np.full(n, kind, np.int8),
        occ=rows["occ"].to_numpy(np.int32),
        town=rows["town"].to_numpy(np.int32),
        gross=rows["mid"].to_numpy(np.float64),
        openings=rows["openings"].to_numpy(np.int64).astype(np.float64),
        venue=venue,
        startup=startup,
        vacancy=(None,) * n,
        food_given=np.zeros(n, np.bool_),
        room_given=np.zeros(n, np.bool_),
        night_shift=np.zeros(n, np.bool_),
        min_age=np.zeros(n, np.int32),
        hires_track=np.full(n, -2, np.int32),
        static=np.full(n, R.NO_RULE, np.int8),
    )


def _concat(*tables: _OutletTable) -> _OutletTable:
    joined: dict[str, Any] = {}
    for f in fields(_OutletTable):
        parts = [getattr(t, f.name) for t in tables]
        if f.name == "vacancy":
            joined[f.name] = tuple(v for part in parts for v in part)
        else:
            joined[f.name] = np.concatenate(parts).astype(parts[0].dtype)
    return _OutletTable(**joined)


# --- candidates: (track, outlet) for each occupation a track leads to, then no track --


def _candidates(table: _OutletTable, cat: CatalogArrays) -> tuple[Candidates, int]:
    """The candidate rows, and how many of them a survivor with no completed track can take.

    Track rows come first, track by track; then every outlet once with no track:
    offered when learned on the job or already trained for (decided per survivor).
    Outlets of on-the-job occupations come first among those: the rows after them are
    pathways only for a survivor who completed a track, so the others are scored on
    the rows before (``PreparedMarket.untrained``).
    """
    n_occ = len(cat.occupations)
    n_out = table.kind.shape[0]
    order = np.argsort(table.occ, kind="stable").astype(np.int64)
    counts = np.bincount(table.occ, minlength=n_occ).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    occs = cat.track_occupations
    edge_track = np.array([ti for ti, track_occs in enumerate(occs) for _ in track_occs], np.int64)
    edge_occ = np.array([o for track_occs in occs for o in track_occs], np.int64)
    per_edge = counts[edge_occ] if edge_occ.size else np.zeros(0, np.int64)
    total = int(per_edge.sum())
    rep_track = np.repeat(edge_track, per_edge)
    first = np.repeat(starts[edge_occ] if edge_occ.size else edge_occ, per_edge)
    offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    track_outlets = order[first + offset] if total else np.zeros(0, np.int64)
    on_the_job = cat.occ_on_the_job[table.occ] if n_occ else np.zeros(n_out, np.bool_)
    notrack_outlets = np.concatenate([np.flatnonzero(on_the_job), np.flatnonzero(~on_the_job)])
    n_untrained = int(rep_track.size + np.count_nonzero(on_the_job))

    track = np.concatenate([rep_track, np.full(n_out, -1, np.int64)]).astype(np.intp)
    outlet = np.concatenate([track_outlets, notrack_outlets]).astype(np.intp)
    occ = table.occ[outlet].astype(np.intp)
    family = np.where(track >= 0, cat.track_family[track], cat.occ_family[occ])
    candidates = Candidates(
        track=track,
        outlet=outlet,
        occ=occ,
        town=table.town[outlet].astype(np.intp),
        train_town=cat.track_town[track].astype(np.intp),
        family=family.astype(np.intp),
        notrack_occ=np.where(track < 0, occ, n_occ).astype(np.intp),
    )
    return candidates, n_untrained


# --- the parts of every candidate row -------------------------------------------------


def _rule_codes(
    c: Candidates, table: _OutletTable, cat: CatalogArrays, avoid: AvoidList
) -> RuleCodes:
    occupations = cat.occupations
    no_seats = _bool_col([t.seats_available <= 0 for t in cat.tracks] + [False])
    static = table.static[c.outlet].copy()
    static[no_seats[c.track]] = R.NO_SEATS
    # The admin's list: no work and no training in a listed town, for anyone.
    listed = _bool_col([t.code in avoid.towns for t in cat.towns] + [False])
    if listed.any():
        town_rule = np.where(listed, np.int8(R.LISTED_TOWN), np.int8(R.NO_RULE)).astype(np.int8)
        np.minimum(static, town_rule[c.town], out=static)
        np.minimum(static, town_rule[c.train_town], out=static)
    # Protections of minors, first applicable rule per candidate (see rules.py order).
    hazardous = _bool_col([o.hazardous for o in occupations])[c.occ]
    night = _bool_col([o.night_work for o in occupations])[c.occ] | table.night_shift[c.outlet]
    exploitation = _bool_col([o.exploitation_risk for o in occupations])[c.occ]
    minor = np.full(c.occ.shape[0], R.NO_RULE, np.int8)
    minor[exploitation] = R.MINOR_EXPLOITATION
    minor[night] = R.MINOR_NIGHT
    minor[hazardous] = R.MINOR_HAZARDOUS
    # A casino or border town with reported scam compounds, to work or to train in.
    casino = _bool_col([t.casino_town for t in cat.towns] + [False])
    flagged = casino[c.town] | casino[c.train_town]
    np.minimum(minor, np.where(flagged, R.MINOR_CASINO_TOWN, R.NO_RULE).astype(np.int8), out=minor)
    light = _bool_col([o.light_work for o in occupations])[c.occ]
    return RuleCodes(
        static=static,
        minor=minor,
        flagged=flagged,
        light=np.where(light, R.NO_RULE, R.UNDER_15_LIGHT).astype(np.int8),
        vacancy_min_age=table.min_age[c.outlet],
    )


def _money(c: Candidates, table: _OutletTable, costs: TownCosts, flagged: BoolArray) -> Money:
    # Vacancy pay or survey midpoint; the town's costs less what the employer provides.
    gross = table.gross[c.outlet]
    town = table.town
    outlet_costs = (
        np.where(table.food_given, 0.0, costs.food[town])
        + np.where(table.room_given, 0.0, costs.room[town])
        + costs.other[town]
    )
    living_costs = outlet_costs[c.outlet]
    living_wage = (costs.food + costs.room + costs.other)[c.town]
    net = gross - living_costs
    meets = gross >= living_wage
    safe_wage = np.where(living_wage > 0, living_wage, 1.0)
    return Money(
        gross=gross,
        living_costs=living_costs,
        net=net,
        living_wage=living_wage,
        meets=meets,
        income=np.clip(net / safe_wage, 0.0, 1.0),
        band=np.where(flagged, 0.0, 2.0) + meets,
    )


def _hiring(c: Candidates, table: _OutletTable, cat: CatalogArrays, settings: Settings) -> Hiring:
    # Openings per (town, occupation): survey rows plus positions of offerable vacancies.
    n_occ = max(len(cat.occupations), 1)
    key = table.town.astype(np.int64) * n_occ + table.occ
    per_town_occ = np.bincount(key, weights=table.openings, minlength=len(cat.towns) * n_occ)
    openings = per_town_occ[key].astype(np.int64)[c.outlet]
    demand = np.clip(np.log1p(openings) / np.log1p(settings.demand_saturation), 0.0, 1.0)
    committed = (table.hires_track[c.outlet] == c.track) & (c.track >= 0)
    return Hiring(openings=openings, demand=demand, commitment=committed.astype(np.float64))


def _location(
    c: Candidates, table: _OutletTable, cat: CatalogArrays, settings: Settings
) -> Location:
    # The shares of work town, training town and venue depend only on the pathway's
    # shape; the town factors are the survivor's.
    venue_values = np.array([settings.venue_factor.get(v, 0.5) for v in VENUES] + [np.nan])
    market_value = max(settings.tourist_hub_market, venue_values[VENUES.index("market")])
    hub = _bool_col([t.tourist_hub for t in cat.towns])[table.town]
    hub_market = (table.venue == VENUES.index("market")) & hub
    venue_factor = np.where(hub_market, market_value, venue_values[table.venue])[c.outlet]
    own = table.kind[c.outlet] == OWN_BUSINESS
    keep = np.where(own, 1.0 - settings.venue_share, 1.0)
    share_train = np.where(c.track >= 0, settings.location_training_share, 0.0)
    return Location(
        work_share=(1.0 - share_train) * keep,
        train_share=share_train * keep,
        venue_part=np.where(own, settings.venue_share * np.nan_to_num(venue_factor), 0.0),
    )


def _csr(keys: Int64Array, n_keys: int) -> tuple[Int64Array, Int64Array]:
    order = np.argsort(keys, kind="stable").astype(np.intp)
    start = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n_keys))]).astype(np.intp)
    return order, start


def _row_groups(c: Candidates, cat: CatalogArrays) -> RowGroups:
    n_towns, n_families = len(cat.towns), len(SKILL_FAMILIES)
    track_count = np.bincount(c.track[c.track >= 0], minlength=len(cat.tracks)).astype(np.int64)
    occ_rows, occ_start = _csr(c.occ, len(cat.occupations))
    family_rows, family_start = _csr(
        np.where(c.family < 0, n_families, c.family).astype(np.intp), n_families + 1
    )
    town_rows, town_start = _csr(c.town, n_towns)
    train_rows, train_start = _csr(
        np.where(c.train_town < 0, n_towns, c.train_town).astype(np.intp), n_towns + 1
    )
    return RowGroups(
        track_start=np.cumsum(track_count) - track_count,
        track_count=track_count,
        occ_rows=occ_rows,
        occ_start=occ_start,
        family_rows=family_rows,
        family_start=family_start,
        town_rows=town_rows,
        town_start=town_start,
        train_rows=train_rows,
        train_start=train_start,
    )


# --- sharing: read-only arrays, and the head for survivors who completed no track -----

_Row = TypeVar("_Row", Candidates, RuleCodes, Money, Hiring, Location)


def _prefix(part: _Row, n: int) -> _Row:
    """A per-candidate part cut to its first ``n`` rows (views, no copy)."""
    return replace(part, **{f.name: getattr(part, f.name)[:n] for f in fields(part)})


#: Fields of ``PreparedMarket`` that are not parts of arrays.
_NOT_PARTS = frozenset({"settings", "cache", "untrained", "avoid"})


def _freeze(prepared: PreparedMarket) -> None:
    # Shared between requests and threads: make accidental writes fail loudly.
    for f in fields(prepared):
        if f.name in _NOT_PARTS:
            continue
        for value in vars(getattr(prepared, f.name)).values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)


def _head(p: PreparedMarket, n: int) -> PreparedMarket:
    """``p`` cut to its first ``n`` candidate rows (views; the row groups rebuilt).

    The rows cut off are no-track pathways into occupations that need training: none
    of them is a candidate for a survivor who has completed no track, and every array
    of the head is a prefix of ``p``'s, so a row index means the same row in both.
    """
    candidates = _prefix(p.candidates, n)
    head = replace(
        p,
        candidates=candidates,
        rules=_prefix(p.rules, n),
        money=_prefix(p.money, n),
        hiring=_prefix(p.hiring, n),
        location=_prefix(p.location, n),
        groups=_row_groups(candidates, p.catalog),
        cache={},
        untrained=None,
    )
    _freeze(head)
    return head
