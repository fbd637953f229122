"""Small server-side charts (inline SVG): a counsellor sees money at a glance."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 320
BAR_HEIGHT = 18
LABEL_WIDTH = 110


def income_chart(gross: float, living_costs: float, living_wage: float) -> Markup:
    """Two bars, earnings and costs, with a line at the town's living wage.

    Green earnings reach past the line when the pay is livable; orange ones stop short.
    """
    top = max(gross, living_costs, living_wage, 1.0) * 1.1
    scale = (WIDTH - LABEL_WIDTH - 50) / top
    livable = gross >= living_wage
    rows = [
        ("Earns", gross, "#2e7d32" if livable else "#e65100"),
        ("Food, room, other", living_costs, "#607d8b"),
    ]
    parts = [
        f'<svg class="chart" role="img" width="{WIDTH}" height="{2 * BAR_HEIGHT + 30}" '
        f'viewBox="0 0 {WIDTH} {2 * BAR_HEIGHT + 30}" aria-label="'
        f"Earns {gross:.0f} dollars a month; living costs {living_costs:.0f}; "
        f'living wage {living_wage:.0f}">'
    ]
    for i, (label, value, colour) in enumerate(rows):
        y = 4 + i * (BAR_HEIGHT + 6)
        width = max(value * scale, 1.0)
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 13}" font-size="12">'
            f"${value:,.0f}</text>"
        )
    x = LABEL_WIDTH + living_wage * scale
    bottom = 2 * BAR_HEIGHT + 14
    parts.append(
        f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{bottom}" stroke="#b71c1c" '
        f'stroke-dasharray="4 2"/><text x="{max(x - 60, LABEL_WIDTH):.1f}" y="{bottom + 12}" '
        f'font-size="11" fill="#b71c1c">living wage ${living_wage:,.0f}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped labels only)


def component_bars(components: dict[str, float | None]) -> Markup:
    """One thin bar per score component (0 to 1), so "why this rank" is visible."""
    parts = ['<table class="components">']
    for name, value in components.items():
        if value is None:
            continue
        parts.append(
            f'<tr><td>{escape(name)}</td><td><span class="bar" '
            f'style="width:{max(float(value), 0.0) * 100:.0f}px"></span> {float(value):.2f}'
            "</td></tr>"
        )
    parts.append("</table>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped labels only)
