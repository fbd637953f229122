"""Outcome reports for NGOs and donors: who was placed, who was followed up, who was
still in work at 3, 6 and 12 months, and whether the income was livable, by track,
town, employer or season; small groups protected (``casework.protect``).

An NGO's counsellor sees its own placements, an admin every NGO's, an employer only
the placements at its own business.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal, scope
from api.config import ServiceConfig
from api.services.employers import own_employer
from api.services.report_chart import outcome_chart
from api.store.db import unit_of_work
from api.store.models import FollowUp, Placement, Season, Survivor, Track
from api.store.models.casework import EARNING_KINDS
from casework import protect

GROUPINGS: tuple[str, ...] = ("track", "town", "employer", "season")
COUNTS: tuple[str, ...] = ("placed", "followed_up_12m", "in_work_3m", "in_work_6m", "in_work_12m")
# Nobody is followed up or in work without having been placed.
ORDERED = [(COUNTS.index(c), 0) for c in COUNTS[1:]]
NO_TRACK = "(no training track)"
FORMATS = ("json", "csv", "svg")


@dataclass
class _Person:
    placed: bool = True
    followed_up_12m: bool = False
    in_work: dict[int, bool] = field(default_factory=dict)
    income: float | None = None
    living_wage: float | None = None
    livable: bool | None = None
    latest: date | None = None


def _season_label(seasons: Sequence[Season], day: date) -> str:
    """The season that was current when a placement started (the newest published by then)."""
    label = "(before any season)"
    for season in seasons:
        published = season.published_at
        if published is not None and published.date() <= day:
            label = season.label
    return label


def _groups(session: Session, placements: Sequence[Placement], by: str) -> dict[int, str]:
    """Placement id -> its group under ``by``."""
    if by == "town":
        return {p.id: p.town or "(unknown)" for p in placements}
    if by == "employer":
        return {p.id: p.employer_name or "(unknown)" for p in placements}
    if by == "season":
        seasons = list(
            session.scalars(
                select(Season)
                .where(Season.status == "published", Season.published_at.is_not(None))
                .order_by(Season.published_at)
            )
        )
        return {p.id: _season_label(seasons, p.started_on) for p in placements}
    survivor_ids = {p.survivor_id for p in placements}
    trainings = session.execute(
        select(Placement.survivor_id, Placement.started_on, Track.code)
        .join(Track, Track.id == Placement.track_id)
        .where(Placement.kind == "training", Placement.survivor_id.in_(survivor_ids))
        .order_by(Placement.started_on)
    ).all()
    completed = dict(
        session.execute(
            select(Survivor.id, Survivor.completed_tracks).where(Survivor.id.in_(survivor_ids))
        ).all()
    )
    out = {}
    for p in placements:
        before = [
            code for sid, start, code in trainings if sid == p.survivor_id and start <= p.started_on
        ]
        done = list(completed.get(p.survivor_id) or ())
        out[p.id] = before[-1] if before else (done[-1] if done else NO_TRACK)
    return out


def _people(
    placements: Sequence[Placement], groups: Mapping[int, str], follow_ups: Sequence[FollowUp]
) -> dict[str, dict[int, _Person]]:
    by_placement: dict[int, list[FollowUp]] = defaultdict(list)
    for f in follow_ups:
        by_placement[f.placement_id].append(f)
    people: dict[str, dict[int, _Person]] = defaultdict(dict)
    for p in placements:
        person = people[groups[p.id]].setdefault(p.survivor_id, _Person())
        for f in by_placement[p.id]:
            if f.month == 12:
                person.followed_up_12m = True
            if f.month is not None:
                person.in_work[f.month] = person.in_work.get(f.month, False) or f.employed
            if person.latest is None or f.date >= person.latest:
                person.latest = f.date
                person.income = f.monthly_income_usd if f.employed else 0.0
                person.living_wage = f.living_wage_usd_month
                person.livable = (
                    f.employed
                    and f.living_wage_usd_month is not None
                    and f.monthly_income_usd >= f.living_wage_usd_month
                )
    return people


def _counts(people: Mapping[int, _Person]) -> list[int]:
    ps = list(people.values())
    return [
        len(ps),
        sum(p.followed_up_12m for p in ps),
        sum(p.in_work.get(3, False) for p in ps),
        sum(p.in_work.get(6, False) for p in ps),
        sum(p.in_work.get(12, False) for p in ps),
    ]


@dataclass(frozen=True)
class _Income:
    median: float | None = None
    living_wage: float | None = None
    share_livable: float | None = None
    hidden: bool = True


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if known else None


def _income(people: Sequence[_Person], min_cell: int) -> _Income:
    """Median income (and the median living wage it was measured against) and the share
    livable, each hidden unless enough people stand behind it.

    A share is a count in disguise (0.2 of 15 people is 3): it is shown only when both
    the livable and the others are at least ``min_cell`` people.
    """
    known = [p for p in people if p.income is not None]
    if len(known) < min_cell:
        return _Income()
    median = _median([p.income for p in known])
    wage = _median([p.living_wage for p in known])
    livable = sum(bool(p.livable) for p in known)
    if min(livable, len(known) - livable) < min_cell:
        return _Income(median, wage)
    return _Income(median, wage, round(livable / len(known), 2), hidden=False)


def outcomes(session: Session, principal: Principal, by: str, min_cell: int) -> dict[str, Any]:
    """The outcome report of the placements (in a job or an own business) the principal
    may count: an admin everyone's, a counsellor its NGO's, an employer its own."""
    k = int(min_cell)
    stmt = select(Placement).where(Placement.kind.in_(EARNING_KINDS))
    if principal.role == "employer":
        employer = own_employer(session, principal)
        stmt = stmt.where(Placement.employer_id == (employer.id if employer else -1))
    elif scope(principal) is not None:
        stmt = stmt.where(Placement.org_id == scope(principal))
    placements = list(session.scalars(stmt.order_by(Placement.id)))
    follow_ups = (
        list(
            session.scalars(
                select(FollowUp).where(FollowUp.placement_id.in_([p.id for p in placements]))
            )
        )
        if placements
        else []
    )
    people = _people(placements, _groups(session, placements, by), follow_ups)
    names = sorted(people)
    table = protect([_counts(people[g]) for g in names], min_cell=k, ordered=ORDERED)
    rows = []
    for i, name in enumerate(names):
        income = _income(list(people[name].values()), k)
        rows.append(_row(name, table.cells[i], income, any(table.hidden[i])))
    everyone = [p for g in names for p in people[g].values()]
    if names:
        total = _row("all", table.totals, _income(everyone, k), any(table.hidden_totals))
    else:  # nobody placed yet: a total of nobody, hidden like any count under the cell
        total = _row("all", [None] * len(COUNTS), _Income(), True)
    return {
        "by": by,
        "min_cell": k,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": rows,
        "total": total,
    }


def _row(
    group: str, counts: Sequence[int | None], income: _Income, counts_hidden: bool
) -> dict[str, Any]:
    return {
        "group": group,
        **dict(zip(COUNTS, counts, strict=True)),
        "median_income_usd_month": income.median,
        "living_wage_usd_month": income.living_wage,
        "share_livable": income.share_livable,
        "suppressed": counts_hidden or income.hidden,
    }


CSV_COLUMNS = (
    "group",
    *COUNTS,
    "median_income_usd_month",
    "living_wage_usd_month",
    "share_livable",
    "suppressed",
)


def as_csv(report: Mapping[str, Any]) -> str:
    """The report's rows and its total as CSV (hidden cells empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in [*report["rows"], report["total"]]:
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return out.getvalue()


def report_for(
    session: Session, principal: Principal, config: ServiceConfig, by: str, output: str
) -> dict[str, Any] | str:
    """The caller's outcome report, as a JSON body, CSV text or an SVG chart (audited)."""
    with unit_of_work(session):
        report = outcomes(session, principal, by, config.report_min_cell)
        audit(session, principal, "read", "outcome_report", None, scope(principal))
    if output == "csv":
        return as_csv(report)
    if output == "svg":
        return outcome_chart(report)
    return report
