"""Small server-side charts (inline SVG): a counsellor sees money at a glance.

Every card of one recommendation is drawn on one money scale (``money_scale``), so that
$125 and $224 look as different as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape

from api.pages.sentences import N_

WIDTH = 320
BAR_HEIGHT = 18
LABEL_WIDTH = 110
COMPONENTS = {
    "aptitude": N_("Aptitude"),
    "preference": N_("Wish"),
    "income": N_("Income"),
    "demand": N_("Demand"),
    "location": N_("Place"),
    "commitment": N_("Employer's commitment"),
    "retention": N_("Stays in work"),
}


def money_scale(items: Iterable[Mapping[str, Any]]) -> float:
    """The top of the money axis shared by every card: the largest amount, plus room."""
    amounts = [
        float(item[key] or 0.0)
        for item in items
        for key in ("gross_income_usd_month", "living_costs_usd_month", "living_wage_usd_month")
    ]
    return max([*amounts, 1.0]) * 1.1


def income_chart(gross: float, living_costs: float, living_wage: float, top: float) -> Markup:
    """Two bars, earnings and living costs, with a line at the living wage, on the
    shared scale ``top``. Green earnings reach past the line; orange ones stop short."""
    scale = (WIDTH - LABEL_WIDTH - 50) / top
    livable = gross >= living_wage
    rows = [
        (gettext("Earns"), gross, "#2e7d32" if livable else "#c43e00"),
        (gettext("Living costs here"), living_costs, "#546e7a"),
    ]
    label = gettext(
        "Earns %(gross)s dollars a month; living costs here %(costs)s; living wage %(wage)s",
        gross=f"{gross:.0f}",
        costs=f"{living_costs:.0f}",
        wage=f"{living_wage:.0f}",
    )
    height = 2 * BAR_HEIGHT + 30
    parts = [
        f'<svg class="chart" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-label="{escape(label)}">'
    ]
    for i, (name, value, colour) in enumerate(rows):
        y = 4 + i * (BAR_HEIGHT + 6)
        width = max(value * scale, 1.0)
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12">{escape(name)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 13}" font-size="12">'
            f"${value:,.0f}</text>"
        )
    x = LABEL_WIDTH + living_wage * scale
    bottom = 2 * BAR_HEIGHT + 14
    wage = escape(gettext("living wage %(wage)s", wage=f"${living_wage:,.0f}"))
    parts.append(
        f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{bottom}" stroke="#b71c1c" '
        f'stroke-dasharray="4 2"/><text x="{max(x - 60, LABEL_WIDTH):.1f}" y="{bottom + 12}" '
        f'font-size="11" fill="#b71c1c">{wage}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped labels only)


def component_bars(components: Mapping[str, float | None]) -> Markup:
    """One thin bar per part of the rank (0 to 1), so "why this rank" is visible."""
    parts = ['<table class="components">']
    for name, value in components.items():
        if value is None:
            continue
        label = gettext(COMPONENTS.get(name, name))
        share = max(float(value), 0.0)
        parts.append(
            f'<tr><td>{escape(label)}</td><td><span class="bar" '
            f'style="width:{share * 100:.0f}px"></span> {share * 100:.0f}%</td></tr>'
        )
    parts.append("</table>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped labels only)


def calibration_chart(points: Iterable[Mapping[str, float]], size: int = 240) -> Markup:
    """Predicted against observed chance of lasting, per group of placements: dots on
    the diagonal mean the model's "60%" comes true six times in ten."""
    pts = list(points)
    pad = 30
    span = size - 2 * pad

    def at(value: float, flip: bool = False) -> float:
        return pad + (1.0 - value if flip else value) * span

    label = gettext(
        "Calibration: predicted against observed share still in work after a year, %(n)s groups",
        n=len(pts),
    )
    parts = [
        f'<svg class="chart" role="img" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" aria-label="{escape(label)}">',
        f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="none" stroke="#90a4ae"/>',
        f'<line x1="{at(0)}" y1="{at(0, True)}" x2="{at(1)}" y2="{at(1, True)}" '
        'stroke="#90a4ae" stroke-dasharray="4 2"/>',
        f'<text x="{pad}" y="{size - 8}" font-size="11">{escape(gettext("predicted"))}</text>',
        f'<text x="2" y="{pad - 8}" font-size="11">{escape(gettext("observed"))}</text>',
    ]
    for pt in pts:
        x, y = at(float(pt["predicted"])), at(float(pt["observed"]), True)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1f5f8b"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped labels only)
