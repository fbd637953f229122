"""Surveyors' files in, normalised frames out (or every problem, at once).

Reading: CSV (UTF-8 with or without a byte-order mark; comma or semicolon, sniffed
from the header), XLSX workbooks (sheets ``jobs`` and ``living_costs``) and JSON rows.
Every cell is read as text so that a figure is never reinterpreted before the schema
sees it (``25.000`` must be refused, not read as 25).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from market_survey.errors import EmptyFile, SurveyError, Undecodable
from market_survey.money import to_usd, to_usd_month
from market_survey.references import References
from market_survey.schema import validate_jobs, validate_living_costs
from market_survey.types import JOB_COLUMNS, LIVING_COST_COLUMNS, SeasonParams

TABLES: tuple[str, ...] = ("jobs", "living_costs")


def decode_text(data: bytes, field: str = "file") -> str:
    """UTF-8 text (a BOM is dropped), or ``Undecodable`` naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Undecodable(
            f"line {line} is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save the file as 'CSV UTF-8'",
            field,
        ) from None


def sniff_delimiter(text: str) -> str:
    """``;`` when the header has more semicolons than commas, else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_csv_bytes(data: bytes, field: str = "file") -> pd.DataFrame:
    """Read a CSV upload: every cell as text, headers as typed.

    Raises
    ------
    EmptyFile
        No bytes, or no header.
    Undecodable
        Not UTF-8, or not a table.
    """
    if not data.strip():
        raise EmptyFile(field, "the file is empty")
    text = decode_text(data, field)
    if not text.strip():
        raise EmptyFile(field, "the file is empty")
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sniff_delimiter(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=True,
            skip_blank_lines=True,
        )
    except pd.errors.ParserError as exc:
        raise Undecodable(f"not a readable CSV table: {exc}", field) from None


def read_csv_path(path: str | Path) -> pd.DataFrame:
    """Read a CSV file from disk (see ``read_csv_bytes``)."""
    return read_csv_bytes(Path(path).read_bytes(), str(Path(path).name))


def read_workbook(data: bytes, tables: Iterable[str] = TABLES) -> dict[str, pd.DataFrame]:
    """Read the ``jobs`` and ``living_costs`` sheets of an XLSX workbook (those present).

    Sheet names match case-insensitively. A workbook with neither sheet is an error.
    """
    import openpyxl  # noqa: PLC0415 (lazy: heavy, and only needed for workbooks)

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise Undecodable(f"not a readable XLSX workbook ({type(exc).__name__})") from None
    wanted = {t.casefold(): t for t in tables}
    out: dict[str, pd.DataFrame] = {}
    try:
        for sheet in book.worksheets:
            table = wanted.get(sheet.title.strip().casefold())
            if table is None:
                continue
            rows = list(sheet.iter_rows(values_only=True))
            if not rows:
                out[table] = pd.DataFrame()
                continue
            header = [("" if h is None else str(h)) for h in rows[0]]
            # Trailing empty header cells are formatting, not columns.
            while header and not header[-1].strip():
                header.pop()
            body = [[_cell_text(v) for v in r[: len(header)]] for r in rows[1:]]
            out[table] = pd.DataFrame(body, columns=header, dtype=object)
    finally:
        book.close()
    if not out:
        raise SurveyError(
            [
                {
                    "field": "file",
                    "message": f"the workbook has no sheet named {' or '.join(tables)}",
                }
            ],
            "no survey sheet in the workbook",
        )
    return out


def _cell_text(v: Any) -> Any:
    # Numbers stay numbers (they are unambiguous in a workbook); the rest is text.
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)  # a code typed as a number (8153) reads back as 8153, not 8153.0
    if isinstance(v, (int, float)):
        return v
    return str(v)


def rows_frame(rows: Any, field: str = "rows") -> pd.DataFrame:
    """A raw table from JSON rows (a list of objects)."""
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise SurveyError(
            [{"field": field, "message": "rows must be a list of objects, one per data row"}],
            "bad JSON rows",
        )
    if not rows:
        raise EmptyFile(field, "there are no rows")
    nested = [
        {"row": i, "field": str(k), "message": "must be a single value, not a list or object"}
        for i, r in enumerate(rows, start=1)
        for k, v in r.items()
        if isinstance(v, Mapping | list)
    ]
    if nested:
        raise SurveyError(nested, "rows hold lists or objects where single values belong")
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(str(k) for k in r))
    return pd.DataFrame(
        [[r.get(c, "") for c in columns] for r in rows], columns=list(columns), dtype=object
    ).map(lambda v: "" if v is None else v)


def read_json_bytes(data: bytes) -> tuple[str, pd.DataFrame]:
    """``{"table": ..., "rows": [...]}`` from bytes: the table name and its raw frame."""
    try:
        doc = json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise Undecodable(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(doc, Mapping) or doc.get("table") not in TABLES:
        raise SurveyError(
            [{"field": "table", "message": f"table must be one of {', '.join(TABLES)}"}],
            "bad JSON upload",
        )
    unknown = sorted(set(doc) - {"table", "rows"})
    if unknown:
        raise SurveyError(
            [{"field": name, "message": "unknown field"} for name in unknown],
            "bad JSON upload",
        )
    return str(doc["table"]), rows_frame(doc.get("rows"))


def read_path(path: str | Path, table: str | None = None) -> dict[str, pd.DataFrame]:
    """Raw tables from a file on disk, by its extension.

    ``.xlsx``: its sheets; ``.json``: the table it names; ``.csv``: ``table``, or the
    file's stem when it is ``jobs`` or ``living_costs``.
    """
    p = Path(path)
    suffix = p.suffix.casefold()
    if suffix == ".xlsx":
        return read_workbook(p.read_bytes())
    if suffix == ".json":
        name, frame = read_json_bytes(p.read_bytes())
        return {name: frame}
    name = table or p.stem.casefold()
    if name not in TABLES:
        raise SurveyError(
            [
                {
                    "field": "table",
                    "message": (
                        f"cannot tell which table {p.name} is: name it jobs.csv or living_costs.csv"
                    ),
                }
            ],
            "unknown table",
        )
    return {name: read_csv_path(p)}


# -- parse + validate + normalise ---------------------------------------------------------


def parse_jobs(raw: pd.DataFrame, refs: References, params: SeasonParams) -> pd.DataFrame:
    """Validate a raw ``jobs`` table and normalise it to US$ per month.

    Parameters
    ----------
    raw
        Cells as typed (``read_csv_bytes``, ``read_workbook``, ``rows_frame``).
    refs
        Towns and occupations (code, English or Khmer name, any case).
    params
        The season: ``khr_per_usd`` and ``working_days_per_month``.

    Returns
    -------
    pandas.DataFrame
        Exactly ``JOB_COLUMNS``: codes, pay in US$/month, integer openings, startup
        cost in US$ (NaN on wage rows), source text.

    Raises
    ------
    SurveyError
        With every problem (``EmptyFile``, ``SchemaProblems``).
    """
    df = validate_jobs(raw, refs)
    out = pd.DataFrame(
        {
            "town": df["town"].astype(object),
            "occupation": df["occupation"].astype(object),
            "employment": df["employment"].astype(object),
            "venue": df["venue"].astype(object),
            "pay_min_usd_month": to_usd_month(
                df["pay_min"], df["pay_unit"], df["currency"], params
            ),
            "pay_max_usd_month": to_usd_month(
                df["pay_max"], df["pay_unit"], df["currency"], params
            ),
            "openings": df["openings"].to_numpy(dtype="int64"),
            "startup_cost_usd": to_usd(df["startup_cost"], df["currency"], params),
            "source": df["source"].astype(object),
        }
    )
    return out.loc[:, list(JOB_COLUMNS)].reset_index(drop=True)


def parse_living_costs(raw: pd.DataFrame, refs: References, params: SeasonParams) -> pd.DataFrame:
    """Validate a raw ``living_costs`` table (per month) and convert it to US$.

    Returns exactly ``LIVING_COST_COLUMNS``, one row per town; raises ``SurveyError``.
    """
    df = validate_living_costs(raw, refs)
    out = pd.DataFrame(
        {
            "town": df["town"].astype(object),
            "food_usd_month": to_usd(df["food"], df["currency"], params),
            "room_usd_month": to_usd(df["room"], df["currency"], params),
            "other_usd_month": to_usd(df["other"], df["currency"], params),
        }
    )
    return out.loc[:, list(LIVING_COST_COLUMNS)].reset_index(drop=True)


def parse_table(
    table: str, raw: pd.DataFrame, refs: References, params: SeasonParams
) -> pd.DataFrame:
    """``parse_jobs`` or ``parse_living_costs`` by table name."""
    if table == "jobs":
        return parse_jobs(raw, refs, params)
    if table == "living_costs":
        return parse_living_costs(raw, refs, params)
    raise SurveyError(
        [{"field": "table", "message": f"table must be one of {', '.join(TABLES)}"}],
        "unknown table",
    )


def empty_jobs() -> pd.DataFrame:
    """A jobs frame with no rows and the right columns and dtypes."""
    return pd.DataFrame(
        {
            c: pd.Series(dtype="float64" if c.endswith(("_usd_month", "_usd")) else object)
            for c in JOB_COLUMNS
        }
    ).astype({"openings": "int64"})


__all__ = [
    "TABLES",
    "empty_jobs",
    "parse_jobs",
    "parse_living_costs",
    "parse_table",
    "read_csv_bytes",
    "read_csv_path",
    "read_json_bytes",
    "read_path",
    "read_workbook",
    "rows_frame",
]
