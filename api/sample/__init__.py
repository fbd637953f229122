"""``pathways load-sample``: the shipped sample data (``data/sample/``), loaded idempotently.

Each area has a loader: a function that takes a session, inserts what is missing,
changes nothing that is already there, and returns a one-line summary.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.config import ServiceConfig
from api.sample.catalog import load_sample_employers, load_sample_tracks
from api.sample.organisations import load_organisations
from api.sample.seasons import load_seasons
from api.sample.survivors import load_sample_survivors


def load_sample(session: Session, config: ServiceConfig) -> list[str]:
    """Run every loader in one transaction, in an order the foreign keys allow; the
    caller commits."""
    return [
        load_organisations(session),
        load_seasons(session),
        load_sample_tracks(session),
        load_sample_employers(session, config),  # vacancy pay is normalised with config
        load_sample_survivors(session),  # after the tracks, whose codes survivors refer to
    ]
