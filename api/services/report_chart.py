"""The outcome report as a chart (inline SVG, no script): per group, how many were
still in work at 3, 6 and 12 months of those placed, and the median income against
the living wage; a hidden cell is drawn as a grey outline marked "hidden", never as a
bar, so the chart shows no more than the table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

WIDTH = 600
LABEL_WIDTH = 150
WORK_X = 160  # the "still in work" bars
WORK_WIDTH = 170
INCOME_X = 420  # the median income bar
INCOME_WIDTH = 150
BAR = 11
GAP = 4
HEADER = 44
BAND = 3 * (BAR + GAP) + 14
LIVABLE = "#2e7d32"
SHORT = "#e65100"
WORK = "#1565c0"
HIDDEN = "#9e9e9e"
MONTHS = (3, 6, 12)


def _text(x: float, y: float, words: str, size: int = 11, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra}>{escape(words)}</text>'


def _hidden_box(x: float, y: float, width: float, min_cell: int) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR}" fill="none" '
        f'stroke="{HIDDEN}" stroke-dasharray="3 2"><title>hidden: fewer than {min_cell} '
        f"people, or it would reveal such a cell</title></rect>"
        + _text(x + 4, y + BAR - 2, "hidden", 9, fill=HIDDEN)
    )


def _work_bars(row: Mapping[str, Any], y: float, min_cell: int) -> list[str]:
    placed = row["placed"]
    parts = []
    for i, month in enumerate(MONTHS):
        top = y + i * (BAR + GAP)
        count = row[f"in_work_{month}m"]
        parts.append(_text(WORK_X, top + BAR - 1, f"{month} mo", 9))
        x = WORK_X + 30
        if count is None:
            parts.append(_hidden_box(x, top, WORK_WIDTH - 30, min_cell))
            continue
        if placed:  # a shown count of a shown total: the bar is its share
            width = (WORK_WIDTH - 30) * min(count / placed, 1.0)
            parts.append(
                f'<rect x="{x}" y="{top:.1f}" width="{max(width, 1.0):.1f}" height="{BAR}" '
                f'fill="{WORK}"><title>{count} of {placed} placed</title></rect>'
            )
            label = f"{count} of {placed}"
        else:
            width, label = 0.0, f"{count}"
        parts.append(_text(x + width + 4, top + BAR - 2, label, 9))
    return parts


def _income_bar(row: Mapping[str, Any], y: float, scale: float, min_cell: int) -> list[str]:
    median, wage = row["median_income_usd_month"], row["living_wage_usd_month"]
    top = y + BAR + GAP
    if median is None:
        return [_hidden_box(INCOME_X, top, INCOME_WIDTH, min_cell)]
    livable = wage is not None and median >= wage
    width = max(median * scale, 1.0)
    parts = [
        f'<rect x="{INCOME_X}" y="{top:.1f}" width="{width:.1f}" height="{BAR}" '
        f'fill="{LIVABLE if livable else SHORT}"><title>median ${median:,.2f} a month'
        + (f"; living wage ${wage:,.2f}" if wage is not None else "")
        + "</title></rect>",
        _text(INCOME_X + width + 4, top + BAR - 2, f"${median:,.0f}", 9),
    ]
    if wage is not None:
        x = INCOME_X + wage * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 3:.1f}" x2="{x:.1f}" y2="{top + BAR + 3:.1f}" '
            f'stroke="#b71c1c" stroke-dasharray="3 2"/>'
        )
    return parts


def _scale(rows: Sequence[Mapping[str, Any]]) -> float:
    """Pixels per dollar, the same for every group so that their bars compare."""
    values = [
        float(v)
        for r in rows
        for v in (r["median_income_usd_month"], r["living_wage_usd_month"])
        if v is not None
    ]
    return (INCOME_WIDTH - 40) / max([*values, 1.0])


def outcome_chart(report: Mapping[str, Any]) -> str:
    """The report's groups and total as one SVG image (numbers and escaped names only)."""
    rows = [*report["rows"], report["total"]]
    min_cell = int(report["min_cell"])
    height = HEADER + BAND * len(rows) + 8
    scale = _scale(rows)
    label = (
        f"Outcomes by {report['by']}: still in work at 3, 6 and 12 months of those placed, "
        f"and median income against the living wage; no figure under {min_cell} people"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart outcomes" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>',
        _text(0, 14, f"Outcomes by {report['by']}", 13, font_weight="bold"),
        _text(WORK_X, 34, "still in work, of those placed", 10),
        _text(INCOME_X, 34, "median income (line: living wage)", 10),
    ]
    for i, row in enumerate(rows):
        y = HEADER + i * BAND
        name = "All groups" if row is report["total"] else str(row["group"])
        shown = name if len(name) <= 24 else name[:23] + "\u2026"
        placed = "hidden" if row["placed"] is None else f"{row['placed']} placed"
        parts.append(
            _text(0, y + BAR, shown, 11, font_weight="bold" if i == len(rows) - 1 else "normal")
        )
        parts.append(_text(0, y + 2 * BAR + GAP + 1, placed, 9, fill="#555"))
        parts += _work_bars(row, y, min_cell)
        parts += _income_bar(row, y, scale, min_cell)
    parts.append("</svg>")
    return "".join(parts)
