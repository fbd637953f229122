"""Stored recommendations: what the engine answered, for which inputs, season and model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.store.jsonio import PackedJSON
from api.store.models.base import Base, utcnow
from api.store.models.catalog import Employer, Track, Vacancy


class Recommendation(Base):
    """One recommendation made for a survivor, kept so that it can be explained later."""

    __tablename__ = "recommendations"
    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivors.id"), index=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id"))
    model_version: Mapped[str] = mapped_column(String(64))
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Packed: a body with its excluded pathways is tens of kilobytes of repeated names.
    inputs: Mapped[dict[str, Any]] = mapped_column(PackedJSON)  # the profile as the engine saw it
    result: Mapped[dict[str, Any]] = mapped_column(PackedJSON)  # the response body, as sent


# The recommendation cache's fingerprint (api.store.engine_inputs) reads the newest change
# of these catalog tables on every request: indexed, that is a lookup, not a scan.
Index("ix_tracks_updated_at", Track.updated_at)
Index("ix_employers_decided_at", Employer.decided_at)
Index("ix_vacancies_updated_at", Vacancy.updated_at)
