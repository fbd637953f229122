"""Training tracks, seat reservations, employers and their vacancies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.store.models.accounts import Organisation
from api.store.models.base import Base, utcnow

VETTING_STATUSES: tuple[str, ...] = ("pending", "vetted", "rejected", "suspended")
VACANCY_STATUSES: tuple[str, ...] = ("open", "closed")

# Money as exact decimals in the database, floats in Python (the engine computes in floats).
Money = Numeric(14, 2, asdecimal=False)


class Track(Base):
    """A training track a provider NGO offers in one town."""

    __tablename__ = "tracks"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("duration_months >= 1", name="duration_positive"),
        CheckConstraint("cost_usd >= 0", name="cost_not_negative"),
        CheckConstraint("min_age >= 0", name="min_age_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    provider_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    town: Mapped[str] = mapped_column(ForeignKey("towns.code"))
    skill_family: Mapped[str] = mapped_column(ForeignKey("skill_families.name"))
    duration_months: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)
    next_start: Mapped[date | None] = mapped_column(Date)
    cost_usd: Mapped[float] = mapped_column(Money, default=0.0)
    min_age: Mapped[int] = mapped_column(Integer)
    min_literacy: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    provider: Mapped[Organisation] = relationship(lazy="joined")
    occupation_links: Mapped[list[TrackOccupation]] = relationship(
        cascade="all, delete-orphan",
        order_by="TrackOccupation.position",
        lazy="selectin",  # codespell:ignore selectin
    )

    @property
    def occupations(self) -> list[str]:
        return [link.occupation for link in self.occupation_links]


class TrackOccupation(Base):
    """An occupation a track leads to (``position`` keeps the provider's order)."""

    __tablename__ = "track_occupations"
    track_id: Mapped[int] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
    )
    occupation: Mapped[str] = mapped_column(ForeignKey("occupations.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class SeatReservation(Base):
    """A seat held for a survivor in one intake of a track (written by allocations).

    ``seats_available`` of a track is its seats minus the reservations for its
    ``next_start``.
    """

    __tablename__ = "seat_reservations"
    __table_args__ = (UniqueConstraint("track_id", "intake_start", "survivor_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id"), index=True)
    intake_start: Mapped[date] = mapped_column(Date)
    survivor_id: Mapped[int] = mapped_column(Integer, index=True)
    allocation_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Employer(Base):
    """An employer organisation's profile and its vetting by an admin."""

    __tablename__ = "employers"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(ForeignKey("towns.code"))
    sector: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    vetting: Mapped[str] = mapped_column(String(16), default="pending")
    vetting_note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    # An admin's explicit approval to post exploitation-risk occupations (FACTS.md).
    approved_for_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Vacancy(Base):
    """A vacancy with its pay as given and normalised to US$/month when written."""

    __tablename__ = "vacancies"
    __table_args__ = (
        CheckConstraint("pay > 0", name="pay_positive"),
        CheckConstraint("positions >= 1", name="positions_positive"),
        CheckConstraint(
            "positions_filled >= 0 AND positions_filled <= positions", name="filled_in_range"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    occupation: Mapped[str] = mapped_column(ForeignKey("occupations.code"))
    town: Mapped[str] = mapped_column(ForeignKey("towns.code"))
    pay: Mapped[float] = mapped_column(Money)
    pay_unit: Mapped[str] = mapped_column(String(8))
    currency: Mapped[str] = mapped_column(String(3))
    pay_usd_month: Mapped[float] = mapped_column(Money)
    positions: Mapped[int] = mapped_column(Integer)
    positions_filled: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(8), default="open")
    provides_food: Mapped[bool] = mapped_column(Boolean, default=False)
    provides_room: Mapped[bool] = mapped_column(Boolean, default=False)
    min_age: Mapped[int] = mapped_column(Integer)
    night_shift: Mapped[bool] = mapped_column(Boolean, default=False)
    hires_from_track_id: Mapped[int | None] = mapped_column(
        ForeignKey("tracks.id"), index=True, default=None
    )
    description: Mapped[str] = mapped_column(Text, default="")
    # Lure review: None (nothing suspicious), "held" (never offered until an admin
    # clears it), "cleared" or "rejected"; the reason says what looked like a lure.
    review: Mapped[str | None] = mapped_column(String(8), default=None, index=True)
    review_reason: Mapped[str | None] = mapped_column(Text, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    employer: Mapped[Employer] = relationship(lazy="joined")
    hires_from_track: Mapped[Track | None] = relationship(lazy="joined")

    # SQLAlchemy adds "AND version = :old" to every UPDATE and raises StaleDataError
    # when another writer got there first: If-Match is checked again at the row.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def positions_left(self) -> int:
        return max(self.positions - self.positions_filled, 0)
