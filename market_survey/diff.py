"""Two seasons compared, key by key, and an export a spreadsheet can open safely."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from market_survey.snapshot import KEY, market_by_key

# Cells a spreadsheet would run as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

DIFF_CSV_COLUMNS: tuple[str, ...] = (
    "change",
    *KEY,
    "pay_usd_month_before",
    "pay_usd_month_after",
    "openings_before",
    "openings_after",
)


def _money(x: float) -> float:
    return round(float(x), 2)


def diff_jobs(season: pd.DataFrame, against: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """What changed from ``against`` (before) to ``season`` (after).

    Parameters
    ----------
    season
        The later (or compared) season's jobs, ``JOB_COLUMNS``.
    against
        The season compared with, ``JOB_COLUMNS``.

    Returns
    -------
    dict
        ``added`` (keys only in ``season``) and ``removed`` (keys only in
        ``against``), each ``{town, occupation, employment, venue, pay_usd_month,
        openings}``; ``changed``: keys in both whose mean pay midpoint (to the cent)
        or openings differ, each with ``pay_usd_month`` and ``openings`` as
        ``{"before", "after"}``. Sorted by key.
    """
    after = market_by_key(season)
    before = market_by_key(against)
    added_keys = after.index.difference(before.index)
    removed_keys = before.index.difference(after.index)
    common = after.index.intersection(before.index)

    def entry(key: Sequence[Any], row: pd.Series) -> dict[str, Any]:
        return {
            **dict(zip(KEY, key, strict=True)),
            "pay_usd_month": _money(row["pay_usd_month"]),
            "openings": int(row["openings"]),
        }

    changed: list[dict[str, Any]] = []
    if len(common):
        a = after.loc[common]
        b = before.loc[common]
        pay_a = a["pay_usd_month"].round(2)
        pay_b = b["pay_usd_month"].round(2)
        differs = (pay_a != pay_b) | (a["openings"] != b["openings"])
        for key in common[differs.to_numpy()]:
            changed.append(
                {
                    **dict(zip(KEY, key, strict=True)),
                    "pay_usd_month": {
                        "before": _money(float(b.at[key, "pay_usd_month"])),  # type: ignore[arg-type]
                        "after": _money(float(a.at[key, "pay_usd_month"])),  # type: ignore[arg-type]
                    },
                    "openings": {
                        "before": int(b.at[key, "openings"]),  # type: ignore[arg-type]
                        "after": int(a.at[key, "openings"]),  # type: ignore[arg-type]
                    },
                }
            )
    return {
        "added": [entry(k, after.loc[k]) for k in added_keys],
        "removed": [entry(k, before.loc[k]) for k in removed_keys],
        "changed": changed,
    }


def safe_cell(value: Any) -> str:
    """A cell's text, with ``'`` before anything a spreadsheet would run as a formula."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def safe_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (UTF-8 friendly, CRLF rows) with every cell made formula-safe.

    Numbers are written as numbers: a negative number is data, not a formula, and
    prefixing it would turn it into text; only strings are guarded.
    """
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(
            [
                ("" if isinstance(v, float) and math.isnan(v) else v)
                if isinstance(v, (int, float)) and not isinstance(v, bool)
                else safe_cell(v)
                for v in row
            ]
        )
    return buf.getvalue()


def diff_csv(diff: dict[str, list[dict[str, Any]]]) -> str:
    """The diff as CSV, one row per key: ``change`` is added, removed or changed."""
    rows: list[list[Any]] = []
    for kind in ("added", "removed", "changed"):
        for item in diff.get(kind, []):
            key = [item[k] for k in KEY]
            if kind == "added":
                values = ["", item["pay_usd_month"], "", item["openings"]]
            elif kind == "removed":
                values = [item["pay_usd_month"], "", item["openings"], ""]
            else:
                values = [
                    item["pay_usd_month"]["before"],
                    item["pay_usd_month"]["after"],
                    item["openings"]["before"],
                    item["openings"]["after"],
                ]
            rows.append([kind, *key, *values])
    return safe_csv(DIFF_CSV_COLUMNS, rows)
