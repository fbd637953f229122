"""Plain reference and catalog types shared by the domain packages and the api."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SKILL_FAMILIES: tuple[str, ...] = (
    "textile",
    "beauty",
    "hair",
    "mechanical",
    "electronics",
    "hospitality",
    "cooking",
    "language",
    "digital",
    "business",
    "agriculture",
    "crafts",
    "construction",
)

# Ordered from least to most: a track's ``min_literacy`` is met by that level or above.
LITERACY_LEVELS: tuple[str, ...] = ("none", "basic", "functional")


@dataclass(frozen=True, slots=True)
class Town:
    """A town where people train and work (codes such as ``PNH``, ``SRP``)."""

    code: str
    name: str
    province: str  # ISO 3166-2:KH code, e.g. "KH-12"
    tourist_hub: bool
    casino_town: bool = False
    name_km: str = ""


@dataclass(frozen=True, slots=True)
class Occupation:
    """An ISCO-08 unit group with the flags the law and the safeguards need."""

    code: str
    name: str
    skill_family: str
    hazardous: bool = False
    night_work: bool = False
    exploitation_risk: bool = False
    on_the_job: bool = False
    light_work: bool = False
    name_km: str = ""


@dataclass(frozen=True, slots=True)
class Track:
    """A training track offered by a provider NGO in one town."""

    code: str
    name: str
    provider: str
    town: str
    skill_family: str
    occupations: tuple[str, ...]
    duration_months: int
    seats: int
    seats_available: int
    next_start: date | None
    cost_usd: float
    min_age: int
    min_literacy: str  # one of LITERACY_LEVELS

    def meets(self, wish: str) -> bool:
        """Whether a stated wish (a track or an occupation code) is met by this track:
        its own code, or an occupation it trains for. The one reading of a wish that
        the score, its reasons, the cohort's figures and the status quo share."""
        return wish == self.code or wish in self.occupations


@dataclass(frozen=True)
class Catalog:
    """Reference data and tracks, as the matcher reads them (keys are codes)."""

    towns: dict[str, Town]
    occupations: dict[str, Occupation]
    tracks: tuple[Track, ...]
