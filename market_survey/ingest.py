"""Surveyors' files in, normalised frames out (or every problem, at once).

Reading: CSV (UTF-8 with or without a byte-order mark; comma or semicolon, sniffed
from the header), XLSX workbooks (sheets ``jobs`` and ``living_costs``) and JSON rows.
Every cell is read as text so that a figure is never reinterpreted before the schema
sees it (``25.000`` must be refused, not read as 25).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from market_survey.errors import EmptyFile, SurveyError, TooLarge, Undecodable
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


@dataclass(frozen=True)
class ReadLimits:
    """The caps a survey file is read under; passing one stops the reading (``TooLarge``).

    A file is never trusted to say how big it is (an XLSX's claimed dimension, a zip
    entry's ratio): the readers count what they actually read and stop at the cap.

    Parameters
    ----------
    max_rows
        Data rows per table (``None``: no cap, for the command line's imports).
    max_columns
        Columns per table.
    max_cell_chars
        Characters in one cell.
    max_unpacked_bytes
        What an XLSX workbook may unpack to, all its parts together.
    """

    max_rows: int | None = 20_000
    max_columns: int = 60
    max_cell_chars: int = 1_000
    max_unpacked_bytes: int = 256 * 1024 * 1024

    @property
    def max_line_chars(self) -> int:
        """The longest CSV line a table within the caps can have (every quote doubled)."""
        return self.max_columns * (2 * self.max_cell_chars + 3) + 2


DEFAULT_LIMITS = ReadLimits()
# Excel's own last row: a crafted row number beyond it is not a workbook Excel made.
XLSX_LAST_ROW = 1_048_576
BIG_SURVEY_HINT = "import a survey this large with the command line: pathways import-survey"


def _too_many_rows(limits: ReadLimits) -> TooLarge:
    return TooLarge("file", f"more than {limits.max_rows} data rows; {BIG_SURVEY_HINT}")


def _too_many_columns(limits: ReadLimits) -> TooLarge:
    return TooLarge("file", f"more than {limits.max_columns} columns")


def _trimmed_header(cells: list[str]) -> list[str]:
    """Trailing empty header cells are formatting, not columns; an inner one gets a name."""
    header = list(cells)
    while header and not header[-1].strip():
        header.pop()
    return [name if name.strip() else f"column {n}" for n, name in enumerate(header, start=1)]


def _frame(header: list[str], rows: list[list[Any]], limits: ReadLimits) -> pd.DataFrame:
    """A raw table of a header and its rows, once every cell is known to be storable."""
    check_header(header)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    check_cells(frame, limits)
    return frame


def check_header(header: Iterable[str]) -> None:
    """Refuse a header that names a column twice (compared as the schema reads names)."""
    seen: dict[str, int] = {}
    problems: list[dict[str, Any]] = []
    for number, name in enumerate(header, start=1):
        key = "_".join(str(name).strip().casefold().replace("-", " ").split())
        if not key:
            continue
        if key in seen:
            problems.append(
                {
                    "field": str(name).strip(),
                    "message": f"is given twice (columns {seen[key]} and {number}): keep one",
                }
            )
        else:
            seen[key] = number
    if problems:
        raise SurveyError(problems, "a column is given twice")


def check_cells(frame: pd.DataFrame, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Refuse cells no database should store: a NUL, a lone surrogate, or too long a text.

    Each problem names its row (1 = the first under the header) and column; at most
    ``MAX_CELL_PROBLEMS`` are listed.
    """
    problems: list[dict[str, Any]] = []
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        cells: Any = column.to_numpy(dtype=object)
        if not isinstance(column.dtype, pd.StringDtype) or column.hasnans:
            cells = [v for v in cells if isinstance(v, str)]  # a workbook's numbers, say
        # Nearly always all is well: one search over the column's text says so.
        if not len(cells) or (
            max(map(len, cells)) <= limits.max_cell_chars and _storable("".join(cells))
        ):
            continue
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        values = np.asarray(uniques, dtype=object)
        # Where something is wrong, each distinct value is looked at once.
        reasons = {
            i: reason
            for i, value in enumerate(values)
            if isinstance(value, str) and (reason := _cell_problem(value, limits)) is not None
        }
        if not reasons:
            continue
        rows = np.flatnonzero(np.isin(codes, list(reasons)))
        for row in rows[: MAX_CELL_PROBLEMS - len(problems)]:
            problems.append(
                {"row": int(row) + 1, "field": str(name), "message": reasons[int(codes[row])]}
            )
        if len(problems) == MAX_CELL_PROBLEMS:
            break
    if problems:
        raise SurveyError(problems, "cells that cannot be stored")


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(text: str) -> bool:
    # Faster than the pattern over a whole column: a find, and UTF-8 refuses surrogates.
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _cell_problem(value: str, limits: ReadLimits) -> str | None:
    if len(value) > limits.max_cell_chars:
        return f"is longer than {limits.max_cell_chars} characters ({len(value)})"
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "holds a NUL character"
    return "holds a lone surrogate (\\ud800-\\udfff): it is not Unicode text"


MAX_CELL_PROBLEMS = 10


def read_csv_bytes(
    data: bytes, field: str = "file", limits: ReadLimits = DEFAULT_LIMITS
) -> pd.DataFrame:
    """Read a CSV upload: every cell as text, headers as typed, within ``limits``.

    Before pandas parses anything, a line with more delimiters than a table within the
    caps can hold is refused (a line of millions of commas would be millions of
    fields), and so is a header with too many columns or one named twice; pandas then
    reads at most one row past the row cap.

    Raises
    ------
    EmptyFile
        No bytes, or no header.
    Undecodable
        Not UTF-8, or not a table.
    TooLarge
        Past a cap of ``limits``.
    SurveyError
        A column named twice; a cell with a NUL or longer than the cap.
    """
    if not data.strip():
        raise EmptyFile(field, "the file is empty")
    text = decode_text(data, field)
    if not text.strip():
        raise EmptyFile(field, "the file is empty")
    delimiter = sniff_delimiter(text)
    _check_lines(data, delimiter, limits, field)
    header = _csv_header(text, delimiter, limits)
    if len(_trimmed_header(header)) > limits.max_columns:
        raise _too_many_columns(limits)
    check_header(header)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=True,
            skip_blank_lines=True,
            nrows=None if limits.max_rows is None else limits.max_rows + 1,
        )
    except pd.errors.ParserError as exc:
        raise Undecodable(f"not a readable CSV table: {exc}", field) from None
    if limits.max_rows is not None and len(frame) > limits.max_rows:
        raise _too_many_rows(limits)
    check_cells(frame, limits)
    return frame


def _check_lines(data: bytes, delimiter: str, limits: ReadLimits, field: str) -> None:
    # Line lengths from the positions of the line ends (numpy, over the bytes); only
    # the few long lines have their delimiters counted.
    octets = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero((octets == 0x0A) | (octets == 0x0D))
    starts = np.concatenate(([0], ends + 1))
    lengths = np.diff(np.concatenate((starts, [len(data)])))
    mark = delimiter.encode()
    for index in np.flatnonzero(lengths > limits.max_line_chars):
        start = int(starts[index])
        if data.count(mark, start, start + int(lengths[index])) > limits.max_line_chars:
            line = data.count(b"\n", 0, start) + 1
            raise TooLarge(
                field,
                f"line {line} has more than {limits.max_line_chars} delimiters: "
                f"a table has at most {limits.max_columns} columns",
            )


def _csv_header(text: str, delimiter: str, limits: ReadLimits) -> list[str]:
    """The first non-blank record, as the csv module reads it (quotes and all)."""
    # The header is in the first few lines, each no longer than the line cap.
    start = io.StringIO(text[: 16 * limits.max_line_chars], newline="")
    records = csv.reader(start, delimiter=delimiter, skipinitialspace=True)
    try:
        for row in records:
            if row and any(cell.strip() for cell in row):
                return row
    except csv.Error as exc:  # a header name past the module's field cap, say
        raise Undecodable(f"the header is not readable ({exc})") from None
    return []


def read_csv_path(path: str | Path, limits: ReadLimits = DEFAULT_LIMITS) -> pd.DataFrame:
    """Read a CSV file from disk (see ``read_csv_bytes``)."""
    return read_csv_bytes(Path(path).read_bytes(), str(Path(path).name), limits)


def read_workbook(
    data: bytes, tables: Iterable[str] = TABLES, limits: ReadLimits = DEFAULT_LIMITS
) -> dict[str, pd.DataFrame]:
    """Read the ``jobs`` and ``living_costs`` sheets of an XLSX workbook (those present).

    Sheet names match case-insensitively. A workbook with neither sheet is an error.
    The sheet's claimed dimension is ignored (read-only openpyxl would pad every row
    to it): rows are streamed, columns past the cap are never built, and the reading
    stops at the first row past ``limits.max_rows``.

    Raises
    ------
    Undecodable
        Not a workbook.
    TooLarge
        Past a cap of ``limits`` (unpacked size, columns, rows).
    SurveyError
        No survey sheet; a column named twice; a cell that cannot be stored.
    """
    import openpyxl  # noqa: PLC0415 (lazy: heavy, and only needed for workbooks)

    _check_unpacked_size(data, limits)
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
            out[table] = _read_sheet(sheet, limits)
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


def _check_unpacked_size(data: bytes, limits: ReadLimits) -> None:
    # zipfile stops at each entry's declared size (a CRC error past it), so the sum
    # of the declared sizes bounds what openpyxl can unpack.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise Undecodable("not a readable XLSX workbook (not a zip archive)") from None
    if unpacked > limits.max_unpacked_bytes:
        raise TooLarge(
            "file",
            f"the workbook unpacks to more than {limits.max_unpacked_bytes // (1024 * 1024)} MB; "
            f"{BIG_SURVEY_HINT}",
        )


def _read_sheet(sheet: Any, limits: ReadLimits) -> pd.DataFrame:
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    header: list[str] | None = None
    body: list[list[Any]] = []
    for number, row in enumerate(sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)):
        if number > XLSX_LAST_ROW:
            break
        if row.count(None) == len(row):
            continue  # a row the file skips (openpyxl fills the gap) or an empty one
        if header is None:
            if all(v is None or not str(v).strip() for v in row):
                continue  # blank rows above the header
            header = _trimmed_header(["" if h is None else str(h) for h in row])
            if len(header) > limits.max_columns:
                raise _too_many_columns(limits)
            continue
        cells = [_cell_text(v) for v in row[: len(header)]]
        if all(c == "" for c in cells):
            continue  # a formatted, empty row
        if limits.max_rows is not None and len(body) == limits.max_rows:
            raise _too_many_rows(limits)
        body.append(cells + [""] * (len(header) - len(cells)))
    if header is None:
        return pd.DataFrame()
    return _frame(header, body, limits)


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


def rows_frame(rows: Any, field: str = "rows", limits: ReadLimits = DEFAULT_LIMITS) -> pd.DataFrame:
    """A raw table from JSON rows (a list of objects), within ``limits``."""
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise SurveyError(
            [{"field": field, "message": "rows must be a list of objects, one per data row"}],
            "bad JSON rows",
        )
    if not rows:
        raise EmptyFile(field, "there are no rows")
    if limits.max_rows is not None and len(rows) > limits.max_rows:
        raise _too_many_rows(limits)
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
        if len(columns) > limits.max_columns:
            raise _too_many_columns(limits)
    check_header(columns)
    frame = pd.DataFrame(
        [[r.get(c, "") for c in columns] for r in rows], columns=list(columns), dtype=object
    ).map(lambda v: "" if v is None else v)
    check_cells(frame, limits)
    return frame


def read_json_bytes(data: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> tuple[str, pd.DataFrame]:
    """``{"table": ..., "rows": [...]}`` from bytes: the table name and its raw frame."""
    try:
        doc = json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise Undecodable(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise Undecodable("not a survey: the JSON is nested too deeply") from None
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
    return str(doc["table"]), rows_frame(doc.get("rows"), limits=limits)


def read_path(
    path: str | Path, table: str | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> dict[str, pd.DataFrame]:
    """Raw tables from a file on disk, by its extension.

    ``.xlsx``: its sheets; ``.json``: the table it names; ``.csv``: ``table``, or the
    file's stem when it is ``jobs`` or ``living_costs``.
    """
    p = Path(path)
    suffix = p.suffix.casefold()
    if suffix == ".xlsx":
        return read_workbook(p.read_bytes(), limits=limits)
    if suffix == ".json":
        name, frame = read_json_bytes(p.read_bytes(), limits)
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
    return {name: read_csv_path(p, limits)}


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
    "DEFAULT_LIMITS",
    "TABLES",
    "ReadLimits",
    "check_cells",
    "check_header",
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
