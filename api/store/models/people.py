"""Survivors: pseudonymous case records kept by a counsellor's NGO (never a name)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models.base import Base, utcnow
from matcher.types import RELOCATION_CHOICES

# Recorded for the NGO's own reports; never an input of a score (matcher/README.md).
GENDER_CHOICES: tuple[str, ...] = ("female", "male", "other")


class Survivor(Base):
    """One survivor's profile, owned by the NGO whose counsellor recorded it."""

    __tablename__ = "survivors"
    __table_args__ = (UniqueConstraint("org_id", "case_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_code: Mapped[str] = mapped_column(String(40))  # the NGO's pseudonym
    birth_year: Mapped[int]
    gender: Mapped[str | None] = mapped_column(String(16), default=None)
    home_province: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    literacy: Mapped[str] = mapped_column(String(16))
    education_grade: Mapped[int] = mapped_column(default=0)
    aptitudes: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    preferences: Mapped[list[str]] = mapped_column(JSON, default=list)
    relocation: Mapped[str] = mapped_column(String(16), default=RELOCATION_CHOICES[0])
    willing_towns: Mapped[list[str]] = mapped_column(JSON, default=list)
    avoid_towns: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_accommodation: Mapped[bool] = mapped_column(default=False)
    self_employment_interest: Mapped[bool] = mapped_column(default=False)
    completed_tracks: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_share_with_employers: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def values(self) -> dict[str, Any]:
        """The profile's fields as a plain dict (for responses and stored inputs)."""
        return {name: getattr(self, name) for name in SURVIVOR_FIELDS}


# The fields a counsellor writes (everything but id, org and timestamps).
SURVIVOR_FIELDS: tuple[str, ...] = (
    "case_code",
    "birth_year",
    "gender",
    "home_province",
    "literacy",
    "education_grade",
    "aptitudes",
    "preferences",
    "relocation",
    "willing_towns",
    "avoid_towns",
    "needs_accommodation",
    "self_employment_interest",
    "completed_tracks",
    "consent_share_with_employers",
    "notes",
)
