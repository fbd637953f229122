"""The ``--seeds`` option of the quality benchmarks: ``1-10`` or ``3,7,11``."""

from __future__ import annotations


def seeds(text: str) -> list[int]:
    """The seeds ``text`` names: a range ``a-b`` (both included) or a comma list."""
    if "-" in text:
        a, b = text.split("-", 1)
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",") if s.strip()]
