"""Placements: a survivor in training, in a job, or in an own business; and closing
a case.

A job comes from an accepted referral (the survivor's choice: every other open offer
is withdrawn, freeing its position), from a vacancy directly (a position is claimed
under the same lock as a referral), or is one the survivor found. Ending a placement
frees its position. A case closes as reintegrated only after 12 months in work or
business and the last two follow-ups at or above the living wage
(``casework.reintegration_missing``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.errors import Conflict, NotFound, Unprocessable
from api.services.referrals import (
    claim_position,
    closed_case,
    offered_vacancy,
    withdraw_others,
)
from api.services.survivors import find_survivor, today_utc
from api.store.db import begin_writing, unit_of_work
from api.store.models import (
    Closure,
    FollowUp,
    Occupation,
    Placement,
    Referral,
    SeatReservation,
    Survivor,
    Town,
    Track,
)
from api.store.models.casework import EARNING_KINDS
from casework import Span, due_dates, reintegration_missing


def _problem(field: str, message: str, detail: str | None = None) -> Unprocessable:
    return Unprocessable(detail or f"{field} {message}.", [{"field": field, "message": message}])


def _reference(session: Session, field: str, model: Any, code: str | None) -> None:
    if code is None or session.get(model, code) is None:
        raise _problem(field, f"{code!r} is not a known code")


def _training(session: Session, placement: Placement, data: Mapping[str, Any]) -> None:
    code = data.get("track_code")
    if not code:
        raise _problem("track_code", "is required for a training placement")
    track = session.scalar(select(Track).where(Track.code == code))
    if track is None:
        raise _problem("track_code", f"{code!r} is not a known track code")
    placement.track_id = track.id
    placement.town = track.town
    # A seat an allocation reserved for this survivor in this track: the placement
    # takes it up; without one the track is joined directly.
    seat = session.scalar(
        select(SeatReservation).where(
            SeatReservation.track_id == track.id,
            SeatReservation.survivor_id == placement.survivor_id,
        )
    )
    if seat is not None:
        placement.allocation_id = seat.allocation_id


def _job(session: Session, placement: Placement, data: Mapping[str, Any]) -> None:
    referral_id, vacancy_id = data.get("referral_id"), data.get("vacancy_id")
    if referral_id is not None:
        referral = session.get(Referral, referral_id)
        if referral is None or referral.survivor_id != placement.survivor_id:
            raise _problem("referral_id", f"{referral_id} is not a referral of this survivor")
        if referral.status != "accepted":
            raise Conflict(
                f"Referral {referral_id} is {referral.status}: only an accepted offer can be "
                "chosen.",
                [{"field": "referral_id", "message": referral.status}],
            )
        if vacancy_id is not None and vacancy_id != referral.vacancy_id:
            raise _problem("vacancy_id", "is not the vacancy of the referral")
        vacancy = offered_vacancy(session, referral.vacancy_id)
        referral.status = "placed"
        placement.referral_id = referral.id
    elif vacancy_id is not None:
        vacancy = offered_vacancy(session, vacancy_id)
        claim_position(session, vacancy)
    else:
        for field in ("occupation", "town", "employer_name"):
            if not data.get(field):
                raise _problem(field, "is required for a job found without a vacancy")
        _reference(session, "occupation", Occupation, data["occupation"])
        _reference(session, "town", Town, data["town"])
        placement.occupation = data["occupation"]
        placement.town = data["town"]
        placement.employer_name = data["employer_name"]
        withdraw_others(session, placement.survivor_id, None)
        return
    placement.vacancy_id = vacancy.id
    placement.employer_id = vacancy.employer_id
    placement.employer_name = vacancy.employer.name
    placement.occupation = vacancy.occupation
    placement.town = vacancy.town
    withdraw_others(session, placement.survivor_id, placement.referral_id)


def _business(session: Session, placement: Placement, data: Mapping[str, Any]) -> None:
    business = data.get("self_employment")
    if not business:
        raise _problem("self_employment", "is required for an own business")
    _reference(session, "self_employment.occupation", Occupation, business["occupation"])
    _reference(session, "self_employment.town", Town, business["town"])
    placement.occupation = business["occupation"]
    placement.town = business["town"]
    placement.employer_name = "own business"
    for field in ("startup_cost_usd", "support_usd", "loan_usd", "loan_interest_month"):
        setattr(placement, field, business.get(field, 0.0))
    placement.loan_months = business.get("loan_months")
    withdraw_others(session, placement.survivor_id, None)


def create_placement(session: Session, principal: Principal, data: Mapping[str, Any]) -> Placement:
    """Record a placement of a survivor of the counsellor's NGO."""
    begin_writing(session)  # a job from a vacancy claims a position: counted under the lock
    with unit_of_work(session):
        survivor = find_survivor(session, principal, data["survivor_id"])
        if closed_case(session, survivor.id) is not None:
            raise _problem("survivor_id", "has a closed case", "The survivor's case is closed.")
        placement = Placement(
            survivor_id=survivor.id,
            org_id=survivor.org_id,
            kind=data["kind"],
            started_on=data["started_on"],
            created_by=principal.user_id,
        )
        {"training": _training, "job": _job, "self_employment": _business}[data["kind"]](
            session, placement, data
        )
        session.add(placement)
        session.flush()
        audit(session, principal, "create", "placement", placement.id, survivor.org_id)
    return placement


def _find(session: Session, principal: Principal, placement_id: int) -> Placement:
    placement = session.get(Placement, placement_id)
    if placement is None or (principal.role != "admin" and placement.org_id != principal.org_id):
        raise NotFound("There is no placement with this id in your organisation.")
    return placement


def find_placement(session: Session, principal: Principal, placement_id: int) -> Placement:
    """A placement of the caller's NGO (any for an admin), else 404."""
    return _find(session, principal, placement_id)


def read_placement(session: Session, principal: Principal, placement_id: int) -> Placement:
    """One placement (audited)."""
    with unit_of_work(session):
        placement = _find(session, principal, placement_id)
        audit(session, principal, "read", "placement", placement.id, placement.org_id)
    return placement


def list_placements(session: Session, principal: Principal, survivor_id: int) -> list[Placement]:
    """A survivor's placements, oldest first (audited)."""
    with unit_of_work(session):
        survivor = find_survivor(session, principal, survivor_id)
        rows = list(
            session.scalars(
                select(Placement)
                .where(Placement.survivor_id == survivor.id)
                .order_by(Placement.started_on, Placement.id)
            )
        )
        for placement in rows:
            audit(session, principal, "read", "placement", placement.id, placement.org_id)
    return rows


def end_placement(
    session: Session, principal: Principal, placement_id: int, data: Mapping[str, Any]
) -> Placement:
    """Record the end of a placement and why; a job's position is free again."""
    with unit_of_work(session):
        placement = _find(session, principal, placement_id)
        if placement.ended_on is not None:
            raise Conflict(
                f"This placement ended on {placement.ended_on}.",
                [{"field": "ended_on", "message": "already ended"}],
            )
        if data["ended_on"] < placement.started_on:
            raise _problem("ended_on", f"is before the start ({placement.started_on})")
        placement.ended_on = data["ended_on"]
        placement.end_reason = data["reason"]
        placement.end_note = data.get("note", "")
        session.flush()
        audit(session, principal, "end", "placement", placement.id, placement.org_id)
    return placement


def follow_ups_due_on(placement: Placement, months: Sequence[int]) -> list[date]:
    """The dates a job's or business's follow-ups fall on (none for training), at the
    deployment's ``months`` after the start."""
    if placement.kind not in EARNING_KINDS:
        return []
    return [day for _, day in due_dates(placement.started_on, tuple(months))]


# --- closure ------------------------------------------------------------------------


def _earning(session: Session, survivor_id: int) -> Sequence[Placement]:
    return session.scalars(
        select(Placement).where(
            Placement.survivor_id == survivor_id, Placement.kind.in_(EARNING_KINDS)
        )
    ).all()


def livable_history(session: Session, placement_ids: Sequence[int]) -> list[bool]:
    """For each follow-up, oldest first: in work at or above the living wage?"""
    rows = session.scalars(
        select(FollowUp)
        .where(FollowUp.placement_id.in_(placement_ids))
        .order_by(FollowUp.date, FollowUp.id)
    ).all()
    return [
        f.employed
        and f.living_wage_usd_month is not None
        and f.monthly_income_usd >= f.living_wage_usd_month
        for f in rows
    ]


def close_case(
    session: Session, principal: Principal, survivor_id: int, data: Mapping[str, Any]
) -> Closure:
    """Close a survivor's case; "reintegrated" only when the income has lasted."""
    with unit_of_work(session):
        survivor: Survivor = find_survivor(session, principal, survivor_id)
        if closed_case(session, survivor.id) is not None:
            raise Conflict(
                "The survivor's case is already closed.",
                [{"field": "reason", "message": "already closed"}],
            )
        if data["reason"] == "reintegrated":
            earning = _earning(session, survivor.id)
            missing = reintegration_missing(
                [Span(p.started_on, p.ended_on) for p in earning],
                livable_history(session, [p.id for p in earning]),
                today_utc(),
            )
            if missing:
                raise Unprocessable(
                    "The case cannot close as reintegrated yet: " + "; ".join(missing) + ".",
                    [{"field": "reason", "message": m} for m in missing],
                )
        closure = Closure(
            survivor_id=survivor.id,
            reason=data["reason"],
            note=data.get("note", ""),
            closed_by=principal.user_id,
        )
        session.add(closure)
        session.flush()
        audit(session, principal, "close", "closure", closure.id, survivor.org_id)
    return closure
