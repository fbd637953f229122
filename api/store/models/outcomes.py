"""The registry of trained outcome models: which versions exist and which one is active.

The files (joblib and JSON card) live in the model folder; a row records a version
that was trained, its card, the sha256 its file must have, and whether it is the one
recommendations use. At most one row is active.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models.base import Base, utcnow


class OutcomeModelVersion(Base):
    """One trained outcome model (``matcher.outcomes``)."""

    __tablename__ = "outcome_models"
    __table_args__ = (Index("ix_outcome_models_active", "active"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    rows: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    trained_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    activated_at: Mapped[datetime | None] = mapped_column(default=None)
