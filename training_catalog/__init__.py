"""What can be learned, where, for how long, and how many seats there are.

Plain types and rules only: no Flask, no SQLAlchemy (see ../shared/STYLE.md).
"""

from training_catalog.errors import CatalogError, InvalidDuration, UnknownLiteracyLevel
from training_catalog.rules import (
    LawViolation,
    duration_class,
    literacy_meets,
    risk_approval_violation,
    vacancy_law_violations,
)
from training_catalog.types import (
    LITERACY_LEVELS,
    SKILL_FAMILIES,
    Catalog,
    Occupation,
    Town,
    Track,
)

__all__ = [
    "LITERACY_LEVELS",
    "SKILL_FAMILIES",
    "Catalog",
    "CatalogError",
    "InvalidDuration",
    "LawViolation",
    "Occupation",
    "Town",
    "Track",
    "UnknownLiteracyLevel",
    "duration_class",
    "literacy_meets",
    "risk_approval_violation",
    "vacancy_law_violations",
]
