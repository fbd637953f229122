"""Money as surveyors write it, turned into US$ per month.

Numbers
-------
Surveyors type numbers the way their spreadsheet or habit does. Accepted:

* plain numbers: ``45``, ``45.5``, ``-3`` (the sign is kept so that the schema can
  say "must be more than 0" rather than "not a number");
* thousands grouped by commas, spaces (also no-break and thin spaces) or
  apostrophes: ``1,200,000``, ``1 200 000``, ``1'200'000``, optionally followed by a
  decimal part with a dot: ``1,200.50``;
* thousands grouped by dots when there are at least two groups: ``1.200.000``.

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

_SPACES = r"[\u00a0\u202f\u2009]"
_GROUPED = (
    r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|[+-]?\d{1,3}(?: \d{3})+(?:\.\d+)?"
    r"|[+-]?\d{1,3}(?:'\d{3})+(?:\.\d+)?"
)
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
    problems = pd.Series(None, index=values.index, dtype=object)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64"), problems

    # Real numbers (from JSON or XLSX) pass through; only text needs reading.
    if isinstance(values.dtype, pd.StringDtype):
        is_text = values.notna()  # read from CSV: every value is text
    else:
        is_text = values.map(lambda v: isinstance(v, str)).astype(bool)
    numbers = pd.Series(np.nan, index=values.index, dtype="float64")
    not_text = values[~is_text]
    if len(not_text):
        numeric = pd.to_numeric(not_text.where(not_text.notna()), errors="coerce")
        bad = not_text.notna() & numeric.isna()
        # A bool or other object in a number column is not a number.
        bad |= not_text.map(lambda v: isinstance(v, bool)).astype(bool)
        numbers[~is_text] = numeric.where(~bad)
        problems[bad[bad].index] = [f"{v!r} is not a number" for v in not_text[bad]]

    text = values[is_text].astype(str).str.strip()
    text = text[text != ""]
    if len(text) == 0:
        return numbers, problems

    # Fast path: plain numbers, the common case, read by numpy in one go.
    fast = pd.to_numeric(text, errors="coerce")
    has_dot = text.str.contains(".", regex=False)
    ambiguous = has_dot & text.str.fullmatch(_AMBIGUOUS_DOT).fillna(False).astype(bool)
    plain_ok = fast.notna() & ~ambiguous
    # to_numeric reads "inf", "nan" and "1e5"; a survey figure is digits only.
    odd = plain_ok & ~text.str.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)").fillna(False).astype(bool)
    plain_ok &= ~odd
    numbers[plain_ok[plain_ok].index] = fast[plain_ok]

    rest = text[~plain_ok]
    if len(rest):
        cleaned = rest.str.replace(_SPACES, " ", regex=True)
        grouped = cleaned.str.fullmatch(_GROUPED).fillna(False).astype(bool)
        dot_grouped = cleaned.str.fullmatch(_DOT_GROUPED).fillna(False).astype(bool)
        value = pd.Series(np.nan, index=rest.index, dtype="float64")
        if grouped.any():
            value[grouped] = pd.to_numeric(
                cleaned[grouped].str.replace(r"[, ']", "", regex=True), errors="coerce"
            )
        if dot_grouped.any():
            value[dot_grouped] = pd.to_numeric(
                cleaned[dot_grouped].str.replace(".", "", regex=False), errors="coerce"
            )
        good = value.notna()
        numbers[good[good].index] = value[good]
        unreadable = rest[~good]
        problems[unreadable.index] = [_why_unreadable(str(raw)) for raw in unreadable]
    return numbers, problems


def _why_unreadable(raw: str) -> str:
    import re

    if re.fullmatch(_AMBIGUOUS_DOT, raw):
        whole, frac = raw.split(".")
        return (
            f"{raw!r} is ambiguous: write {whole}{frac} (or {whole},{frac}) for "
            f"{whole} thousand, or {whole}.{frac.rstrip('0') or '0'} for a decimal"
        )
    if re.fullmatch(_DECIMAL_COMMA, raw):
        dotted = raw.replace(",", ".")
        return f"{raw!r}: use a dot for decimals ({dotted}); commas only group thousands"
    return f"{raw!r} is not a number"


def canonical(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Map spellings to canonical codes; unknown spellings are kept as typed (trimmed)."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    codes, uniques = pd.factorize(text)
    mapped = np.array(
        [aliases.get(" ".join(u.casefold().split()), u) for u in uniques], dtype=object
    )
    out = mapped[codes] if len(uniques) else np.array([], dtype=object)
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
