"""``PreparedMarket``: one market as candidate arrays, in parts the engine reads.

A *candidate* is a pair (track or none, outlet); an *outlet* is where the income comes
from: a registered vacancy, the open market or an own business at a venue. Every part
holds plain numpy arrays (read-only once built) or the catalog's own values:

- :class:`CatalogArrays`: towns, occupations and tracks in array order, with the small
  per-town, per-occupation and per-track arrays that candidate rows gather from;
- :class:`TownCosts`: what living costs in each town;
- :class:`Outlets`: what the engine shows of an outlet (kind, venue, start-up, vacancy);
- one row per candidate: :class:`Candidates` (indices into the above),
  :class:`RuleCodes` (the hard rules that do not depend on the survivor),
  :class:`Money`, :class:`Hiring` and :class:`Location`;
- :class:`RowGroups`: candidate rows by track, occupation, family and town.

Conventions: index ``-1`` in ``Candidates.track`` and ``Candidates.train_town`` means
"no track"; every per-track and per-town array built for gathering has one extra
sentinel entry at the end, so that ``arr[candidates.track]`` reads the sentinel for
those rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.types import AvoidList, Vacancy
from matcher.weights import Settings
from training_catalog.types import Occupation, Town, Track

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]

#: Outlet kinds.
VACANCY, MARKET, OWN_BUSINESS = 0, 1, 2


@dataclass(frozen=True, eq=False)
class CatalogArrays:
    """The catalog in array order, and what candidate rows gather per town, occupation
    and track (per-track arrays end with the no-track sentinel)."""

    towns: tuple[Town, ...]
    town_index: dict[str, int]
    town_province: npt.NDArray[np.str_]
    occupations: tuple[Occupation, ...]
    occupation_index: dict[str, int]
    occ_family: IntArray
    occ_on_the_job: BoolArray
    tracks: tuple[Track, ...]
    track_index: dict[str, int]
    track_occupations: tuple[tuple[int, ...], ...]
    occupation_tracks: tuple[tuple[int, ...], ...]  # the tracks that lead to each
    track_town: IntArray  # sentinel -1
    track_family: IntArray  # sentinel -1
    track_min_age: IntArray  # sentinel 0
    track_min_literacy: IntArray  # sentinel 0
    # Year in which a graduate starts work (next intake + duration); 0 when unknown
    # and for the sentinel (no track: work starts now).
    track_work_year: IntArray


@dataclass(frozen=True, eq=False)
class TownCosts:
    """Per town, US$ a month for food, a room and other needs.

    A town without a living-cost row gets the season's living wage, split in the
    surveyed towns' average proportions.
    """

    food: FloatArray
    room: FloatArray
    other: FloatArray


@dataclass(frozen=True, eq=False)
class Outlets:
    """Per outlet, what an item shows: its kind, venue, start-up cost and vacancy."""

    kind: Int8Array  # VACANCY, MARKET or OWN_BUSINESS
    venue: Int8Array  # index in VENUES, -1 for employment
    startup: FloatArray  # NaN when unknown or not own business
    vacancy: tuple[Vacancy | None, ...]


@dataclass(frozen=True, eq=False)
class Candidates:
    """Per candidate row, where it points: indices into the catalog and the outlets.

    Index arrays are ``intp``: numpy gathers with them without a conversion, several
    times faster per survivor than with int32 indices.
    """

    track: Int64Array  # -1 when no track
    outlet: Int64Array
    occ: Int64Array
    town: Int64Array  # the work town
    train_town: Int64Array  # -1 when no track
    family: Int64Array  # the track's skill family, or the occupation's with no track
    notrack_occ: Int64Array  # occupation of a no-track row; n_occupations otherwise


@dataclass(frozen=True, eq=False)
class RuleCodes:
    """Per candidate row, the rules that depend on the market only (``matcher.rules``)."""

    static: Int8Array  # seats and vacancy rules, NO_RULE when none
    minor: Int8Array  # the first rule a minor breaks here (hazardous, night, casino town...)
    flagged: BoolArray  # the work or training town is flagged (casino_town in the catalog)
    light: Int8Array  # UNDER_15_LIGHT where not light work, else NO_RULE
    vacancy_min_age: IntArray  # the employer's own minimum age, 0 without a vacancy


@dataclass(frozen=True, eq=False)
class Money:
    """Per candidate row, US$ a month: pay, living costs and the living-wage rule."""

    gross: FloatArray
    living_costs: FloatArray  # the town's costs less what the employer provides
    net: FloatArray
    living_wage: FloatArray
    meets: BoolArray  # gross >= living wage
    income: FloatArray  # the income component
    # The score's band (README, "The score's shape"): 3 livable outside flagged towns,
    # 2 below the living wage outside them, 1 and 0 the same in a flagged town.
    band: FloatArray


@dataclass(frozen=True, eq=False)
class Hiring:
    """Per candidate row, who is hiring: openings and the components they give."""

    openings: Int64Array  # survey openings of the town and occupation + positions left
    demand: FloatArray  # the demand component
    commitment: FloatArray  # 1 where the employer committed to hire this track's graduates


@dataclass(frozen=True, eq=False)
class Location:
    """Per candidate row, the location component's shape: work town factor x
    ``work_share`` + training town factor x ``train_share`` + ``venue_part``."""

    work_share: FloatArray
    train_share: FloatArray
    venue_part: FloatArray  # venue share x venue factor (own business), else 0


@dataclass(frozen=True, eq=False)
class RowGroups:
    """Candidate rows by key, to touch only the rows of a survivor's wishes and towns.

    Track rows come first, one contiguous block per track: ``[track_start[t],
    track_start[t] + track_count[t])``. The others are CSR: the rows of key ``k`` are
    ``rows[start[k]:start[k + 1]]``.
    """

    track_start: Int64Array
    track_count: Int64Array
    occ_rows: Int64Array
    occ_start: Int64Array
    family_rows: Int64Array  # key n_families: rows with no family
    family_start: Int64Array
    town_rows: Int64Array  # by work town
    town_start: Int64Array
    train_rows: Int64Array  # by training town; key n_towns: no track
    train_start: Int64Array


@dataclass(frozen=True, eq=False)
class PreparedMarket:
    """A season's market, catalog and vacancies as arrays, built once, reused per survivor.

    Build it with :func:`matcher.pathways.prepare_market`; its arrays are read-only. The
    api can cache one per (season, catalog version, vacancies version) and call
    :func:`matcher.engine.recommend_prepared` for each survivor.
    """

    settings: Settings
    catalog: CatalogArrays
    town_costs: TownCosts
    outlets: Outlets
    candidates: Candidates
    rules: RuleCodes
    money: Money
    hiring: Hiring
    location: Location
    groups: RowGroups
    # The admin's list of towns and employers to avoid (its reasons explain exclusions).
    avoid: AvoidList = field(default_factory=AvoidList)
    # Market-only part of the score per weights (see scoring.fused_score).
    cache: dict[tuple[float, ...], FloatArray] = field(default_factory=dict)
    # The same market cut to the rows a survivor who completed no track can take (a
    # prefix of every candidate array); None when that is every row.
    untrained: PreparedMarket | None = None

    @property
    def n_candidates(self) -> int:
        """Number of candidate rows (with track and without)."""
        return int(self.candidates.outlet.shape[0])
