"""Market survey seasons and their normalised rows (money in US$ per month)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models.base import Base, utcnow
from market_survey.types import WORKING_DAYS_PER_MONTH

SEASON_STATUSES: tuple[str, ...] = ("draft", "published")


class Season(Base):
    """One season's survey: a draft until published, then frozen forever."""

    __tablename__ = "seasons"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    khr_per_usd: Mapped[float] = mapped_column(Float)
    working_days_per_month: Mapped[float] = mapped_column(Float, default=WORKING_DAYS_PER_MONTH)
    minimum_wage_usd_month: Mapped[float] = mapped_column(Float)
    living_wage_usd_month: Mapped[float] = mapped_column(Float)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]


class SurveyJob(Base):
    """One surveyed kind of work in one town, normalised (``market_survey.JOB_COLUMNS``)."""

    __tablename__ = "survey_jobs"
    __table_args__ = (Index("ix_survey_jobs_season_key", "season_id", "town", "occupation"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"))
    town: Mapped[str] = mapped_column(ForeignKey("towns.code"))
    occupation: Mapped[str] = mapped_column(ForeignKey("occupations.code"))
    employment: Mapped[str] = mapped_column(String(8))
    venue: Mapped[str] = mapped_column(String(16))
    pay_min_usd_month: Mapped[float] = mapped_column(Float)
    pay_max_usd_month: Mapped[float] = mapped_column(Float)
    openings: Mapped[int] = mapped_column(Integer)
    startup_cost_usd: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text, default="")


class SurveyLivingCost(Base):
    """What food, a room and the rest cost a month in one town, in one season."""

    __tablename__ = "survey_living_costs"
    __table_args__ = (UniqueConstraint("season_id", "town"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"))
    town: Mapped[str] = mapped_column(ForeignKey("towns.code"))
    food_usd_month: Mapped[float] = mapped_column(Float)
    room_usd_month: Mapped[float] = mapped_column(Float)
    other_usd_month: Mapped[float] = mapped_column(Float)
