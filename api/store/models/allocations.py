"""Cohort allocations of training seats: a stored proposal, confirmed into reservations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.store.models.base import Base, utcnow

ALLOCATION_STATUSES: tuple[str, ...] = ("proposed", "confirmed")


class Allocation(Base):
    """One allocation of an NGO's cohort to tracks, as proposed and (later) confirmed.

    ``request`` is the request as given (survivor ids in arrival order, track codes);
    ``result`` the response body as sent. ``tracks`` keeps, per track, the intake and
    the free seats the proposal was computed with: a confirm checks them again.
    """

    __tablename__ = "allocations"
    __table_args__ = (CheckConstraint("status IN ('proposed', 'confirmed')", name="status_known"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id"))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)

    tracks: Mapped[list[AllocationTrack]] = relationship(
        cascade="all, delete-orphan", order_by="AllocationTrack.track_id"
    )


class AllocationTrack(Base):
    """A track of an allocation: its intake and free seats when the proposal was made."""

    __tablename__ = "allocation_tracks"
    allocation_id: Mapped[int] = mapped_column(
        ForeignKey("allocations.id", ondelete="CASCADE"), primary_key=True
    )
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    intake_start: Mapped[date | None] = mapped_column(Date)
    seats_available: Mapped[int] = mapped_column(Integer)
    assigned: Mapped[int] = mapped_column(Integer, default=0)
