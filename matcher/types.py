"""Inputs of the engine: a survivor's profile and the open vacancies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

RELOCATION_CHOICES: tuple[str, ...] = ("home_only", "named", "anywhere")


@dataclass(frozen=True)
class Profile:
    """What the engine may know of a survivor (never a name, never notes)."""

    survivor_id: int
    birth_year: int
    home_province: str  # ISO 3166-2:KH, e.g. "KH-20"
    literacy: str  # none | basic | functional
    education_grade: int = 0
    aptitudes: Mapping[str, int] = field(default_factory=dict)  # skill family -> 0..5
    preferences: tuple[str, ...] = ()  # track or occupation codes, most wanted first
    relocation: str = "home_only"  # one of RELOCATION_CHOICES
    willing_towns: tuple[str, ...] = ()
    avoid_towns: tuple[str, ...] = ()
    needs_accommodation: bool = False
    self_employment_interest: bool = False
    completed_tracks: tuple[str, ...] = ()
    gender: str | None = None  # stored for reporting; the engine never reads it


@dataclass(frozen=True, slots=True)
class Vacancy:
    """A vacancy as the engine sees it, pay already normalised to US$/month."""

    id: int
    employer_id: int
    employer_name: str
    employer_status: str  # pending | vetted | rejected | suspended
    occupation: str
    town: str
    pay_usd_month: float
    positions_left: int
    provides_food: bool
    provides_room: bool
    min_age: int
    night_shift: bool
    hires_from_track: str | None = None
    is_open: bool = True
    # Held for an admin's review as a possible lure (or rejected): never offered.
    held_for_review: bool = False


@dataclass(frozen=True)
class AvoidList:
    """Towns and employers no one is sent to (an admin keeps the list), with the reason
    each is on it: a known scam-compound area, an employer known to traffic."""

    towns: Mapping[str, str] = field(default_factory=dict)  # town code -> reason
    employers: Mapping[int, str] = field(default_factory=dict)  # employer id -> reason
