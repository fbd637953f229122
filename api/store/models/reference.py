"""Reference data every deployment has: provinces, towns, occupations, skill families."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models.base import Base


class Province(Base):
    __tablename__ = "provinces"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # ISO 3166-2:KH
    name: Mapped[str] = mapped_column(String(80))
    name_km: Mapped[str] = mapped_column(String(80))


class Town(Base):
    __tablename__ = "towns"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_km: Mapped[str] = mapped_column(String(80))
    province: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    tourist_hub: Mapped[bool]
    casino_town: Mapped[bool] = mapped_column(default=False)


class SkillFamily(Base):
    __tablename__ = "skill_families"
    name: Mapped[str] = mapped_column(String(24), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_km: Mapped[str] = mapped_column(String(80))


class Occupation(Base):
    __tablename__ = "occupations"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)  # ISCO-08 unit group
    name: Mapped[str] = mapped_column(String(120))
    name_km: Mapped[str] = mapped_column(String(120))
    skill_family: Mapped[str] = mapped_column(ForeignKey("skill_families.name"))
    hazardous: Mapped[bool] = mapped_column(default=False)
    night_work: Mapped[bool] = mapped_column(default=False)
    exploitation_risk: Mapped[bool] = mapped_column(default=False)
    on_the_job: Mapped[bool] = mapped_column(default=False)
    light_work: Mapped[bool] = mapped_column(default=False)
