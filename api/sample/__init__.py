"""``pathways load-sample``: the shipped sample data (``data/sample/``), loaded idempotently.

Each area has a loader here: a function that takes a session, inserts what is missing,
changes nothing that is already there, and returns a one-line summary.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from api.sample.catalog import load_sample_employers, load_sample_tracks
from api.sample.organisations import load_organisations
from api.sample.seasons import load_seasons
from api.sample.survivors import load_sample_survivors

LOADERS: tuple[Callable[[Session], str], ...] = (
    load_organisations,
    load_seasons,
    load_sample_tracks,
    load_sample_employers,
    load_sample_survivors,  # after the tracks, whose codes survivors refer to
)


def load_sample(session: Session) -> list[str]:
    """Run every loader in one transaction; the caller commits."""
    return [loader(session) for loader in LOADERS]
