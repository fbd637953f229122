"""The season diff's chart (inline SVG): how pay moved, town by town."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

WIDTH = 340
ROW = 22
LABEL_WIDTH = 120


def pay_change_by_town(changed: Iterable[Mapping[str, Any]]) -> list[tuple[str, float, int]]:
    """``[(town, mean change of pay in US$ a month, kinds of work changed)]``, the
    largest rise first, from a diff's ``changed`` entries."""
    moves: dict[str, list[float]] = defaultdict(list)
    for entry in changed:
        pay = entry["pay_usd_month"]
        moves[entry["town"]].append(float(pay["after"]) - float(pay["before"]))
    rows = [(town, sum(d) / len(d), len(d)) for town, d in moves.items()]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def pay_change_chart(
    rows: list[tuple[str, float, int]], town_name: Callable[[str], str], label: str
) -> Markup:
    """One bar per town from a zero line: rises to the right in green, falls to the left
    in orange, each with its signed amount. ``label`` is the chart's accessible name."""
    height = max(len(rows), 1) * ROW + 8
    top = max((abs(change) for _, change, _ in rows), default=1.0) or 1.0
    half = (WIDTH - LABEL_WIDTH - 8) / 2
    zero = LABEL_WIDTH + half
    scale = (half - 40) / top
    parts = [
        f'<svg class="chart" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-label="{escape(label)}">',
        f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="#595959"/>',
    ]
    for i, (town, change, _) in enumerate(rows):
        y = 4 + i * ROW
        length = max(abs(change) * scale, 1.0)
        x = zero if change >= 0 else zero - length
        colour = "#2e7d32" if change >= 0 else "#e65100"
        text_x = zero + length + 3 if change >= 0 else zero - length - 3
        anchor = "start" if change >= 0 else "end"
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12">{escape(town_name(town)[:18])}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{ROW - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{text_x:.1f}" y="{y + 12}" font-size="11" text-anchor="{anchor}">'
            f"{change:+,.0f}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped names only)
