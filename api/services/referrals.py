"""Referrals: a counsellor puts a consenting survivor forward for a vacancy, the
employer accepts or declines, the survivor chooses among the offers.

Never more open referrals (pending or accepted) plus placements than a vacancy has
positions, whatever the number of requests or server processes: a referral is made
in a transaction that first holds the lock the count depends on (``begin_writing``:
the database's write lock on SQLite; ``SELECT ... FOR UPDATE`` of the vacancy row on
PostgreSQL), then counts, then writes. A second request waits, counts the first
one's referral, and gets a 409.

An employer sees of a referral exactly ``EMPLOYER_FIELDS``: skills, training and when
the survivor is available; never a case code, a name, an age, a gender, a home
province or a note. A survivor who withdrew consent disappears from employers' lists
of pending referrals at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.errors import Conflict, NotFound, Unprocessable
from api.services.consents import is_minor, sharing_refusal
from api.services.survivors import find_survivor, today_utc
from api.store.catalog import HELD
from api.store.db import begin_writing, unit_of_work
from api.store.models import (
    Closure,
    Employer,
    Occupation,
    Placement,
    Referral,
    Survivor,
    Track,
    Vacancy,
)
from api.store.models.base import utcnow
from api.store.models.casework import OPEN_STATUSES
from api.store.pagination import paginate
from casework import add_months
from matcher.safeguards import lowest_age, work_age, work_year

EMPLOYER_FIELDS: tuple[str, ...] = (
    "id",
    "vacancy_id",
    "status",
    "skills",
    "training",
    "available_from",
)
CHOSE_ANOTHER = "chose another offer"


# --- positions ----------------------------------------------------------------------


def lock_vacancy(session: Session, vacancy_id: int) -> Vacancy | None:
    """The vacancy, its row locked for this transaction (PostgreSQL; SQLite holds the
    database's write lock already, see ``begin_writing``)."""
    return session.scalars(
        select(Vacancy)
        .where(Vacancy.id == vacancy_id)
        .with_for_update(of=Vacancy)
        .execution_options(populate_existing=True)
    ).one_or_none()


def positions_held(session: Session, vacancy_id: int, *, with_filled: bool = True) -> int:
    """Positions taken: open referrals, open placements and (``with_filled``) the
    employer's own count of positions it filled."""
    referrals = session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(Referral.vacancy_id == vacancy_id, Referral.status.in_(OPEN_STATUSES))
    )
    placements = session.scalar(
        select(func.count())
        .select_from(Placement)
        .where(Placement.vacancy_id == vacancy_id, Placement.ended_on.is_(None))
    )
    filled = (
        session.scalar(select(Vacancy.positions_filled).where(Vacancy.id == vacancy_id))
        if with_filled
        else 0
    )
    return int(referrals or 0) + int(placements or 0) + int(filled or 0)


def claim_position(session: Session, vacancy: Vacancy) -> None:
    """409 unless the locked vacancy is open and has a position left."""
    if vacancy.status != "open":
        raise Conflict(
            f"Vacancy {vacancy.id} is closed.", [{"field": "vacancy_id", "message": "closed"}]
        )
    held = positions_held(session, vacancy.id)
    if held >= vacancy.positions:
        raise Conflict(
            f"No position of vacancy {vacancy.id} is left: its {vacancy.positions} "
            "position(s) are taken by open referrals and placements.",
            [{"field": "vacancy_id", "message": "no position left"}],
        )


def offered_vacancy(session: Session, vacancy_id: int) -> Vacancy:
    """A vacancy a counsellor may refer to (a vetted employer's, not held for a lure
    review), locked; else 404."""
    vacancy = lock_vacancy(session, vacancy_id)
    if vacancy is None or vacancy.employer.vetting != "vetted" or vacancy.review in HELD:
        raise NotFound(f"There is no vacancy {vacancy_id} you may see.")
    return vacancy


def closed_case(session: Session, survivor_id: int) -> Closure | None:
    return session.scalar(select(Closure).where(Closure.survivor_id == survivor_id))


def age_at_work(survivor: Survivor, vacancy: Vacancy, today: date) -> int:
    """The lowest age the survivor can be when this work starts, as the engine judges it:
    today, or, for a vacancy that hires a track's graduates and a survivor who has not
    completed that track, the year the track's next intake ends."""
    age = lowest_age(survivor.birth_year, today)
    track = vacancy.hires_from_track
    if track is None or track.code in survivor.completed_tracks:
        return age
    return work_age(survivor.birth_year, age, work_year(track.next_start, track.duration_months))


def _suitability(session: Session, survivor: Survivor, vacancy: Vacancy, today: date) -> None:
    age = age_at_work(survivor, vacancy, today)
    problems = []
    if age < vacancy.min_age:
        problems.append(
            {
                "field": "survivor_id",
                "message": f"may be {age} when the work starts, and the vacancy needs "
                f"{vacancy.min_age}",
            }
        )
    occupation = session.get(Occupation, vacancy.occupation)
    if is_minor(survivor, today) and (
        vacancy.night_shift or (occupation is not None and occupation.hazardous)
    ):
        problems.append(
            {
                "field": "survivor_id",
                "message": "a minor may not do night or hazardous work (Labour Law art. 144, 177)",
            }
        )
    if problems:
        why = "; ".join(p["message"] for p in problems)
        raise Unprocessable(f"The survivor cannot be referred to this vacancy: {why}.", problems)


# --- making and deciding -------------------------------------------------------------


def refer(
    session: Session, principal: Principal, vacancy_id: int, survivor_id: int
) -> dict[str, Any]:
    """Refer a consenting survivor of the counsellor's NGO to a vacancy with a free position."""
    begin_writing(session)
    with unit_of_work(session):
        vacancy = offered_vacancy(session, vacancy_id)
        survivor = find_survivor(session, principal, survivor_id)
        today = today_utc()
        refusal = sharing_refusal(session, survivor, today)
        if refusal:
            raise Unprocessable(refusal, [{"field": "survivor_id", "message": "no consent"}])
        if closed_case(session, survivor.id) is not None:
            raise Unprocessable(
                "The survivor's case is closed.", [{"field": "survivor_id", "message": "closed"}]
            )
        _suitability(session, survivor, vacancy, today)
        again = session.scalar(
            select(Referral.id).where(
                Referral.vacancy_id == vacancy.id,
                Referral.survivor_id == survivor.id,
                Referral.status.in_(OPEN_STATUSES),
            )
        )
        if again is not None:
            raise Conflict(
                f"The survivor already has an open referral ({again}) to this vacancy.",
                [{"field": "survivor_id", "message": "already referred"}],
            )
        claim_position(session, vacancy)
        referral = Referral(
            vacancy_id=vacancy.id,
            survivor_id=survivor.id,
            org_id=survivor.org_id,
            created_by=principal.user_id,
        )
        session.add(referral)
        session.flush()
        audit(session, principal, "create", "referral", referral.id, survivor.org_id)
    return _counsellor_view(referral)


def _employer_scope(principal: Principal) -> Select[Referral]:
    """An employer's referrals: to its vacancies, and no pending one without consent."""
    return (
        select(Referral)
        .join(Vacancy, Vacancy.id == Referral.vacancy_id)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .join(Survivor, Survivor.id == Referral.survivor_id)
        .where(
            Employer.org_id == principal.org_id,
            or_(Referral.status != "pending", Survivor.consent_share_with_employers.is_(True)),
        )
    )


def _visible(principal: Principal) -> Select[Referral]:
    if principal.role == "employer":
        return _employer_scope(principal)
    stmt = select(Referral)
    if principal.role != "admin":
        stmt = stmt.where(Referral.org_id == principal.org_id)
    return stmt


def _find(session: Session, principal: Principal, referral_id: int) -> Referral:
    referral = session.scalar(_visible(principal).where(Referral.id == referral_id))
    if referral is None:
        raise NotFound(f"There is no referral {referral_id} you may see.")
    return referral


def decide(
    session: Session, principal: Principal, referral_id: int, data: Mapping[str, Any]
) -> dict[str, Any]:
    """The employer accepts or declines a pending referral, with a reason."""
    with unit_of_work(session):
        referral = _find(session, principal, referral_id)
        if referral.status != "pending":
            raise Conflict(
                f"This referral is {referral.status}: only a pending one can be decided.",
                [{"field": "status", "message": referral.status}],
            )
        referral.status = "accepted" if data["decision"] == "accept" else "declined"
        referral.reason = data.get("reason", "")
        referral.decided_by = principal.user_id
        referral.decided_at = utcnow()
        session.flush()
        audit(session, principal, "decide", "referral", referral.id, referral.org_id)
        return views(session, principal, [referral])[0]


def withdraw(
    session: Session, principal: Principal, referral_id: int, reason: str
) -> dict[str, Any]:
    """The counsellor withdraws an open referral (the survivor changed their mind...)."""
    with unit_of_work(session):
        referral = _find(session, principal, referral_id)
        if referral.status not in OPEN_STATUSES:
            raise Conflict(
                f"This referral is {referral.status}: only a pending or accepted one can be "
                "withdrawn.",
                [{"field": "status", "message": referral.status}],
            )
        referral.status = "withdrawn"
        referral.reason = reason
        session.flush()
        audit(session, principal, "withdraw", "referral", referral.id, referral.org_id)
        return views(session, principal, [referral])[0]


def withdraw_others(session: Session, survivor_id: int, chosen_id: int | None) -> list[int]:
    """The survivor chose: every other open referral is withdrawn, freeing its position."""
    others = list(
        session.scalars(
            select(Referral).where(
                Referral.survivor_id == survivor_id,
                Referral.status.in_(OPEN_STATUSES),
                Referral.id != (chosen_id or 0),
            )
        )
    )
    for other in others:
        other.status = "withdrawn"
        other.reason = CHOSE_ANOTHER
    return [o.id for o in others]


# --- reading ------------------------------------------------------------------------


def read_referral(session: Session, principal: Principal, referral_id: int) -> dict[str, Any]:
    """One referral as the caller may see it (audited)."""
    with unit_of_work(session):
        referral = _find(session, principal, referral_id)
        audit(session, principal, "read", "referral", referral.id, referral.org_id)
        return views(session, principal, [referral])[0]


def list_referrals(
    session: Session,
    principal: Principal,
    limit: int,
    cursor: str | None,
    vacancy_id: int | None = None,
) -> dict[str, Any]:
    """The referrals the caller may see, oldest first (each one read is audited)."""
    with unit_of_work(session):
        stmt = _visible(principal)
        if vacancy_id is not None:
            vacancy = session.get(Vacancy, vacancy_id)
            own = vacancy is not None and (
                principal.role != "employer" or vacancy.employer.org_id == principal.org_id
            )
            if not own:
                raise NotFound(f"There is no vacancy {vacancy_id} you may see.")
            stmt = stmt.where(Referral.vacancy_id == vacancy_id)
        items, next_cursor = paginate(session, stmt, Referral.id, limit, cursor)
        for referral in items:
            audit(session, principal, "read", "referral", referral.id, referral.org_id)
        return {"items": views(session, principal, items), "next_cursor": next_cursor}


def views(
    session: Session, principal: Principal, referrals: Sequence[Referral]
) -> list[dict[str, Any]]:
    """Each referral as the caller may see it: an employer gets ``EMPLOYER_FIELDS`` only."""
    if principal.role != "employer":
        return [_counsellor_view(r) for r in referrals]
    survivors = {
        s.id: s
        for s in session.scalars(
            select(Survivor).where(Survivor.id.in_({r.survivor_id for r in referrals}))
        )
    }
    training = _training(session, survivors.values())
    vacancies = {
        v.id: v
        for v in session.scalars(
            select(Vacancy).where(Vacancy.id.in_({r.vacancy_id for r in referrals}))
        )
    }
    return [
        employer_view(r, survivors[r.survivor_id], training, vacancies[r.vacancy_id])
        for r in referrals
    ]


def _counsellor_view(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.id,
        "vacancy_id": referral.vacancy_id,
        "survivor_id": referral.survivor_id,
        "status": referral.status,
        "reason": referral.reason,
        "created_at": referral.created_at,
        "decided_at": referral.decided_at,
        "updated_at": referral.updated_at,
    }


def _training(session: Session, survivors: Iterable[Survivor]) -> dict[int, Any]:
    """Per survivor: their tracks (completed, or in training) and when they are free."""
    people = list(survivors)
    codes = {code for s in people for code in (s.completed_tracks or ())}
    names = (
        {t.code: t for t in session.scalars(select(Track).where(Track.code.in_(codes)))}
        if codes
        else {}
    )
    rows = session.execute(
        select(Placement, Track)
        .join(Track, Track.id == Placement.track_id)
        .where(Placement.survivor_id.in_([s.id for s in people]), Placement.kind == "training")
        .order_by(Placement.started_on)
    ).all()
    out: dict[int, Any] = {}
    for s in people:
        out[s.id] = {
            "training": [
                {"track": c, "name": names[c].name if c in names else c, "completed": True}
                for c in s.completed_tracks or ()
            ],
            "until": None,
        }
    for placement, track in rows:
        entry = out[placement.survivor_id]
        if any(t["track"] == track.code for t in entry["training"]):
            continue
        completed = placement.end_reason == "completed"
        entry["training"].append({"track": track.code, "name": track.name, "completed": completed})
        if placement.ended_on is None:
            entry["until"] = add_months(placement.started_on, track.duration_months)
    return out


def employer_view(
    referral: Referral, survivor: Survivor, training: Mapping[int, Any], vacancy: Vacancy
) -> dict[str, Any]:
    """What an employer may know of a referral (API.md: exactly these six fields).

    ``available_from`` is the latest of: the day of the referral, the end of a training
    the survivor is in, and, for a vacancy that hires a track's graduates, the end of
    that track's next intake unless the survivor has completed it.
    """
    aptitudes = survivor.aptitudes or {}
    mine = training[survivor.id]
    available = referral.created_at.date()
    if mine["until"] is not None and mine["until"] > available:
        available = mine["until"]
    track = vacancy.hires_from_track
    if (
        mine["until"] is None
        and track is not None
        and track.next_start is not None
        and track.code not in survivor.completed_tracks
    ):
        available = max(available, add_months(track.next_start, track.duration_months))
    return {
        "id": referral.id,
        "vacancy_id": referral.vacancy_id,
        "status": referral.status,
        "skills": [
            {"skill_family": family, "level": int(level)}
            for family, level in sorted(aptitudes.items(), key=lambda kv: (-kv[1], kv[0]))
            if level > 0
        ],
        "training": mine["training"],
        "available_from": available,
    }
