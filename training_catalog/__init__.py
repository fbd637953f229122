"""What can be learned, where, for how long, and how many seats there are.

Plain types and rules only: no Flask, no SQLAlchemy (see ../shared/STYLE.md).
"""

from training_catalog.types import (
    LITERACY_LEVELS,
    SKILL_FAMILIES,
    Catalog,
    Occupation,
    Town,
    Track,
)

__all__ = ["LITERACY_LEVELS", "SKILL_FAMILIES", "Catalog", "Occupation", "Town", "Track"]
