"""Candidate pathways as arrays: track -> occupation -> work town -> outlet.

An *outlet* is where the income comes from: a registered vacancy, the open market
(the survey's wage rows for a town and occupation) or an own business at a venue (the
survey's self-employment rows). A *candidate* is a pair (track or none, outlet). The
profile-independent part of every candidate (its money, demand, static hard rules) is
computed once per market by :func:`prepare_market`; a survivor's recommendation then
only gathers from small per-town, per-track and per-occupation arrays, so ~100,000
candidates are filtered and scored in a few milliseconds.

Conventions: index ``-1`` in ``cand_track`` and ``cand_train_town`` means "no track";
every per-track and per-town array built for gathering has one extra sentinel entry
at the end, so that ``arr[cand_track]`` reads the sentinel for those rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from market_survey.types import MarketSnapshot
from matcher import rules as R
from matcher.errors import MatcherInputError
from matcher.types import Vacancy
from matcher.weights import VENUES, Settings
from training_catalog.types import LITERACY_LEVELS, SKILL_FAMILIES, Catalog, Occupation, Town, Track

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]

#: Outlet kinds.
VACANCY, MARKET, OWN_BUSINESS = 0, 1, 2

#: Employer vetting status codes (vacancy outlets); market and own business use 0.
EMPLOYER_STATUSES: tuple[str, ...] = ("vetted", "pending", "rejected", "suspended")


@dataclass(frozen=True, eq=False)
class PreparedMarket:
    """A season's market, catalog and vacancies as arrays, built once, reused per survivor.

    Build it with :func:`prepare_market`; its arrays are read-only. The api can
    cache one per (season, catalog version, vacancies version) and call
    :func:`matcher.engine.recommend_prepared` for each survivor.
    """

    settings: Settings
    # Reference data, in array order.
    towns: tuple[Town, ...]
    town_index: dict[str, int]
    town_province: npt.NDArray[np.str_]
    occupations: tuple[Occupation, ...]
    occupation_index: dict[str, int]
    occ_family: IntArray
    occ_on_the_job: BoolArray
    tracks: tuple[Track, ...]
    track_index: dict[str, int]
    track_town: IntArray  # with sentinel -1 at the end
    track_family: IntArray  # with sentinel: -1
    track_min_age: IntArray  # with sentinel: 0
    track_min_literacy: IntArray  # with sentinel: 0
    # Year in which a graduate starts work (next intake + duration); 0 when unknown
    # and for the sentinel (no track: work starts now).
    track_work_year: IntArray
    track_occupations: tuple[tuple[int, ...], ...]
    track_row_start: Int64Array  # candidate rows of track t: [start, start + count)
    track_row_count: Int64Array
    # Town money, one entry per town (season living wage split where no row).
    town_food: FloatArray
    town_room: FloatArray
    town_other: FloatArray
    town_has_costs: BoolArray
    # Outlets.
    out_kind: Int8Array
    out_occ: IntArray
    out_town: IntArray
    out_gross: FloatArray
    out_openings: Int64Array  # survey openings (market, own business) or positions left
    out_venue: Int8Array  # index in VENUES, -1 for employment
    out_startup: FloatArray  # NaN when unknown or not own business
    out_vacancy: tuple[Vacancy | None, ...]
    # Candidates (one row each).
    cand_track: Int64Array
    cand_outlet: Int64Array
    cand_occ: Int64Array
    cand_town: Int64Array
    cand_train_town: Int64Array  # -1 when no track
    cand_family: Int64Array  # track's family, or the occupation's with no track
    cand_notrack_occ: Int64Array  # occupation of a no-track row; n_occupations otherwise
    cand_night: BoolArray  # night-work occupation or night-shift vacancy
    cand_minor_rule: Int8Array  # the rule a minor breaks here (hazardous, night...)
    cand_light_rule: Int8Array  # UNDER_15_LIGHT where not light work, else NO_RULE
    cand_vacancy_min_age: IntArray
    cand_static_rule: Int8Array  # seats and vacancy rules, NO_RULE when none
    cand_gross: FloatArray
    cand_living_costs: FloatArray
    cand_net: FloatArray
    cand_living_wage: FloatArray
    cand_meets: BoolArray
    cand_income: FloatArray
    cand_demand: FloatArray
    cand_venue_factor: FloatArray  # venue factor; NaN for employment
    cand_loc_work: FloatArray  # location = work * town factor + train * factor + venue
    cand_loc_train: FloatArray
    cand_loc_venue: FloatArray
    cand_lw_factor: FloatArray  # 1, or below_living_wage_factor under the living wage
    cand_commitment: FloatArray
    cand_self: BoolArray
    cand_town_openings: Int64Array
    # Rows grouped by a key (CSR): rows of key k are order[start[k]:start[k + 1]].
    # Used to touch only the rows of a survivor's few wishes and home towns.
    occ_rows: Int64Array
    occ_rows_start: Int64Array
    family_rows: Int64Array  # key n_families: rows with no family
    family_rows_start: Int64Array
    town_rows: Int64Array  # by work town
    town_rows_start: Int64Array
    train_rows: Int64Array  # by training town; key n_towns: no track
    train_rows_start: Int64Array
    # Market-only part of the score per weights (see scoring.fused_score).
    cache: dict[tuple[float, ...], FloatArray] = field(default_factory=dict)
    # The same market cut to the rows a survivor who completed no track can take (a
    # prefix of every candidate array); None when that is every row.
    untrained: PreparedMarket | None = None

    @property
    def n_candidates(self) -> int:
        """Number of candidate rows (with track and without)."""
        return int(self.cand_outlet.shape[0])


def _bool_col(values: Sequence[bool]) -> BoolArray:
    return np.asarray(values, dtype=np.bool_)


def _indices(kind: str, codes: pd.Series, known: dict[str, int]) -> Int64Array:
    """Positions of ``codes`` in ``known`` (vectorised), or an error naming the unknown."""
    positions = pd.Index(list(known)).get_indexer(pd.Index(codes.astype(str)))
    if (positions < 0).any():
        unknown = sorted(set(codes.astype(str)[positions < 0]))
        raise MatcherInputError(f"{kind} codes not in the catalog: {', '.join(unknown[:10])}")
    return np.asarray(positions, dtype=np.int64)


def _town_costs(
    market: MarketSnapshot, town_index: dict[str, int]
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
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
    # A town without a living-cost row gets the season's living wage, split into food,
    # room and other in the surveyed towns' average proportions, so that an employer
    # who provides food or a room still lowers the cost by a plausible amount.
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
    return food, room, other, has


def _csr(keys: Int64Array, n_keys: int) -> tuple[Int64Array, Int64Array]:
    order = np.argsort(keys, kind="stable").astype(np.intp)
    start = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n_keys))]).astype(np.intp)
    return order, start


def _work_year(track: Track) -> int:
    """The year a graduate of the next intake starts work (0: no intake scheduled)."""
    if track.next_start is None:
        return 0
    months = track.next_start.month - 1 + track.duration_months
    return track.next_start.year + months // 12


def prepare_market(
    market: MarketSnapshot,
    catalog: Catalog,
    vacancies: Sequence[Vacancy],
    *,
    settings: Settings | None = None,
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

    Returns
    -------
    PreparedMarket

    Raises
    ------
    MatcherInputError
        A survey row, vacancy or track names a town or occupation the catalog lacks.
    """
    settings = settings or Settings()
    towns = tuple(catalog.towns.values())
    town_index = {t.code: i for i, t in enumerate(towns)}
    occupations = tuple(catalog.occupations.values())
    occupation_index = {o.code: i for i, o in enumerate(occupations)}
    family_index = {f: i for i, f in enumerate(SKILL_FAMILIES)}
    literacy_index = {lv: i for i, lv in enumerate(LITERACY_LEVELS)}
    tracks = tuple(catalog.tracks)
    track_index = {t.code: i for i, t in enumerate(tracks)}
    n_towns, n_occ = len(towns), len(occupations)

    occ_family = np.array([family_index.get(o.skill_family, -1) for o in occupations], np.int32)
    occ_hazardous = _bool_col([o.hazardous for o in occupations])
    occ_night = _bool_col([o.night_work for o in occupations])
    occ_exploitation = _bool_col([o.exploitation_risk for o in occupations])
    occ_light = _bool_col([o.light_work for o in occupations])
    occ_on_the_job = _bool_col([o.on_the_job for o in occupations])

    for t in tracks:
        if t.town not in town_index:
            raise MatcherInputError(f"track {t.code}: town {t.town} not in the catalog")
        missing = [o for o in t.occupations if o not in occupation_index]
        if missing:
            raise MatcherInputError(f"track {t.code}: occupations {missing} not in the catalog")
    track_town = np.array([town_index[t.town] for t in tracks] + [-1], np.int32)
    track_family = np.array([family_index.get(t.skill_family, -1) for t in tracks] + [-1], np.int32)
    track_min_age = np.array([t.min_age for t in tracks] + [0], np.int32)
    track_min_literacy = np.array(
        [literacy_index.get(t.min_literacy, 0) for t in tracks] + [0], np.int32
    )
    track_no_seats = _bool_col([t.seats_available <= 0 for t in tracks] + [False])
    track_work_year = np.array([_work_year(t) for t in tracks] + [0], np.int32)
    track_occupations = tuple(
        tuple(dict.fromkeys(occupation_index[o] for o in t.occupations)) for t in tracks
    )

    food, room, other, has_costs = _town_costs(market, town_index)
    full_cost = food + room + other

    # --- outlets -------------------------------------------------------------------
    jobs = market.jobs
    frame = pd.DataFrame(
        {
            "town": _indices("survey town", jobs["town"], town_index),
            "occ": _indices("survey occupation", jobs["occupation"], occupation_index),
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
    venue_code = {v: i for i, v in enumerate(VENUES)}

    n_vac = len(vacancies)
    for v in vacancies:
        if v.town not in town_index or v.occupation not in occupation_index:
            raise MatcherInputError(f"vacancy {v.id}: unknown town or occupation")
    vac_occ = np.array([occupation_index[v.occupation] for v in vacancies], np.int32)
    vac_town = np.array([town_index[v.town] for v in vacancies], np.int32)
    status_code = {s: i for i, s in enumerate(EMPLOYER_STATUSES)}
    vac_status = np.array([status_code.get(v.employer_status, 1) for v in vacancies], np.int8)
    vac_open = _bool_col([v.is_open for v in vacancies])
    vac_positions = np.array([v.positions_left for v in vacancies], np.int64)
    vac_offerable = (vac_status == 0) & vac_open & (vac_positions > 0)

    out_kind = np.concatenate(
        [
            np.full(n_vac, VACANCY, np.int8),
            np.full(len(wage), MARKET, np.int8),
            np.full(len(own), OWN_BUSINESS, np.int8),
        ]
    )
    out_occ = np.concatenate(
        [vac_occ, wage["occ"].to_numpy(np.int32), own["occ"].to_numpy(np.int32)]
    ).astype(np.int32)
    out_town = np.concatenate(
        [vac_town, wage["town"].to_numpy(np.int32), own["town"].to_numpy(np.int32)]
    ).astype(np.int32)
    out_gross = np.concatenate(
        [
            np.array([v.pay_usd_month for v in vacancies], np.float64),
            wage["mid"].to_numpy(np.float64),
            own["mid"].to_numpy(np.float64),
        ]
    )
    out_openings = np.concatenate(
        [
            np.maximum(vac_positions, 0),
            wage["openings"].to_numpy(np.int64),
            own["openings"].to_numpy(np.int64),
        ]
    ).astype(np.int64)
    out_venue = np.concatenate(
        [
            np.full(n_vac + len(wage), -1, np.int8),
            pd.Index(list(venue_code))
            .get_indexer(pd.Index(own["venue"].astype(str)))
            .astype(np.int8),
        ]
    ).astype(np.int8)
    out_startup = np.concatenate(
        [np.full(n_vac + len(wage), np.nan), own["startup"].to_numpy(np.float64)]
    )
    n_out = out_kind.shape[0]
    pad = n_out - n_vac
    out_food_given = np.concatenate(
        [_bool_col([v.provides_food for v in vacancies]), np.zeros(pad, bool)]
    )
    out_room_given = np.concatenate(
        [_bool_col([v.provides_room for v in vacancies]), np.zeros(pad, bool)]
    )
    out_night_shift = np.concatenate(
        [_bool_col([v.night_shift for v in vacancies]), np.zeros(pad, bool)]
    )
    out_min_age = np.concatenate(
        [np.array([v.min_age for v in vacancies], np.int32), np.zeros(pad, np.int32)]
    ).astype(np.int32)
    out_hires = np.concatenate(
        [
            np.array([track_index.get(v.hires_from_track or "", -2) for v in vacancies], np.int32),
            np.full(pad, -2, np.int32),
        ]
    ).astype(np.int32)
    out_static = np.full(n_out, R.NO_RULE, np.int8)
    # Ordered from least to most telling: later assignments win.
    out_static[:n_vac][vac_positions <= 0] = R.VACANCY_FULL
    out_static[:n_vac][~vac_open] = R.VACANCY_CLOSED
    out_static[:n_vac][vac_status == 3] = R.EMPLOYER_SUSPENDED
    out_static[:n_vac][vac_status == 2] = R.EMPLOYER_REJECTED
    out_static[:n_vac][vac_status == 1] = R.EMPLOYER_PENDING
    out_vacancy: tuple[Vacancy | None, ...] = (*vacancies, *([None] * pad))

    # Openings per (town, occupation): survey rows plus positions of offerable vacancies.
    key = out_town.astype(np.int64) * max(n_occ, 1) + out_occ
    weight = out_openings.astype(np.float64)
    weight[:n_vac] = np.where(vac_offerable, weight[:n_vac], 0.0)
    town_occ_openings = np.bincount(key, weights=weight, minlength=n_towns * max(n_occ, 1))
    out_town_openings = town_occ_openings[key].astype(np.int64)

    # --- candidates: (track, outlet) for each occupation a track leads to ---------
    order = np.argsort(out_occ, kind="stable").astype(np.int64)
    counts = np.bincount(out_occ, minlength=n_occ).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    edge_track = np.array([ti for ti, occs in enumerate(track_occupations) for _ in occs], np.int64)
    edge_occ = np.array([o for occs in track_occupations for o in occs], np.int64)
    per_edge = counts[edge_occ] if edge_occ.size else np.zeros(0, np.int64)
    total = int(per_edge.sum())
    rep_track = np.repeat(edge_track, per_edge)
    first = np.repeat(starts[edge_occ] if edge_occ.size else edge_occ, per_edge)
    offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    track_outlets = order[first + offset] if total else np.zeros(0, np.int64)
    # Edges are listed track by track, so each track's rows are one contiguous block.
    track_rows = np.bincount(rep_track, minlength=len(tracks)).astype(np.int64)
    # Then every outlet once with no track: offered when learned on the job or
    # already trained for (decided per survivor). Outlets of on-the-job occupations
    # come first: the rows after them are pathways only for a survivor who completed
    # a track, so the others are scored on the rows before (``untrained``).
    on_the_job_out = occ_on_the_job[out_occ] if n_occ else np.zeros(n_out, np.bool_)
    notrack_outlets = np.concatenate(
        [np.flatnonzero(on_the_job_out), np.flatnonzero(~on_the_job_out)]
    ).astype(np.int64)
    n_untrained = int(rep_track.size + np.count_nonzero(on_the_job_out))
    # Candidate index arrays are intp: numpy gathers with them without a conversion,
    # several times faster per survivor than with int32 indices.
    cand_track = np.concatenate([rep_track, np.full(n_out, -1, np.int64)]).astype(np.intp)
    cand_outlet = np.concatenate([track_outlets, notrack_outlets]).astype(np.intp)
    cand_occ = out_occ[cand_outlet].astype(np.intp)
    cand_town = out_town[cand_outlet].astype(np.intp)
    cand_train_town = track_town[cand_track].astype(np.intp)
    cand_family = np.where(cand_track >= 0, track_family[cand_track], occ_family[cand_occ]).astype(
        np.intp
    )
    cand_kind = out_kind[cand_outlet]
    cand_self = cand_kind == OWN_BUSINESS

    static = out_static[cand_outlet].copy()
    static[track_no_seats[cand_track]] = R.NO_SEATS

    # Protections of minors, first applicable rule per candidate (see rules.py order).
    cand_hazardous = occ_hazardous[cand_occ]
    cand_night = occ_night[cand_occ] | out_night_shift[cand_outlet]
    minor_rule = np.full(cand_occ.shape[0], R.NO_RULE, np.int8)
    minor_rule[occ_exploitation[cand_occ]] = R.MINOR_EXPLOITATION
    minor_rule[cand_night] = R.MINOR_NIGHT
    minor_rule[cand_hazardous] = R.MINOR_HAZARDOUS
    light_rule = np.where(occ_light[cand_occ], R.NO_RULE, R.UNDER_15_LIGHT).astype(np.int8)
    notrack_occ = np.where(cand_track < 0, cand_occ, n_occ).astype(np.intp)

    # Money: vacancy pay or survey midpoint; the town's costs less what is provided.
    gross = out_gross[cand_outlet]
    living_wage_town = full_cost
    out_costs = (
        np.where(out_food_given, 0.0, food[out_town])
        + np.where(out_room_given, 0.0, room[out_town])
        + other[out_town]
    )
    living_costs = out_costs[cand_outlet]
    living_wage = living_wage_town[cand_town]
    net = gross - living_costs
    meets = gross >= living_wage
    safe_wage = np.where(living_wage > 0, living_wage, 1.0)
    income = np.clip(net / safe_wage, 0.0, 1.0)

    openings = out_town_openings[cand_outlet]
    demand = np.clip(np.log1p(openings) / np.log1p(settings.demand_saturation), 0.0, 1.0)

    venue_values = np.array([settings.venue_factor.get(v, 0.5) for v in VENUES] + [np.nan])
    town_hub = _bool_col([t.tourist_hub for t in towns])
    out_venue_factor = venue_values[out_venue]
    hub_market = (out_venue == VENUES.index("market")) & town_hub[out_town]
    out_venue_factor = np.where(
        hub_market,
        max(settings.tourist_hub_market, venue_values[VENUES.index("market")]),
        out_venue_factor,
    )
    cand_venue_factor = out_venue_factor[cand_outlet]

    # Location = work share x work-town factor + training share x training-town factor
    # + venue share x venue factor; the shares depend only on the pathway's shape.
    has_track = cand_track >= 0
    keep = np.where(cand_self, 1.0 - settings.venue_share, 1.0)
    share_train = np.where(has_track, settings.location_training_share, 0.0)
    loc_work = (1.0 - share_train) * keep
    loc_train = share_train * keep
    loc_venue = np.where(cand_self, settings.venue_share * np.nan_to_num(cand_venue_factor), 0.0)
    lw_factor = np.where(meets, 1.0, settings.below_living_wage_factor)

    commitment = ((out_hires[cand_outlet] == cand_track) & (cand_track >= 0)).astype(np.float64)

    prepared = PreparedMarket(
        settings=settings,
        towns=towns,
        town_index=town_index,
        town_province=np.array([t.province for t in towns], dtype=np.str_),
        occupations=occupations,
        occupation_index=occupation_index,
        occ_family=occ_family,
        occ_on_the_job=occ_on_the_job,
        tracks=tracks,
        track_index=track_index,
        track_town=track_town,
        track_family=track_family,
        track_min_age=track_min_age,
        track_min_literacy=track_min_literacy,
        track_work_year=track_work_year,
        track_occupations=track_occupations,
        track_row_start=np.concatenate([[0], np.cumsum(track_rows)[:-1]]).astype(np.int64),
        track_row_count=track_rows,
        town_food=food,
        town_room=room,
        town_other=other,
        town_has_costs=has_costs,
        out_kind=out_kind,
        out_occ=out_occ,
        out_town=out_town,
        out_gross=out_gross,
        out_openings=out_openings,
        out_venue=out_venue,
        out_startup=out_startup,
        out_vacancy=out_vacancy,
        cand_track=cand_track,
        cand_outlet=cand_outlet,
        cand_occ=cand_occ,
        cand_town=cand_town,
        cand_train_town=cand_train_town,
        cand_family=cand_family,
        cand_notrack_occ=notrack_occ,
        cand_night=cand_night,
        cand_minor_rule=minor_rule,
        cand_light_rule=light_rule,
        cand_vacancy_min_age=out_min_age[cand_outlet],
        cand_static_rule=static,
        cand_gross=gross,
        cand_living_costs=living_costs,
        cand_net=net,
        cand_living_wage=living_wage,
        cand_meets=meets,
        cand_income=income,
        cand_demand=demand,
        cand_venue_factor=cand_venue_factor,
        cand_loc_work=loc_work,
        cand_loc_train=loc_train,
        cand_loc_venue=loc_venue,
        **_row_groups(cand_occ, cand_family, cand_town, cand_train_town, n_occ, n_towns),
        cand_lw_factor=lw_factor,
        cand_commitment=commitment,
        cand_self=cand_self,
        cand_town_openings=openings,
    )
    _freeze(prepared)
    if n_untrained < prepared.n_candidates:
        prepared = replace(prepared, untrained=_head(prepared, n_untrained))
    return prepared


def _row_groups(
    cand_occ: Int64Array,
    cand_family: Int64Array,
    cand_town: Int64Array,
    cand_train_town: Int64Array,
    n_occ: int,
    n_towns: int,
) -> dict[str, Any]:
    """The candidate rows grouped by occupation, family, work and training town (CSR):
    ``PreparedMarket``'s ``*_rows`` and ``*_rows_start`` fields, by name."""
    n_families = len(SKILL_FAMILIES)
    groups: dict[str, Any] = {}
    groups["occ_rows"], groups["occ_rows_start"] = _csr(cand_occ, n_occ)
    groups["family_rows"], groups["family_rows_start"] = _csr(
        np.where(cand_family < 0, n_families, cand_family).astype(np.intp), n_families + 1
    )
    groups["town_rows"], groups["town_rows_start"] = _csr(cand_town, n_towns)
    groups["train_rows"], groups["train_rows_start"] = _csr(
        np.where(cand_train_town < 0, n_towns, cand_train_town).astype(np.intp), n_towns + 1
    )
    return groups


def _freeze(prepared: PreparedMarket) -> None:
    # Shared between requests and threads: make accidental writes fail loudly.
    for value in vars(prepared).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)


def _head(p: PreparedMarket, n: int) -> PreparedMarket:
    """``p`` cut to its first ``n`` candidate rows (views; the row groups rebuilt).

    The rows cut off are no-track pathways into occupations that need training: none
    of them is a candidate for a survivor who has completed no track, and every array
    of the head is a prefix of ``p``'s, so a row index means the same row in both.
    """
    cut: dict[str, Any] = {
        name: value[:n]
        for name, value in vars(p).items()
        if name.startswith("cand_") and isinstance(value, np.ndarray)
    }
    groups = _row_groups(
        cut["cand_occ"],
        cut["cand_family"],
        cut["cand_town"],
        cut["cand_train_town"],
        len(p.occupations),
        len(p.towns),
    )
    head = replace(p, **cut, **groups, cache={}, untrained=None)
    _freeze(head)
    return head
