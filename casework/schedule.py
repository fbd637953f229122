"""When follow-ups are due, and what a follow-up's answers flag.

The study's shelters stopped money support after one month and closed cases after a
year whatever the income; follow-ups at 1, 3, 6 and 12 months after a job or a
business starts show whether the income lasts, and flag it while it can be helped.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

DEFAULT_FOLLOW_UP_MONTHS: tuple[int, ...] = (1, 3, 6, 12)

# Why someone left a job or a business, coded so that reports can count them.
LEFT_REASONS: tuple[str, ...] = (
    "pay_too_low",
    "unsafe",
    "abuse",
    "family",
    "moved",
    "health",
    "other",
)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(started_on: date, months: Sequence[int]) -> list[tuple[int, date]]:
    """``(month, due date)`` of each follow-up of a placement started on ``started_on``."""
    return [(m, add_months(started_on, m)) for m in sorted(set(months))]


@dataclass(frozen=True)
class IncomeCheck:
    """What a follow-up's income and safety answers flag.

    ``needs_support``: the income is below the town's living wage, by ``gap_usd_month``.
    ``urgent``: the survivor reported a safety concern.
    """

    needs_support: bool
    urgent: bool
    gap_usd_month: float | None

    @property
    def flags(self) -> list[str]:
        return [
            name
            for name, on in (("urgent", self.urgent), ("needs_support", self.needs_support))
            if on
        ]


def check_income(
    income_usd_month: float, living_wage_usd_month: float | None, *, safety_concern: bool
) -> IncomeCheck:
    """Flag a follow-up: below the living wage (with the gap in dollars), or unsafe.

    Parameters
    ----------
    income_usd_month
        The monthly income reported, in US$ (0 when out of work).
    living_wage_usd_month
        The town's living wage, or None when no season gives one (no income flag then).
    safety_concern
        Whether the survivor or the counsellor raised a safety concern.

    Returns
    -------
    IncomeCheck
    """
    if living_wage_usd_month is None or income_usd_month >= living_wage_usd_month:
        return IncomeCheck(False, safety_concern, None)
    gap = round(living_wage_usd_month - income_usd_month, 2)
    return IncomeCheck(True, safety_concern, gap)
