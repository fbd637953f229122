"""The engine's market for one season: snapshot, catalog and vacancies, prepared once.

``matcher.prepare_market`` turns a season's survey, the catalog and the vacancies into
the arrays every recommendation reads; building it costs far more than scoring one
survivor against it, so each process keeps a few prepared markets. A prepared market
is reused while nothing it was built from has changed: the key holds the season (a
published season never changes) and a fingerprint of the seasons, catalog and vacancy
tables, read in one small aggregate query per request. That query is all a request
costs when nothing changed: which season is current is kept with the fingerprint too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from api.errors import Conflict, Unprocessable
from api.services.catalog import load_catalog, load_vacancies
from api.services.surveys import current_season, get_snapshot
from api.store.models import Season
from matcher import PreparedMarket, Settings, prepare_market

V = TypeVar("V")

CACHE_SIZE = 4  # the current season and a few others, per process

NO_SEASON = (
    "No market survey season has been published yet: a season must be published "
    "before recommendations can be made."
)


@dataclass(frozen=True)
class MarketSeason:
    """The season a prepared market was built from (what results cite)."""

    id: int
    label: str


class PreparedCache(Generic[V]):
    """A small LRU shared by the threads of one process (prepared markets, seasons)."""

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

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


PREPARED: PreparedCache[tuple[MarketSeason, PreparedMarket]] = PreparedCache(CACHE_SIZE)
# Which season a request means (None: the current one), per fingerprint; a few bytes each.
SEASONS: PreparedCache[MarketSeason] = PreparedCache(64)


# One statement of eleven aggregates; the same SQL on SQLite and PostgreSQL. Plain text,
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
      (SELECT count(*) FROM vacancies), (SELECT max(updated_at) FROM vacancies)
    """
)


def catalog_fingerprint(session: Session) -> tuple[str, ...]:
    """Changes whenever a season is published, or a track, its occupations, a seat, an
    employer or a vacancy changes.

    Counts catch inserts and deletes; the newest ``updated_at`` (or id) catches edits.
    """
    return tuple(str(v) for v in session.execute(FINGERPRINT).one())


def resolve_season(session: Session, season_id: int | None) -> Season:
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


def load_market(
    session: Session,
    season_id: int | None,
    settings: Settings,
    cache: PreparedCache[tuple[MarketSeason, PreparedMarket]] = PREPARED,
) -> tuple[MarketSeason, PreparedMarket]:
    """The season (the current one for None) and its prepared market, cached.

    Both are reused while the fingerprint is unchanged: it changes as soon as another
    season is published or anything the market was built from changes.
    """
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    fingerprint = catalog_fingerprint(session)
    season_key = (url, season_id, fingerprint)
    season = SEASONS.get(season_key)
    if season is None:
        found = resolve_season(session, season_id)  # raises for unknown or draft seasons
        season = MarketSeason(found.id, found.label)
        SEASONS.put(season_key, season)
    key = (url, season.id, fingerprint, repr(settings))
    hit = cache.get(key)
    if hit is None:
        snapshot = get_snapshot(session, season.id)
        prepared = prepare_market(
            snapshot, load_catalog(session), load_vacancies(session), settings=settings
        )
        hit = (season, prepared)
        cache.put(key, hit)
    return hit
