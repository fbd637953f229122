"""Follow-ups of a job or a business, and the list of those due.

Each follow-up's income is normalised to US$ a month like a vacancy's pay and
compared with the town's living wage (the current season's food + room + other, or
the season's living wage where the town has no row): below it, the case "needs
support", with the gap in dollars; a safety concern makes it "urgent", and urgent
cases head the list of follow-ups due. A repeat of a submission with the same
``Idempotency-Key`` returns the first answer and stores nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.config import ServiceConfig
from api.errors import Conflict, Unprocessable
from api.services.employers import pay_usd_month
from api.services.placements import find_placement
from api.services.survivors import today_utc
from api.store import jsonio
from api.store.db import unit_of_work
from api.store.models import FollowUp, Placement, SurveyLivingCost
from api.store.models.casework import EARNING_KINDS
from api.store.seasons import current_season
from casework import check_income, due_dates

# A visit up to this many days before a follow-up's date counts as that follow-up.
EARLY_DAYS = 14


def living_wage(session: Session, town: str | None) -> float | None:
    """The town's living wage in US$ a month this season, or None without a season."""
    season = current_season(session)
    if season is None:
        return None
    row = (
        session.scalar(
            select(SurveyLivingCost).where(
                SurveyLivingCost.season_id == season.id, SurveyLivingCost.town == town
            )
        )
        if town
        else None
    )
    if row is None:
        return float(season.living_wage_usd_month)
    return round(row.food_usd_month + row.room_usd_month + row.other_usd_month, 2)


def _month(
    placement: Placement,
    recorded: set[int],
    day: date,
    asked: int | None,
    months: tuple[int, ...],
) -> int | None:
    schedule = dict(due_dates(placement.started_on, months))
    if asked is not None:
        if asked not in schedule:
            raise Unprocessable(
                f"No follow-up is scheduled {asked} months after the start.",
                [{"field": "month", "message": f"must be one of {sorted(schedule)}"}],
            )
        if asked in recorded:
            raise Conflict(
                f"The {asked}-month follow-up is already recorded.",
                [{"field": "month", "message": "already recorded"}],
            )
        return asked
    for month, due in sorted(schedule.items()):
        if month not in recorded and due - timedelta(days=EARLY_DAYS) <= day:
            return month
    return None  # an extra visit, before the next one is due


def _fingerprint(placement_id: int, data: Mapping[str, Any]) -> str:
    body = jsonio.dumps({"placement_id": placement_id, **data})
    return hashlib.sha256(body).hexdigest()


def _replay(session: Session, org_id: int, key: str, fingerprint: str) -> FollowUp | None:
    earlier = session.scalar(
        select(FollowUp).where(FollowUp.org_id == org_id, FollowUp.idempotency_key == key)
    )
    if earlier is not None and earlier.request_hash != fingerprint:
        raise Unprocessable(
            "This Idempotency-Key was used for a different follow-up: use a new key.",
            [{"field": "Idempotency-Key", "message": "already used for another request"}],
        )
    return earlier


def record_follow_up(
    session: Session,
    principal: Principal,
    config: ServiceConfig,
    placement_id: int,
    data: Mapping[str, Any],
    key: str | None,
) -> FollowUp:
    """Record a follow-up of a job or a business, with its flags."""
    fingerprint = _fingerprint(placement_id, data)
    try:
        with unit_of_work(session):
            placement = find_placement(session, principal, placement_id)
            if key is not None:
                earlier = _replay(session, placement.org_id, key, fingerprint)
                if earlier is not None:
                    audit(session, principal, "read", "follow_up", earlier.id, placement.org_id)
                    return earlier
            return _store(session, principal, config, placement, data, key, fingerprint)
    except IntegrityError:
        if key is None:
            raise
        # The same submission, stored by a concurrent request a moment ago.
        with unit_of_work(session):
            placement = find_placement(session, principal, placement_id)
            earlier = _replay(session, placement.org_id, key, fingerprint)
            if earlier is None:
                raise
            return earlier


def _store(
    session: Session,
    principal: Principal,
    config: ServiceConfig,
    placement: Placement,
    data: Mapping[str, Any],
    key: str | None,
    fingerprint: str,
) -> FollowUp:
    if placement.kind not in EARNING_KINDS:
        raise Unprocessable(
            "Follow-ups are for a job or an own business, not training.",
            [{"field": "placement_id", "message": f"is a {placement.kind} placement"}],
        )
    if data["date"] < placement.started_on:
        raise Unprocessable(
            "The follow-up is dated before the placement started.",
            [{"field": "date", "message": f"is before {placement.started_on}"}],
        )
    income = data.get("monthly_income", 0.0)
    unit, currency = data.get("income_unit", "month"), data.get("currency", "USD")
    usd = pay_usd_month(session, config, income, unit, currency) if income > 0 else 0.0
    wage = living_wage(session, placement.town)
    check = check_income(usd, wage, safety_concern=data.get("safety_concern", False))
    recorded = {
        m
        for m in session.scalars(
            select(FollowUp.month).where(FollowUp.placement_id == placement.id)
        )
        if m is not None
    }
    follow_up = FollowUp(
        placement_id=placement.id,
        org_id=placement.org_id,
        month=_month(placement, recorded, data["date"], data.get("month"), config.follow_up_months),
        date=data["date"],
        employed=data["employed"],
        same_employer=data.get("same_employer"),
        monthly_income=income,
        income_unit=unit,
        currency=currency,
        monthly_income_usd=usd,
        living_wage_usd_month=wage,
        gap_usd_month=check.gap_usd_month,
        needs_support=check.needs_support,
        urgent=check.urgent,
        left_reason=data.get("left_reason"),
        safety_concern=data.get("safety_concern", False),
        notes=data.get("notes", ""),
        idempotency_key=key,
        request_hash=fingerprint if key is not None else None,
        recorded_by=principal.user_id,
    )
    session.add(follow_up)
    session.flush()
    audit(session, principal, "create", "follow_up", follow_up.id, placement.org_id)
    return follow_up


def list_follow_ups(session: Session, principal: Principal, placement_id: int) -> list[FollowUp]:
    """A placement's follow-ups, oldest first (audited)."""
    with unit_of_work(session):
        placement = find_placement(session, principal, placement_id)
        rows = list(
            session.scalars(
                select(FollowUp)
                .where(FollowUp.placement_id == placement.id)
                .order_by(FollowUp.date, FollowUp.id)
            )
        )
        audit(session, principal, "read", "follow_up", placement.id, placement.org_id)
    return rows


def follow_ups_due(
    session: Session,
    org_id: int | None,
    principal: Principal | None,
    within_days: int,
    months: tuple[int, ...],
    today: date | None = None,
) -> list[dict[str, Any]]:
    """The NGO's follow-ups due within ``within_days`` or overdue (every NGO's: None):
    urgent cases first, then overdue, then by date."""
    today = today or today_utc()
    horizon = today + timedelta(days=within_days)
    with unit_of_work(session):
        stmt = select(Placement).where(
            Placement.kind.in_(EARNING_KINDS), Placement.ended_on.is_(None)
        )
        if org_id is not None:
            stmt = stmt.where(Placement.org_id == org_id)
        placements = list(session.scalars(stmt.order_by(Placement.id)))
        follow_ups: dict[int, list[FollowUp]] = {p.id: [] for p in placements}
        if placements:
            for f in session.scalars(
                select(FollowUp)
                .where(FollowUp.placement_id.in_(list(follow_ups)))
                .order_by(FollowUp.date, FollowUp.id)
            ):
                follow_ups[f.placement_id].append(f)
        items: list[dict[str, Any]] = []
        for placement in placements:
            done = {f.month for f in follow_ups[placement.id]}
            latest = follow_ups[placement.id][-1] if follow_ups[placement.id] else None
            flags = latest.flags if latest is not None else []
            listed = False
            for month, due in due_dates(placement.started_on, months):
                if month in done or due > horizon:
                    continue
                listed = True
                items.append(
                    {
                        "placement_id": placement.id,
                        "survivor_id": placement.survivor_id,
                        "due_on": due,
                        "month": month,
                        "overdue": due < today,
                        "flags": flags,
                        "gap_usd_month": latest.gap_usd_month if latest is not None else None,
                    }
                )
            if listed:
                audit(session, principal, "read", "follow_up", placement.id, placement.org_id)
    items.sort(
        key=lambda i: ("urgent" not in i["flags"], not i["overdue"], i["due_on"], i["placement_id"])
    )
    return items


def due_for(
    session: Session, principal: Principal, config: ServiceConfig, within_days: int
) -> list[dict[str, Any]]:
    """``follow_ups_due`` for the caller: a counsellor's NGO, or every NGO for an admin."""
    org_id = None if principal.role == "admin" else principal.org_id
    return follow_ups_due(session, org_id, principal, within_days, config.follow_up_months)
