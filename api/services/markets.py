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

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from api.errors import Conflict, Unprocessable
from api.models import (
    Employer,
    Season,
    SeatReservation,
    Track,
    TrackOccupation,
    Vacancy,
)
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


def catalog_fingerprint(session: Session) -> tuple[str, ...]:
    """Changes whenever a track, its occupations, a seat, an employer or a vacancy does.

    Counts catch inserts and deletes; the newest ``updated_at`` (or id) catches edits.
    A track's occupation list changes no column of the track, so its rows get a
    checksum (ISCO codes are numeric). Employers have no ``updated_at``: a vetting
    decision sets ``decided_at``. One query, whatever the size of the tables.
    """
    link = TrackOccupation
    checksum = func.sum(cast(link.occupation, Integer) * (link.position + 1) + link.track_id * 7919)
    aggregates = [
        select(func.count()).select_from(Track),
        select(func.max(Track.updated_at)),
        select(func.count()).select_from(link),
        select(checksum),
        select(func.count()).select_from(SeatReservation),
        select(func.max(SeatReservation.id)),
        select(func.count()).select_from(Employer),
        select(func.max(Employer.decided_at)),
        select(func.count()).select_from(Vacancy),
        select(func.max(Vacancy.updated_at)),
    ]
    row = session.execute(select(*(a.scalar_subquery() for a in aggregates))).one()
    return tuple(str(v) for v in row)


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
