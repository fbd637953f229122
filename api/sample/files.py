"""The one reader of the shipped sample folder, ``data/sample/``."""

from __future__ import annotations

import csv
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"


def read_sample_csv(name: str) -> list[dict[str, str]]:
    """The rows of ``data/sample/<name>`` (UTF-8, with or without a byte-order mark)."""
    with (SAMPLE_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
