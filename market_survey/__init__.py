"""What the market looks like this season: pay, demand and living costs by town.

Parses surveyors' files, validates and normalises them to US$ per month, builds the
``MarketSnapshot`` the matcher reads, and compares seasons. No Flask, no SQLAlchemy.
"""

from market_survey.errors import SurveyError
from market_survey.references import References
from market_survey.types import (
    JOB_COLUMNS,
    LIVING_COST_COLUMNS,
    MarketSnapshot,
    SeasonParams,
)

__all__ = [
    "JOB_COLUMNS",
    "LIVING_COST_COLUMNS",
    "MarketSnapshot",
    "References",
    "SeasonParams",
    "SurveyError",
]
