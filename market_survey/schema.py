"""The survey tables' schema, declared once (pandera), and its errors in words.

A raw table (every cell as typed) is first *prepared*: names resolved to codes,
spellings of units and currencies made canonical, numbers read (see ``money``).
Whatever cannot be read is kept as typed, so that the schema's checks fail on it and
the message can quote it. The schema is then validated lazily, so every failing row
and column is reported at once, and the failure cases become ``{"row", "field",
"message"}`` problems.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from market_survey.errors import EmptyFile, Problem, SchemaProblems
from market_survey.money import (
    CURRENCIES,
    CURRENCY_ALIASES,
    PAY_UNITS,
    UNIT_ALIASES,
    canonical,
    parse_amounts,
)
from market_survey.references import References

EMPLOYMENTS: tuple[str, ...] = ("wage", "self")
VENUES: tuple[str, ...] = ("industrial", "market", "tourist", "office", "farm", "home")

JOB_INPUT_COLUMNS: tuple[str, ...] = (
    "town",
    "occupation",
    "employment",
    "venue",
    "pay_min",
    "pay_max",
    "pay_unit",
    "currency",
    "openings",
    "startup_cost",
    "source",
)
JOB_OPTIONAL: frozenset[str] = frozenset({"startup_cost", "source"})
JOB_NUMBERS: tuple[str, ...] = ("pay_min", "pay_max", "openings", "startup_cost")

LIVING_INPUT_COLUMNS: tuple[str, ...] = ("town", "food", "room", "other", "currency", "source")
LIVING_OPTIONAL: frozenset[str] = frozenset({"other", "source"})
LIVING_NUMBERS: tuple[str, ...] = ("food", "room", "other")

# Above this many rows with the same problem in one column, the rest are summed up
# in one line: a million-row file with a wrong unit column must not answer with a
# million-entry list.
MAX_PER_PROBLEM = 1000

# Check name -> (field, message for a failure case).
Message = Callable[[Any], str]


@dataclass(frozen=True)
class _Rule:
    field: str
    message: Message


def _isin(values: tuple[str, ...]) -> Callable[[pd.Series], pd.Series]:
    allowed = set(values)
    return lambda s: s.isin(allowed)


def _one_of(name: str, allowed: tuple[str, ...]) -> Message:
    def message(v: Any) -> str:
        text = "" if v is None else str(v)
        if not text.strip():
            return f"{name} is empty; use one of {', '.join(allowed)}"
        close = difflib.get_close_matches(text.casefold(), allowed, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        return f"{name} {text!r} is not one of {', '.join(allowed)}{hint}"

    return message


def _clean(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # a code given as a number (JSON or a workbook): 8153.0 is "8153"
    return str(v).strip()


def _text(df: pd.DataFrame, col: str) -> pd.Series:
    """A text column trimmed, blanks as "" (cleaned once per distinct value)."""
    if col not in df:
        return pd.Series("", index=df.index, dtype=object)
    codes, uniques = pd.factorize(df[col], use_na_sentinel=True)
    cleaned = np.array([_clean(u) for u in uniques] + [""], dtype=object)
    return pd.Series(cleaned[codes], index=df.index, dtype=object)  # code -1 (NA) -> ""


def _free_text(df: pd.DataFrame, col: str) -> pd.Series:
    """A free-text column (source) as is, blanks as "" (no per-value work: it is unique)."""
    values = df[col].to_numpy(dtype=object)
    return pd.Series(np.where(pd.isna(values), "", values), index=df.index, dtype=object)


def normalise_headers(raw: pd.DataFrame) -> pd.DataFrame:
    """Column names trimmed, lower case, spaces and hyphens as underscores."""
    out = raw.copy(deep=False)
    out.columns = [
        "_".join(str(c).strip().casefold().replace("-", " ").split()) for c in raw.columns
    ]
    return out


def _drop_blank_rows(raw: pd.DataFrame) -> pd.DataFrame:
    """Without the rows whose every cell is empty (a sheet's trailing formatted rows)."""
    if raw.empty:
        return raw
    blank = np.ones(len(raw), dtype=bool)
    for col in range(raw.shape[1]):
        candidates = np.flatnonzero(blank)
        if len(candidates) == 0:
            return raw
        values = raw.iloc[:, col].to_numpy(dtype=object)[candidates]
        blank[candidates] = (values == "") | pd.isna(values)
    return raw[~blank] if blank.any() else raw


# -- jobs ------------------------------------------------------------------------


def jobs_schema(refs: References) -> pa.DataFrameSchema:
    """The schema of a prepared ``jobs`` table."""
    return pa.DataFrameSchema(
        {
            "town": pa.Column(None, pa.Check(_isin(tuple(refs.towns.codes)), error="town_known")),
            "occupation": pa.Column(
                None, pa.Check(_isin(tuple(refs.occupations.codes)), error="occupation_known")
            ),
            "employment": pa.Column(None, pa.Check(_isin(EMPLOYMENTS), error="employment_known")),
            "venue": pa.Column(None, pa.Check(_isin(VENUES), error="venue_known")),
            "pay_min": pa.Column(
                "float64", pa.Check.gt(0, error="pay_min_positive"), nullable=False
            ),
            "pay_max": pa.Column(
                "float64", pa.Check.gt(0, error="pay_max_positive"), nullable=False
            ),
            "pay_unit": pa.Column(None, pa.Check(_isin(PAY_UNITS), error="pay_unit_known")),
            "currency": pa.Column(None, pa.Check(_isin(CURRENCIES), error="currency_known")),
            "openings": pa.Column(
                "float64",
                [
                    pa.Check.ge(0, error="openings_negative"),
                    pa.Check(lambda s: s == np.floor(s), error="openings_integer"),
                ],
                nullable=False,
            ),
            "startup_cost": pa.Column(
                "float64",
                pa.Check.ge(0, error="startup_cost_negative"),
                nullable=True,
                required=False,
            ),
            "source": pa.Column(None, required=False),
            # Rules across columns, as derived boolean columns (see ``_add_row_rules``).
            **{
                column: pa.Column(bool, pa.Check(lambda s: s, error=check), required=False)
                for column, check in ROW_RULES.items()
            },
        },
        strict=True,
        name="jobs",
    )


# Rules that span columns become boolean columns of the prepared frame, checked as
# columns: pandera reports a failing table-level check once per column of the table,
# which for a million-row file of wrong rows is tens of millions of failure cases.
# The names hold a space, which ``normalise_headers`` never leaves in an input column.
ROW_RULES: dict[str, str] = {
    "rule pay_order": "pay_order",
    "rule startup_on_wage": "startup_on_wage",
    "rule duplicate": "duplicate",
}


def _add_row_rules(out: pd.DataFrame) -> None:
    inputs = [c for c in out.columns if c not in ROW_RULES]
    if "pay_min" in out and "pay_max" in out:
        out["rule pay_order"] = ~(out["pay_min"] > out["pay_max"])  # NaN: reported elsewhere
    if "startup_cost" in out and "employment" in out:
        out["rule startup_on_wage"] = ~(out["startup_cost"].notna() & (out["employment"] == "wage"))
    out["rule duplicate"] = ~out[inputs].duplicated(keep="first")


def prepare_jobs(raw: pd.DataFrame, refs: References) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Read a raw jobs table into typed columns; returns it and the unreadable numbers."""
    df = normalise_headers(raw)
    out = pd.DataFrame(index=df.index)
    parse_problems: dict[str, pd.Series] = {}
    for col in df.columns:
        if col == "town":
            out[col] = refs.towns.resolve(_text(df, col))
        elif col == "occupation":
            out[col] = refs.occupations.resolve(_text(df, col))
        elif col in ("employment", "venue"):
            out[col] = _text(df, col).str.casefold()
        elif col == "pay_unit":
            out[col] = canonical(_text(df, col), UNIT_ALIASES)
        elif col == "currency":
            out[col] = canonical(_text(df, col), CURRENCY_ALIASES)
        elif col in JOB_NUMBERS:
            out[col], parse_problems[col] = parse_amounts(df[col])
        elif col == "source":
            out[col] = _free_text(df, col)
        else:
            out[col] = df[col]  # unknown: the schema names it
    # One figure is a range of one: a blank pay_max takes pay_min.
    if "pay_max" in out and "pay_min" in out:
        blank_max = out["pay_max"].isna() & parse_problems["pay_max"].isna()
        out.loc[blank_max, "pay_max"] = out.loc[blank_max, "pay_min"]
    _add_row_rules(out)
    return out, parse_problems


def _job_rules(refs: References) -> dict[str, _Rule]:
    return {
        "town_known": _Rule("town", refs.towns.unknown_message),
        "occupation_known": _Rule("occupation", refs.occupations.unknown_message),
        "employment_known": _Rule("employment", _one_of("employment", EMPLOYMENTS)),
        "venue_known": _Rule("venue", _one_of("venue", VENUES)),
        "pay_unit_known": _Rule("pay_unit", _one_of("pay unit", PAY_UNITS)),
        "currency_known": _Rule("currency", _one_of("currency", CURRENCIES)),
        "pay_min_positive": _Rule("pay_min", lambda v: f"pay must be more than 0 (got {v:g})"),
        "pay_max_positive": _Rule("pay_max", lambda v: f"pay must be more than 0 (got {v:g})"),
        "openings_negative": _Rule(
            "openings", lambda v: f"openings cannot be negative (got {v:g})"
        ),
        "openings_integer": _Rule(
            "openings", lambda v: f"openings must be a whole number (got {v:g})"
        ),
        "startup_cost_negative": _Rule(
            "startup_cost", lambda v: f"startup cost cannot be negative (got {v:g})"
        ),
        "pay_order": _Rule("pay_min", lambda v: "pay_min is more than pay_max"),
        "startup_on_wage": _Rule(
            "startup_cost",
            lambda v: "startup_cost is only for self-employment rows (employment is wage)",
        ),
    }


def validate_jobs(raw: pd.DataFrame, refs: References) -> pd.DataFrame:
    """Prepare and validate a raw jobs table.

    Parameters
    ----------
    raw
        The table as read (cells as typed; headers as typed).
    refs
        Towns and occupations the names are resolved against.

    Returns
    -------
    pandas.DataFrame
        The prepared table (codes, canonical units and currencies, float numbers),
        with every input column present (``startup_cost`` NaN, ``source`` "" when
        absent).

    Raises
    ------
    EmptyFile
        No data rows.
    SchemaProblems
        Every failing row and column.
    """
    raw = _drop_blank_rows(raw)
    if len(raw) == 0:
        raise EmptyFile("jobs", "the jobs table has no data rows")
    prepared, parse_problems = prepare_jobs(raw.reset_index(drop=True), refs)
    _validate(
        prepared,
        jobs_schema(refs),
        _job_rules(refs),
        parse_problems,
        JOB_INPUT_COLUMNS,
        JOB_OPTIONAL,
        "jobs",
    )
    prepared = prepared.drop(columns=[c for c in ROW_RULES if c in prepared])
    if "startup_cost" not in prepared:
        prepared["startup_cost"] = np.nan
    if "source" not in prepared:
        prepared["source"] = ""
    return prepared


# -- living costs -------------------------------------------------------------------


def living_costs_schema(refs: References) -> pa.DataFrameSchema:
    """The schema of a prepared ``living_costs`` table (one row per town, per month)."""
    return pa.DataFrameSchema(
        {
            "town": pa.Column(
                None,
                [
                    pa.Check(_isin(tuple(refs.towns.codes)), error="town_known"),
                    pa.Check(lambda s: ~s.duplicated(keep="first"), error="town_repeated"),
                ],
            ),
            "food": pa.Column("float64", pa.Check.gt(0, error="food_positive"), nullable=False),
            "room": pa.Column("float64", pa.Check.ge(0, error="room_negative"), nullable=False),
            "other": pa.Column(
                "float64", pa.Check.ge(0, error="other_negative"), nullable=True, required=False
            ),
            "currency": pa.Column(None, pa.Check(_isin(CURRENCIES), error="currency_known")),
            "source": pa.Column(None, required=False),
        },
        strict=True,
        name="living_costs",
    )


def _living_rules(refs: References) -> dict[str, _Rule]:
    return {
        "town_known": _Rule("town", refs.towns.unknown_message),
        "town_repeated": _Rule("town", lambda v: f"town {v} already has a row; one row per town"),
        "food_positive": _Rule("food", lambda v: f"food must be more than 0 (got {v:g})"),
        "room_negative": _Rule("room", lambda v: f"room cannot be negative (got {v:g})"),
        "other_negative": _Rule("other", lambda v: f"other cannot be negative (got {v:g})"),
        "currency_known": _Rule("currency", _one_of("currency", CURRENCIES)),
    }


def validate_living_costs(raw: pd.DataFrame, refs: References) -> pd.DataFrame:
    """Prepare and validate a raw living-costs table (see ``validate_jobs``)."""
    raw = _drop_blank_rows(raw)
    if len(raw) == 0:
        raise EmptyFile("living_costs", "the living_costs table has no data rows")
    df = normalise_headers(raw.reset_index(drop=True))
    prepared = pd.DataFrame(index=df.index)
    parse_problems: dict[str, pd.Series] = {}
    for col in df.columns:
        if col == "town":
            prepared[col] = refs.towns.resolve(_text(df, col))
        elif col == "currency":
            prepared[col] = canonical(_text(df, col), CURRENCY_ALIASES)
        elif col in LIVING_NUMBERS:
            prepared[col], parse_problems[col] = parse_amounts(df[col])
        elif col == "source":
            prepared[col] = _free_text(df, col)
        else:
            prepared[col] = df[col]
    if "other" in prepared:
        blank = prepared["other"].isna() & parse_problems["other"].isna()
        prepared.loc[blank, "other"] = 0.0
    _validate(
        prepared,
        living_costs_schema(refs),
        _living_rules(refs),
        parse_problems,
        LIVING_INPUT_COLUMNS,
        LIVING_OPTIONAL,
        "living_costs",
    )
    if "other" not in prepared:
        prepared["other"] = 0.0
    if "source" not in prepared:
        prepared["source"] = ""
    return prepared


# -- failure cases -> problems ---------------------------------------------------------


def _validate(
    prepared: pd.DataFrame,
    schema: pa.DataFrameSchema,
    rules: dict[str, _Rule],
    parse_problems: dict[str, pd.Series],
    columns: tuple[str, ...],
    optional: frozenset[str],
    table: str,
) -> None:
    try:
        schema.validate(prepared, lazy=True, inplace=True)
        problems: list[Problem] = []
    except SchemaErrors as exc:
        problems = _problems(exc.failure_cases, prepared, rules, parse_problems, columns, optional)
    # An unreadable number in a column that may be blank is NaN to the schema, so
    # it passes there: say it here.
    for field, reasons in parse_problems.items():
        if schema.columns[field].nullable:
            bad = reasons.dropna()
            problems.extend(
                {"row": int(str(i)) + 1, "field": field, "message": str(m)}
                for i, m in bad.iloc[:MAX_PER_PROBLEM].items()
            )
    if problems:
        order = {c: i for i, c in enumerate(columns)}

        def place(p: Problem) -> tuple[int, int, int]:
            if p.get("row") is not None:
                return (1, p["row"], order.get(p["field"], len(order)))
            summary = str(p["message"]).startswith("and ")  # "and N more rows ..."
            return (2 if summary else 0, 0, order.get(p["field"], len(order)))

        problems.sort(key=place)
        n_rows = len({p["row"] for p in problems if p.get("row") is not None})
        detail = f"the {table} table has {len(problems)} problem{'s' if len(problems) != 1 else ''}"
        if n_rows:
            detail += f" in {n_rows} row{'s' if n_rows != 1 else ''}"
        raise SchemaProblems(problems, detail)


def _problems(
    cases: pd.DataFrame,
    prepared: pd.DataFrame,
    rules: dict[str, _Rule],
    parse_problems: dict[str, pd.Series],
    columns: tuple[str, ...],
    optional: frozenset[str],
) -> list[Problem]:
    """Failure cases -> problems, at most ``MAX_PER_PROBLEM`` per check and column.

    Works per group of equal failures, so a file where every row is wrong costs a
    few vectorised operations, not a Python loop over every failure case.
    """
    column_problems: list[Problem] = []
    required = [c for c in columns if c not in optional]
    table_level = cases["index"].isna()
    for case in cases[table_level].to_dict("records"):
        check = str(case["check"])
        if check == "column_in_dataframe":
            column_problems.append(
                {
                    "field": str(case["failure_case"]),
                    "message": f"missing column (needed: {', '.join(required)})",
                }
            )
        elif check == "column_in_schema":
            name = str(case["failure_case"])
            close = difflib.get_close_matches(name, columns, n=1)
            hint = f"did you mean {close[0]}?" if close else f"expected: {', '.join(columns)}"
            column_problems.append({"field": name, "message": f"unknown column; {hint}"})
        # Anything else without a row is a check that could not run because its
        # column is missing: the missing column is reported above.

    out: list[Problem] = []
    summaries: list[Problem] = []
    row_cases = cases[~table_level]
    for key, group in row_cases.groupby(["check", "column"], sort=False, dropna=False):
        check, column = (str(k) for k in key)
        rows = group["index"].astype("int64").to_numpy()
        values = group["failure_case"].to_numpy(dtype=object)
        head = slice(0, MAX_PER_PROBLEM)
        if check == "not_nullable":
            field = column
            reasons = parse_problems.get(field)
            messages = [
                r if isinstance(r, str) else f"{field} is empty"
                for r in (
                    reasons.to_numpy(dtype=object)[rows[head]]
                    if reasons is not None
                    else [None] * len(rows[head])
                )
            ]
        elif check == "duplicate":
            field = "row"
            first = _first_rows(prepared.drop(columns=[c for c in ROW_RULES if c in prepared]))
            messages = [f"repeats row {int(first.iloc[r]) + 1}" for r in rows[head]]
        elif check in rules:
            rule = rules[check]
            field = rule.field
            if column in ROW_RULES:  # a rule across columns: quote the rule's own column
                shown = (
                    prepared[field].to_numpy(dtype=object)[rows[head]]
                    if field in prepared
                    else [None] * len(rows[head])
                )
            else:
                shown = values[head]
            messages = [rule.message(v) for v in shown]
        else:  # a check without words is a bug: still say something useful
            field = column
            messages = [check] * len(rows[head])
        out.extend(
            {"row": int(r) + 1, "field": field, "message": m}
            for r, m in zip(rows[head], messages, strict=True)
        )
        if len(rows) > MAX_PER_PROBLEM:
            summaries.append(
                {
                    "field": field,
                    "message": (
                        f"and {len(rows) - MAX_PER_PROBLEM} more rows with the same problem "
                        f"({check})"
                    ),
                }
            )
    return column_problems + out + summaries


def _first_rows(prepared: pd.DataFrame) -> pd.Series:
    """For each row, the first row with the same values (itself when unique)."""
    groups = prepared.groupby(list(prepared.columns), sort=False, dropna=False).ngroup()
    return pd.Series(prepared.index, index=prepared.index).groupby(groups).transform("min")
