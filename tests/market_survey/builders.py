"""Builders for survey test data: reference lists from the shipped reference data, rows, files."""

from __future__ import annotations

import csv
import io
from typing import Any

from market_survey.references import References
from market_survey.schema import JOB_INPUT_COLUMNS
from market_survey.types import SeasonParams
from training_catalog import reference

JOB_HEADER = list(JOB_INPUT_COLUMNS)


def _names(table: str) -> dict[str, tuple[str, str]]:
    return {r["code"]: (r["name"], r["name_km"]) for r in reference.read_reference(table)}


def references() -> References:
    """The towns and occupations shipped with the domain."""
    return References.from_maps(_names("towns"), _names("occupations"))


def params(**overrides: Any) -> SeasonParams:
    """A season with 4,000 riel to the dollar and 26 working days."""
    values: dict[str, Any] = {
        "label": "test",
        "khr_per_usd": 4000.0,
        "minimum_wage_usd_month": 210.0,
        "living_wage_usd_month": 250.0,
        "working_days_per_month": 26.0,
    }
    values.update(overrides)
    return SeasonParams(**values)


def job(**overrides: Any) -> dict[str, Any]:
    """One valid jobs row (a garment job in Phnom Penh), with fields overridden."""
    row: dict[str, Any] = {
        "town": "PNH",
        "occupation": "8153",
        "employment": "wage",
        "venue": "industrial",
        "pay_min": "210",
        "pay_max": "238",
        "pay_unit": "month",
        "currency": "USD",
        "openings": "40",
        "startup_cost": "",
        "source": "M15",
    }
    row.update(overrides)
    return row


def csv_bytes(
    rows: list[dict[str, Any]],
    header: list[str] | None = None,
    sep: str = ",",
    bom: bool = False,
) -> bytes:
    """A CSV file as a surveyor's spreadsheet would save it."""
    header = header or list(rows[0]) if rows else (header or JOB_HEADER)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(c, "") for c in header])
    data = buf.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data
