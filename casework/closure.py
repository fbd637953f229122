"""When a case may close as reintegrated.

The ministry closes a case once the survivor has stayed in work beyond a year; the
study's objection was that cases closed after a year whatever the income. Here a
case closes as reintegrated only after 12 months in work or business and two
follow-ups in a row at or above the living wage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from casework.schedule import add_months

REINTEGRATION_MONTHS = 12
LIVABLE_FOLLOW_UPS = 2


@dataclass(frozen=True)
class Span:
    """A stretch in work or business: started, and ended (None while it lasts)."""

    started_on: date
    ended_on: date | None


def longest_stretch(spans: Sequence[Span], today: date) -> tuple[date, date] | None:
    """The longest unbroken stretch covered by ``spans`` (overlapping or back to back)."""
    intervals = sorted(
        (s.started_on, min(s.ended_on or today, today)) for s in spans if s.started_on <= today
    )
    best: tuple[date, date] | None = None
    current: tuple[date, date] | None = None
    for start, end in intervals:
        if current is not None and start <= current[1]:
            current = (current[0], max(current[1], end))
        else:
            current = (start, end)
        if best is None or (current[1] - current[0]) > (best[1] - best[0]):
            best = current
    return best


def reintegration_missing(
    spans: Sequence[Span],
    livable: Sequence[bool],
    today: date,
    *,
    months: int = REINTEGRATION_MONTHS,
) -> list[str]:
    """What is missing before a case may close as reintegrated (empty: nothing).

    Parameters
    ----------
    spans
        The survivor's placements in a job or an own business.
    livable
        For each follow-up, oldest first: was the income at or above the living wage?
    today
        The day of the closure.
    months
        How long the survivor must have been in work or business without a break.

    Returns
    -------
    list of str
        One sentence per unmet condition.
    """
    missing: list[str] = []
    stretch = longest_stretch(spans, today)
    if stretch is None:
        missing.append(f"no job or own business has been recorded: {months} months are needed")
    elif add_months(stretch[0], months) > stretch[1]:
        missing.append(
            f"the longest stretch in work or business ran from {stretch[0]} to {stretch[1]}: "
            f"{months} months are needed"
        )
    last = list(livable[-LIVABLE_FOLLOW_UPS:])
    if len(last) < LIVABLE_FOLLOW_UPS:
        missing.append(
            f"{len(livable)} follow-up(s) recorded: the last {LIVABLE_FOLLOW_UPS} must be at "
            "or above the living wage"
        )
    elif not all(last):
        missing.append(
            f"of the last {LIVABLE_FOLLOW_UPS} follow-ups, {last.count(False)} found an income "
            "below the living wage"
        )
    return missing
