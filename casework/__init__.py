"""Case work after a recommendation: the follow-up schedule, the income and safety
flags, when a case may close as reintegrated, and how outcome reports protect small
groups.

Plain types and rules only: no Flask, no SQLAlchemy (see ../shared/STYLE.md).
"""

from casework.closure import Span, reintegration_missing
from casework.disclosure import ProtectedTable, protect, round_down
from casework.schedule import (
    DEFAULT_FOLLOW_UP_MONTHS,
    LEFT_REASONS,
    IncomeCheck,
    add_months,
    check_income,
    due_dates,
)

__all__ = [
    "DEFAULT_FOLLOW_UP_MONTHS",
    "LEFT_REASONS",
    "IncomeCheck",
    "ProtectedTable",
    "Span",
    "add_months",
    "check_income",
    "due_dates",
    "protect",
    "reintegration_missing",
    "round_down",
]
