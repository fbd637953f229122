"""The reference data every deployment has, shipped with the domain as package data.

Provinces (ISO 3166-2:KH), towns, ISCO-08 occupations with the flags the law and the
safeguards rely on (hazardous, night work, light work, exploitation risk, learned on the
job) and skill families, in English and Khmer. This module is the one reader of those
files: the api loads them into its tables from here, and tests build from here too.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources
from typing import Any

from training_catalog.types import Occupation, Town

# Each file, in the order a database must load them so that foreign keys hold.
TABLES: tuple[str, ...] = ("provinces", "skill_families", "towns", "occupations")


def _value(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    return text


@cache
def _read(table: str) -> tuple[dict[str, Any], ...]:
    if table not in TABLES:
        raise ValueError(f"unknown reference table {table!r}: one of {', '.join(TABLES)}")
    source = resources.files("training_catalog") / "reference_data" / f"{table}.csv"
    rows = csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"), newline=""))
    return tuple({k: _value(v) for k, v in row.items()} for row in rows)


def read_reference(table: str) -> list[dict[str, Any]]:
    """The rows of one reference table (``"towns"``, ...) as plain dicts, booleans parsed."""
    return [dict(row) for row in _read(table)]


def occupations() -> dict[str, Occupation]:
    """The shipped occupations by ISCO-08 code."""
    return {row["code"]: Occupation(**row) for row in _read("occupations")}


def towns() -> dict[str, Town]:
    """The shipped towns by code."""
    return {row["code"]: Town(**row) for row in _read("towns")}
