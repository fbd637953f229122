"""After a recommendation: consent history, referrals, placements, follow-ups, closure."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.store.models.base import Base, utcnow
from api.store.models.catalog import Money, Track

CONSENT_METHODS: tuple[str, ...] = ("verbal", "written")
REFERRAL_STATUSES: tuple[str, ...] = ("pending", "accepted", "declined", "withdrawn", "placed")
# Referrals that hold one of the vacancy's positions.
HOLDING_STATUSES: tuple[str, ...] = ("pending", "accepted", "placed")
OPEN_STATUSES: tuple[str, ...] = ("pending", "accepted")
PLACEMENT_KINDS: tuple[str, ...] = ("training", "job", "self_employment")
# Work and business are followed up; training is not.
EARNING_KINDS: tuple[str, ...] = ("job", "self_employment")
END_REASONS: tuple[str, ...] = (
    "completed",
    "pay_too_low",
    "unsafe",
    "abuse",
    "family",
    "moved",
    "health",
    "other",
)
CLOSURE_REASONS: tuple[str, ...] = ("reintegrated", "died", "untraceable", "ran_away")


class Consent(Base):
    """One change of a survivor's consent to share their skills with employers.

    ``method`` is None for a change made through the survivor record's
    ``consent_share_with_employers`` field (who and when are known, how is not).
    """

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivors.id"), index=True)
    given: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str | None] = mapped_column(String(16), default=None)
    guardian_consented: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Referral(Base):
    """A survivor put forward for a vacancy; the employer accepts or declines."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'withdrawn', 'placed')",
            name="status_known",
        ),
        Index("ix_referrals_vacancy_status", "vacancy_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"))
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivors.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Placement(Base):
    """A survivor in training, in a job, or in an own business, from start to end."""

    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint("kind IN ('training', 'job', 'self_employment')", name="kind_known"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        Index("ix_placements_vacancy_open", "vacancy_id", "ended_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivors.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, default=None)
    end_reason: Mapped[str | None] = mapped_column(String(16), default=None)
    end_note: Mapped[str] = mapped_column(Text, default="")
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id"), default=None)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id"), default=None)
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referrals.id"), unique=True, default=None
    )
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id"), default=None)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), default=None)
    employer_name: Mapped[str] = mapped_column(String(200), default="")
    occupation: Mapped[str | None] = mapped_column(ForeignKey("occupations.code"), default=None)
    town: Mapped[str | None] = mapped_column(ForeignKey("towns.code"), default=None)
    startup_cost_usd: Mapped[float | None] = mapped_column(Money, default=None)
    support_usd: Mapped[float | None] = mapped_column(Money, default=None)
    loan_usd: Mapped[float | None] = mapped_column(Money, default=None)
    loan_interest_month: Mapped[float | None] = mapped_column(Float, default=None)
    loan_months: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    track: Mapped[Track | None] = relationship(lazy="joined")


class FollowUp(Base):
    """What a counsellor found at one follow-up of a job or a business.

    ``idempotency_key`` (the client's ``Idempotency-Key``, unique per NGO) and
    ``request_hash`` let a repeated submission return the first answer.
    """

    __tablename__ = "follow_ups"
    __table_args__ = (UniqueConstraint("org_id", "idempotency_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    month: Mapped[int | None] = mapped_column(Integer, default=None)
    date: Mapped[date] = mapped_column(Date)
    employed: Mapped[bool] = mapped_column(Boolean)
    same_employer: Mapped[bool | None] = mapped_column(Boolean, default=None)
    monthly_income: Mapped[float] = mapped_column(Money, default=0.0)
    income_unit: Mapped[str] = mapped_column(String(8), default="month")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    monthly_income_usd: Mapped[float] = mapped_column(Money, default=0.0)
    living_wage_usd_month: Mapped[float | None] = mapped_column(Money, default=None)
    gap_usd_month: Mapped[float | None] = mapped_column(Money, default=None)
    needs_support: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    left_reason: Mapped[str | None] = mapped_column(String(16), default=None)
    safety_concern: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), default=None)
    request_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def flags(self) -> list[str]:
        return [
            n for n, on in (("urgent", self.urgent), ("needs_support", self.needs_support)) if on
        ]


class Closure(Base):
    """A closed case: why, by whom, when (one per survivor)."""

    __tablename__ = "closures"
    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivors.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
