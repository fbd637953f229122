"""The one way from rows to the engine's inputs: a season's snapshot, the catalog, the
vacancies and a survivor's profile, with the market prepared from them cached.

``matcher.prepare_market`` turns a season's survey, the catalog and the vacancies into
the arrays every recommendation reads; building it costs far more than scoring one
survivor against it, so each process keeps a few prepared markets in ``EngineInputs``.
A prepared market is reused while nothing it was built from has changed: the key holds
the season (a published season never changes) and a fingerprint of the seasons,
catalog and vacancy tables, read in one small aggregate query per request. That query
is all a request costs when nothing changed: which season is current is kept with the
fingerprint too. Use cases ask ``ENGINE_INPUTS`` once, call the engine and store what
it answered.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from api.errors import Conflict, Unprocessable
from api.store.catalog import load_catalog, load_vacancies
from api.store.lures import load_avoid_list
from api.store.models import Season, Survivor
from api.store.seasons import current_season, jobs_frame, living_costs_frame, params_of
from market_survey.snapshot import build_snapshot
from market_survey.types import MarketSnapshot
from matcher import PreparedMarket, Settings, prepare_market
from matcher.types import Profile

V = TypeVar("V")

NO_SEASON = (
    "No market survey season has been published yet: a season must be published "
    "before recommendations can be made."
)


class LruCache(Generic[V]):
    """A small least-recently-used map shared by the threads of one process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def forget(self, matches: Any) -> None:
        """Drop every entry whose key ``matches(key)``."""
        with self._lock:
            for key in [k for k in self._items if matches(k)]:
                del self._items[key]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class MarketSeason:
    """The season a prepared market was built from (what results cite)."""

    id: int
    label: str


# One statement of thirteen aggregates; the same SQL on SQLite and PostgreSQL. Plain text,
# so that no statement is built and no cache key computed on every request. Counts and
# indexed maxima only (each a few microseconds on SQLite at the benchmark's size): a
# change to a track's occupation list touches the track's ``updated_at``
# (api/services/catalog.py; a checksum over the list's rows cost 0.3 ms a request at
# 1,000 rows, most of the statement). Employers have no ``updated_at``: a vetting
# decision sets ``decided_at``. The ``max`` columns are indexed
# (api/models/recommendations.py).
# A published season never changes and is never deleted, so the published count and
# the newest publication tell whether another season has become the current one.
FINGERPRINT = text(
    """
    SELECT
      (SELECT count(*) FROM seasons WHERE status = 'published'),
      (SELECT max(published_at) FROM seasons),
      (SELECT count(*) FROM tracks), (SELECT max(updated_at) FROM tracks),
      (SELECT count(*) FROM track_occupations),
      (SELECT count(*) FROM seat_reservations), (SELECT max(id) FROM seat_reservations),
      (SELECT count(*) FROM employers), (SELECT max(decided_at) FROM employers),
      (SELECT count(*) FROM vacancies), (SELECT max(updated_at) FROM vacancies),
      (SELECT count(*) FROM avoid_list), (SELECT max(id) FROM avoid_list)
    """
)


def _url(session: Session) -> str:
    # One process may serve several databases (tests do): the URL is part of every key.
    return session.get_bind().engine.url.render_as_string(hide_password=True)


class EngineInputs:
    """Rows in, the engine's inputs out, cached per process.

    ``market`` gives the season and its prepared market; ``snapshot`` a season's
    survey as plain frames; ``profile`` what the engine may know of a survivor.
    """

    def __init__(self, markets: int = 4, seasons: int = 64, snapshots: int = 8) -> None:
        self._markets: LruCache[tuple[MarketSeason, PreparedMarket]] = LruCache(markets)
        # Which season a request means (None: the current one), per fingerprint.
        self._seasons: LruCache[MarketSeason] = LruCache(seasons)
        self._snapshots: LruCache[MarketSnapshot] = LruCache(snapshots)

    @staticmethod
    def fingerprint(session: Session) -> tuple[str, ...]:
        """Changes whenever a season is published, or a track, its occupations, a seat,
        an employer or a vacancy changes.

        Counts catch inserts and deletes; the newest ``updated_at`` (or id) catches edits.
        """
        return tuple(str(v) for v in session.execute(FINGERPRINT).one())

    def market(
        self, session: Session, season_id: int | None, settings: Settings
    ) -> tuple[MarketSeason, PreparedMarket]:
        """The season (the current one for None) and its prepared market, cached.

        Both are reused while the fingerprint is unchanged: it changes as soon as another
        season is published or anything the market was built from changes.
        """
        url = _url(session)
        fingerprint = self.fingerprint(session)
        season_key = (url, season_id, fingerprint)
        season = self._seasons.get(season_key)
        if season is None:
            found = _published_season(session, season_id)
            season = MarketSeason(found.id, found.label)
            self._seasons.put(season_key, season)
        key = (url, season.id, fingerprint, repr(settings))
        hit = self._markets.get(key)
        if hit is None:
            prepared = prepare_market(
                self.snapshot(session, session.get_one(Season, season.id)),
                load_catalog(session),
                load_vacancies(session),
                settings=settings,
                avoid=load_avoid_list(session),
            )
            hit = (season, prepared)
            self._markets.put(key, hit)
        return hit

    def snapshot(self, session: Session, season: Season) -> MarketSnapshot:
        """The season's market as plain frames.

        Built once per published season and kept (a published season never changes);
        a draft is built afresh each time.
        """
        if season.status != "published":
            return _build(session, season)
        # The publication time tells apart seasons that reused an id after a reset.
        key = (_url(session), season.id, str(season.published_at))
        snapshot = self._snapshots.get(key)
        if snapshot is None:
            snapshot = _build(session, season)
            self._snapshots.put(key, snapshot)
        return snapshot

    def forget(self, season_id: int) -> None:
        """A draft's rows changed or it was deleted: drop what was built from it."""
        self._snapshots.forget(lambda key: key[1] == season_id)

    @staticmethod
    def profile(survivor: Survivor | Row[Any]) -> Profile:
        return to_profile(survivor)


def _build(session: Session, season: Season) -> MarketSnapshot:
    return build_snapshot(
        season.id,
        params_of(season),
        jobs_frame(session, season.id),
        living_costs_frame(session, season.id),
    )


def _published_season(session: Session, season_id: int | None) -> Season:
    """The season to recommend from: the current one by default; published only."""
    if season_id is None:
        season = current_season(session)
        if season is None:
            raise Conflict(NO_SEASON, [{"field": "season_id", "message": NO_SEASON}])
        return season
    season = session.get(Season, season_id)
    if season is None:
        raise Unprocessable(
            "There is no season with this id.",
            [{"field": "season_id", "message": "is not a known season"}],
        )
    if season.status != "published":
        message = "is a draft: recommendations use published seasons only"
        raise Conflict(
            f"Season {season.label} is a draft; publish it before recommending from it.",
            [{"field": "season_id", "message": message}],
        )
    return season


def to_profile(survivor: Survivor | Row[Any]) -> Profile:
    """What the engine may know of a survivor: never the case code or the notes."""
    return Profile(
        survivor_id=survivor.id,
        birth_year=survivor.birth_year,
        home_province=survivor.home_province,
        literacy=survivor.literacy,
        education_grade=survivor.education_grade,
        aptitudes=dict(survivor.aptitudes or {}),
        preferences=tuple(survivor.preferences or ()),
        relocation=survivor.relocation,
        willing_towns=tuple(survivor.willing_towns or ()),
        avoid_towns=tuple(survivor.avoid_towns or ()),
        needs_accommodation=survivor.needs_accommodation,
        self_employment_interest=survivor.self_employment_interest,
        completed_tracks=tuple(survivor.completed_tracks or ()),
        gender=survivor.gender,
    )


# The process's one set of caches: every use case goes through it.
ENGINE_INPUTS = EngineInputs()
