"""The engine's market for one season: snapshot, catalog and vacancies, prepared once.

``matcher.prepare_market`` turns a season's survey, the catalog and the vacancies into
the arrays every recommendation reads; building it costs far more than scoring one
survivor against it, so each process keeps a few prepared markets. A prepared market
is reused while nothing it was built from has changed: the key holds the season (a
published season never changes) and a fingerprint of the catalog and vacancy tables,
read in one small aggregate query per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from sqlalchemy import text
from sqlalchemy.orm import Session

from api.errors import Conflict, Unprocessable
from api.models import Season
from api.services.catalog import load_catalog, load_vacancies
from api.services.surveys import current_season, get_snapshot
from matcher import PreparedMarket, Settings, prepare_market

CACHE_SIZE = 4  # the current season and a few others, per process

NO_SEASON = (
    "No market survey season has been published yet: a season must be published "
    "before recommendations can be made."
)


class PreparedCache:
    """A small LRU of prepared markets, shared by the threads of one process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, PreparedMarket] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> PreparedMarket | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: PreparedMarket) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


PREPARED = PreparedCache(CACHE_SIZE)


# One statement of ten aggregates; the same SQL on SQLite and PostgreSQL. Plain text,
# so that no statement is built and no cache key computed on every request. A track's
# occupation list changes no column of the track, so its rows get a checksum (ISCO
# codes are numeric). Employers have no ``updated_at``: a vetting decision sets
# ``decided_at``. The ``max`` columns are indexed (api/models/recommendations.py).
FINGERPRINT = text(
    """
    SELECT
      (SELECT count(*) FROM tracks), (SELECT max(updated_at) FROM tracks),
      (SELECT count(*) FROM track_occupations),
      (SELECT sum(CAST(occupation AS INTEGER) * (position + 1) + track_id * 7919)
         FROM track_occupations),
      (SELECT count(*) FROM seat_reservations), (SELECT max(id) FROM seat_reservations),
      (SELECT count(*) FROM employers), (SELECT max(decided_at) FROM employers),
      (SELECT count(*) FROM vacancies), (SELECT max(updated_at) FROM vacancies)
    """
)


def catalog_fingerprint(session: Session) -> tuple[str, ...]:
    """Changes whenever a track, its occupations, a seat, an employer or a vacancy does.

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
    cache: PreparedCache = PREPARED,
) -> tuple[Season, PreparedMarket]:
    """The season and its prepared market (from the cache when nothing changed)."""
    season = resolve_season(session, season_id)
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    key = (
        url,
        season.id,
        str(season.published_at),
        catalog_fingerprint(session),
        repr(settings),
    )
    prepared = cache.get(key)
    if prepared is None:
        snapshot = get_snapshot(session, season.id)
        prepared = prepare_market(
            snapshot, load_catalog(session), load_vacancies(session), settings=settings
        )
        cache.put(key, prepared)
    return season, prepared
