"""Money as surveyors write it, turned into US$ per month.

Numbers
-------
Surveyors type numbers the way their spreadsheet or habit does. Accepted:

* plain numbers: ``45``, ``45.5``, ``-3`` (the sign is kept so that the schema can
  say "must be more than 0" rather than "not a number");
* thousands grouped by commas, spaces (also no-break and thin spaces) or
  apostrophes: ``1,200,000``, ``1 200 000``, ``1'200'000``, optionally followed by a
  decimal part with a dot: ``1,200.50``;
* thousands grouped by dots when there are at least two groups: ``1.200.000``;
* scientific notation as spreadsheets export big numbers: ``1.2E+06``.

A dot is otherwise always the decimal point. ``25.000`` (one dot, exactly three
digits after it) is refused as ambiguous: it is 25 to an English speaker and 25,000
to a surveyor used to dots as separators, and guessing would silently change a
published figure by a factor of 1,000. ``12,5`` (a decimal comma) is refused for the
same reason. The error says how to write it instead.

Units
-----
US$/month = pay x (1 per month | ``working_days_per_month`` per day | 52/12 per
week) / (``khr_per_usd`` if the currency is KHR), as API.md says.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from market_survey.types import SeasonParams

WEEKS_PER_MONTH = 52.0 / 12.0

PAY_UNITS: tuple[str, ...] = ("day", "week", "month")
CURRENCIES: tuple[str, ...] = ("USD", "KHR")

# Spellings seen in surveyors' sheets, after casefolding and trimming.
UNIT_ALIASES: dict[str, str] = {
    "day": "day",
    "days": "day",
    "daily": "day",
    "per day": "day",
    "/day": "day",
    "d": "day",
    "week": "week",
    "weeks": "week",
    "weekly": "week",
    "per week": "week",
    "/week": "week",
    "w": "week",
    "month": "month",
    "months": "month",
    "monthly": "month",
    "per month": "month",
    "/month": "month",
    "m": "month",
    "ថ្ងៃ": "day",
    "សប្តាហ៍": "week",
    "ខែ": "month",
}
CURRENCY_ALIASES: dict[str, str] = {
    "usd": "USD",
    "us$": "USD",
    "$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "khr": "KHR",
    "riel": "KHR",
    "riels": "KHR",
    "៛": "KHR",
    "រៀល": "KHR",
}

_DOT_GROUPED = r"[+-]?\d{1,3}(?:\.\d{3}){2,}"
_AMBIGUOUS_DOT = r"[+-]?\d{1,3}\.\d{3}"
_DECIMAL_COMMA = r"[+-]?\d+,\d{1,2}|[+-]?\d+,\d{4,}"


def parse_amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of amounts as surveyors write them.

    Parameters
    ----------
    values
        Strings (or numbers, from JSON or a workbook). Empty strings and nulls are
        missing values.

    Returns
    -------
    numbers, problems
        ``numbers`` is float64 with NaN where the value is missing or unreadable;
        ``problems`` holds, on the same index, a reason for every unreadable value
        and ``None`` elsewhere (a missing value is not a problem here: whether it
        may be missing is the schema's business).
    """
    n = len(values)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        as_float = values.astype("float64")
        reasons = pd.Series(None, index=values.index, dtype=object)
        infinite = np.isinf(as_float.to_numpy())
        if infinite.any():
            reasons[infinite] = [f"{v!r} is not a finite number" for v in as_float[infinite]]
            as_float[infinite] = np.nan
        return as_float, reasons

    # A survey column repeats a few hundred figures over a million rows: read each
    # distinct value once, in Python, and spread the results with numpy.
    arr = values.to_numpy(dtype=object)
    is_bool = np.zeros(n, dtype=bool)
    if not isinstance(values.dtype, pd.StringDtype):
        # True == 1 to a hash table: keep JSON booleans apart before factorizing.
        is_bool = np.fromiter((isinstance(v, (bool, np.bool_)) for v in arr), bool, n)
        if is_bool.any():
            arr = arr.copy()
            arr[is_bool] = None
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    parsed = [_read_value(u) for u in uniques]
    numbers = np.array([v for v, _ in parsed] + [np.nan], dtype="float64")[codes]
    problems = np.array([r for _, r in parsed] + [None], dtype=object)[codes]
    if is_bool.any():
        problems[is_bool] = [
            f"{v!r} is not a number" for v in values.to_numpy(dtype=object)[is_bool]
        ]
    return pd.Series(numbers, index=values.index), pd.Series(problems, index=values.index)


def _read_value(v: Any) -> tuple[float, str | None]:
    """One distinct cell: a number, or NaN and why (blank is NaN without a reason)."""
    if isinstance(v, str):
        if not v.strip():
            return np.nan, None
        return _read_one(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return _finite(float(v), v)
    return np.nan, f"{v!r} is not a number"


def _finite(number: float, raw: Any) -> tuple[float, str | None]:
    # JSON's NaN and Infinity, and a figure like 1e999, are floats but no amount.
    if math.isfinite(number):
        return number, None
    return np.nan, f"{raw!r} is not a finite number"


_AMBIGUOUS_RE = re.compile(r"[+-]?\d{1,3}\.\d{3}")
_PLAIN_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED_RE = re.compile(r"[+-]?\d{1,3}(?:([, '])\d{3})(?:\1\d{3})*(?:\.\d+)?")
_DOT_GROUPED_RE = re.compile(_DOT_GROUPED)


_TO_SPACE = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
_NO_SEPARATORS = str.maketrans({",": None, " ": None, "'": None})


def _read_one(raw: str) -> tuple[float, str | None]:
    if _GROUPED_RE.fullmatch(raw):  # the common case here: 1,200,000
        return float(raw.translate(_NO_SEPARATORS)), None
    v = raw.translate(_TO_SPACE).strip()
    if _PLAIN_RE.fullmatch(v):
        if _AMBIGUOUS_RE.fullmatch(v):
            return np.nan, _why_unreadable(v)
        return _finite(float(v), raw)
    if _GROUPED_RE.fullmatch(v):
        return _finite(float(v.translate(_NO_SEPARATORS)), raw)
    if _DOT_GROUPED_RE.fullmatch(v):
        return _finite(float(v.replace(".", "")), raw)
    return np.nan, _why_unreadable(v)


def _why_unreadable(raw: str) -> str:
    if re.fullmatch(_AMBIGUOUS_DOT, raw):
        whole, frac = raw.split(".")
        return (
            f"{raw!r} is ambiguous: write {whole}{frac} (or {whole},{frac}) for "
            f"{whole} thousand, or {whole}.{frac.rstrip('0') or '0'} for a decimal"
        )
    if re.fullmatch(_DECIMAL_COMMA, raw):
        dotted = raw.replace(",", ".")
        return f"{raw!r}: use a dot for decimals ({dotted}); commas only group thousands"
    if re.fullmatch(r"\d+(?:\.\d+)?\s*(?:-|to)\s*\d+(?:\.\d+)?", raw):
        return f"{raw!r} is a range: put the low figure in pay_min and the high one in pay_max"
    return f"{raw!r} is not a number"


def canonical(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Map spellings to canonical codes; unknown spellings are kept as typed (trimmed)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [aliases.get(" ".join(str(u).casefold().split()), str(u).strip()) for u in uniques]
    out = np.array([*mapped, ""], dtype=object)[codes]
    return pd.Series(out, index=values.index, dtype=object)


def unit_factor(
    units: pd.Series | npt.ArrayLike, working_days_per_month: float
) -> npt.NDArray[np.float64]:
    """Months per unit: 1 for month, working days for day, 52/12 for week; NaN otherwise."""
    u = np.asarray(units, dtype=object)
    return np.select(
        [u == "month", u == "day", u == "week"],
        [1.0, float(working_days_per_month), WEEKS_PER_MONTH],
        default=np.nan,
    ).astype("float64")


def currency_divisor(
    currencies: pd.Series | npt.ArrayLike, khr_per_usd: float
) -> npt.NDArray[np.float64]:
    """What to divide by to get US$: 1 for USD, ``khr_per_usd`` for KHR; NaN otherwise."""
    c = np.asarray(currencies, dtype=object)
    return np.select([c == "USD", c == "KHR"], [1.0, float(khr_per_usd)], default=np.nan).astype(
        "float64"
    )


def to_usd_month(
    amounts: pd.Series | npt.ArrayLike,
    units: pd.Series | npt.ArrayLike,
    currencies: pd.Series | npt.ArrayLike,
    params: SeasonParams,
) -> npt.NDArray[np.float64]:
    """Normalise amounts to US$ per month.

    Parameters
    ----------
    amounts
        Pay per ``units`` in ``currencies``.
    units
        ``day``, ``week`` or ``month`` per element.
    currencies
        ``USD`` or ``KHR`` per element.
    params
        The season's ``khr_per_usd`` and ``working_days_per_month``.

    Returns
    -------
    numpy.ndarray
        US$ per month (NaN where the unit or currency is unknown).
    """
    a = np.asarray(amounts, dtype="float64")
    return (
        a
        * unit_factor(units, params.working_days_per_month)
        / currency_divisor(currencies, params.khr_per_usd)
    )


def to_usd(
    amounts: pd.Series | npt.ArrayLike,
    currencies: pd.Series | npt.ArrayLike,
    params: SeasonParams,
) -> npt.NDArray[np.float64]:
    """Convert amounts (already per month, or one-off) to US$."""
    a = np.asarray(amounts, dtype="float64")
    return a / currency_divisor(currencies, params.khr_per_usd)


def amount_usd_month(
    amount: float, unit: str, currency: str, *, khr_per_usd: float, working_days_per_month: float
) -> float:
    """One amount (a vacancy's pay, a follow-up's income) in US$ per month.

    The same factors as ``to_usd_month``; raises ``ValueError`` for an unknown unit or
    currency.
    """
    factor = unit_factor([unit], working_days_per_month)[0]
    divisor = currency_divisor([currency], khr_per_usd)[0]
    if np.isnan(factor) or np.isnan(divisor):
        raise ValueError(f"unknown unit {unit!r} or currency {currency!r}")
    return float(amount * factor / divisor)
