"""Write ``seasons/2026/survey.xlsx`` from the season's two CSV files.

Run from the project root: ``python data/sample/make_xlsx.py``. Plain numbers become
numeric cells and numbers with separators stay text, as in a surveyor's workbook.
"""

from __future__ import annotations

import csv
import re
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def cell(text: str) -> str | int | float:
    if PLAIN_NUMBER.fullmatch(text) and not text.startswith("0"):
        return float(text) if "." in text else int(text)
    return text


def main(season: str = "2026") -> Path:
    folder = HERE / "seasons" / season
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in ("jobs", "living_costs"):
        sheet = book.create_sheet(table)
        with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
            for i, row in enumerate(csv.reader(handle)):
                sheet.append(row if i == 0 else [cell(v) for v in row])
    # A fixed timestamp keeps the file byte-stable between runs.
    book.properties.created = book.properties.modified = datetime(2026, 9, 1)
    out = folder / "survey.xlsx"
    book.save(out)
    return out


if __name__ == "__main__":
    print(main(*sys.argv[1:]))
