"""A survivor's case file for the counsellor's page: referrals with the vacancy they are
for, placements with their follow-ups, and the closure, read in one go (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.services.survivors import find_survivor
from api.store.db import unit_of_work
from api.store.models import Closure, FollowUp, Placement, Referral, Survivor, Vacancy


@dataclass(frozen=True)
class CaseFile:
    survivor: Survivor
    referrals: list[tuple[Referral, Vacancy]]
    placements: list[tuple[Placement, list[FollowUp]]]
    closure: Closure | None


def read_case_file(session: Session, principal: Principal, survivor_id: int) -> CaseFile:
    """Everything done for a survivor after the recommendation, oldest first."""
    with unit_of_work(session):
        survivor = find_survivor(session, principal, survivor_id)
        referrals = [
            (row[0], row[1])
            for row in session.execute(
                select(Referral, Vacancy)
                .join(Vacancy, Vacancy.id == Referral.vacancy_id)
                .where(Referral.survivor_id == survivor.id)
                .order_by(Referral.id)
            )
        ]
        placements = list(
            session.scalars(
                select(Placement)
                .where(Placement.survivor_id == survivor.id)
                .order_by(Placement.started_on, Placement.id)
            )
        )
        follow_ups: dict[int, list[FollowUp]] = {p.id: [] for p in placements}
        if placements:
            for f in session.scalars(
                select(FollowUp)
                .where(FollowUp.placement_id.in_(list(follow_ups)))
                .order_by(FollowUp.date, FollowUp.id)
            ):
                follow_ups[f.placement_id].append(f)
        closure = session.scalar(select(Closure).where(Closure.survivor_id == survivor.id))
        audit(session, principal, "read", "case_file", survivor.id, survivor.org_id)
    rows: list[Any] = [(p, follow_ups[p.id]) for p in placements]
    return CaseFile(survivor, referrals, rows, closure)
