"""Plain types for a season's market data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# Columns of a normalised jobs frame (money in US$ per month).
JOB_COLUMNS: tuple[str, ...] = (
    "town",  # town code
    "occupation",  # ISCO-08 code
    "employment",  # wage | self
    "venue",  # industrial | market | tourist | office | farm | home
    "pay_min_usd_month",
    "pay_max_usd_month",
    "openings",  # int >= 0
    "startup_cost_usd",  # float, NaN on wage rows
    "source",  # free text, may be ""
)

# Columns of a normalised living-costs frame (US$ per month, one row per town).
LIVING_COST_COLUMNS: tuple[str, ...] = (
    "town",
    "food_usd_month",
    "room_usd_month",
    "other_usd_month",
)


# A month of pay per day worked: a six-day week, as Cambodian wage surveys count it.
WORKING_DAYS_PER_MONTH = 26.0


@dataclass(frozen=True, slots=True)
class SeasonParams:
    """The parameters a season's money is normalised with."""

    label: str
    khr_per_usd: float
    minimum_wage_usd_month: float
    living_wage_usd_month: float
    working_days_per_month: float = WORKING_DAYS_PER_MONTH


@dataclass(frozen=True)
class MarketSnapshot:
    """One season's normalised market, built once and cached by the api.

    ``jobs`` has ``JOB_COLUMNS``; ``living_costs`` has ``LIVING_COST_COLUMNS``.
    """

    season_id: int
    params: SeasonParams
    jobs: pd.DataFrame
    living_costs: pd.DataFrame
