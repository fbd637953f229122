"""Money as surveyors write it becomes US$ per month, exactly as the contract says."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from market_survey.ingest import parse_jobs, read_csv_bytes
from market_survey.money import parse_amounts, to_usd_month
from tests.market_survey.builders import csv_bytes, job, params, references

REFS = references()


def _parse(*rows: dict[str, str], **season: float) -> pd.DataFrame:
    return parse_jobs(read_csv_bytes(csv_bytes(list(rows))), REFS, params(**season))


def test_riel_per_day_with_separators_becomes_dollars_per_month() -> None:
    out = _parse(job(pay_min="10,000", pay_max="25 000", pay_unit="day", currency="KHR"))
    # 10,000 riel x 26 days / 4,000 riel per dollar
    assert out.loc[0, "pay_min_usd_month"] == pytest.approx(65.0)
    assert out.loc[0, "pay_max_usd_month"] == pytest.approx(162.5)


def test_dollars_per_week_use_52_weeks_over_12_months() -> None:
    out = _parse(job(pay_min="30", pay_max="45", pay_unit="week", currency="USD"))
    assert out.loc[0, "pay_min_usd_month"] == pytest.approx(130.0)
    assert out.loc[0, "pay_max_usd_month"] == pytest.approx(195.0)


def test_riel_per_month_with_every_separator_style() -> None:
    rows = [
        job(pay_min="1,200,000", pay_max="1,200,000", currency="KHR", source="a"),
        job(pay_min="1 200 000", pay_max="1 200 000", currency="riel", source="b"),
        job(pay_min="1.200.000", pay_max="1.200.000", currency="khr", source="c"),
        job(pay_min="1\u202f200\u202f000", pay_max="1'200'000", currency="KHR", source="d"),
    ]
    out = _parse(*rows)
    assert out["pay_min_usd_month"].tolist() == pytest.approx([300.0] * 4)
    assert out["pay_max_usd_month"].tolist() == pytest.approx([300.0] * 4)


def test_season_exchange_rate_and_working_days_are_used() -> None:
    out = _parse(
        job(pay_min="41,000", pay_max="41,000", pay_unit="day", currency="KHR"),
        khr_per_usd=4100.0,
        working_days_per_month=24.0,
    )
    assert out.loc[0, "pay_min_usd_month"] == pytest.approx(240.0)


def test_startup_cost_in_riel_is_converted_to_dollars() -> None:
    out = _parse(
        job(
            employment="self",
            venue="market",
            startup_cost="400,000",
            currency="KHR",
            pay_min="800,000",
            pay_max="1,000,000",
        )
    )
    assert out.loc[0, "startup_cost_usd"] == pytest.approx(100.0)
    assert math.isnan(_parse(job()).loc[0, "startup_cost_usd"])


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("25.000", "ambiguous"),
        ("12,5", "dot for decimals"),
        ("inf", "not a number"),
        ("40-45", "is a range"),
        ("45$", "not a number"),
        ("1,20,000", "not a number"),
    ],
)
def test_unclear_numbers_are_refused_with_a_reason(typed: str, says: str) -> None:
    _, problems = parse_amounts(pd.Series([typed], dtype=str))
    assert says in problems.iloc[0]


def test_spreadsheet_scientific_notation_is_a_number() -> None:
    numbers, problems = parse_amounts(pd.Series(["1.2E+06", "45"], dtype=str))
    assert numbers.tolist() == [1_200_000.0, 45.0]
    assert problems.isna().all()


@given(st.integers(min_value=1_000, max_value=10**9))
def test_thousands_separators_read_back_the_same_number(n: int) -> None:
    comma = f"{n:,}"
    typed = pd.Series([comma, comma.replace(",", " "), comma.replace(",", "'"), str(n)], dtype=str)
    numbers, problems = parse_amounts(typed)
    assert problems.isna().all()
    assert numbers.tolist() == [float(n)] * 4


@given(
    amount=st.floats(min_value=0.01, max_value=1e8, allow_nan=False),
    days=st.floats(min_value=1, max_value=31),
    rate=st.floats(min_value=100, max_value=10_000),
)
def test_unit_conversion_agrees_between_units_and_currencies(
    amount: float, days: float, rate: float
) -> None:
    season = params(khr_per_usd=rate, working_days_per_month=days)
    units = ["month", "day", "week", "month", "day", "week"]
    currencies = ["USD", "USD", "USD", "KHR", "KHR", "KHR"]
    usd = to_usd_month([amount] * 6, units, currencies, season)
    assert usd[0] == pytest.approx(amount)
    assert usd[1] == pytest.approx(amount * days)
    assert usd[2] == pytest.approx(amount * 52 / 12)
    # the same pay in riel is the dollar figure divided by the rate
    assert np.allclose(usd[3:] * rate, usd[:3])
    assert (usd > 0).all()


def test_an_unknown_unit_never_becomes_a_number() -> None:
    out = to_usd_month([10.0], ["fortnight"], ["USD"], params())
    assert math.isnan(out[0])
