"""The catalog's rows as the engine reads them: towns, occupations, tracks with their
seats left, and the vacancies that may be offered."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVarTuple

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

import training_catalog.types as tc
from api.store.models import (
    Employer,
    Occupation,
    Organisation,
    SeatReservation,
    Town,
    Track,
    TrackOccupation,
    Vacancy,
)
from matcher.types import Vacancy as EngineVacancy

Ts = TypeVarTuple("Ts")


def plain_town(row: Town) -> tc.Town:
    """A town row as the domain packages read it."""
    return tc.Town(
        code=row.code,
        name=row.name,
        province=row.province,
        tourist_hub=row.tourist_hub,
        casino_town=row.casino_town,
        name_km=row.name_km,
    )


def plain_occupation(row: Occupation) -> tc.Occupation:
    """An occupation row, with the flags the law and the safeguards need."""
    return tc.Occupation(
        code=row.code,
        name=row.name,
        skill_family=row.skill_family,
        hazardous=row.hazardous,
        night_work=row.night_work,
        exploitation_risk=row.exploitation_risk,
        on_the_job=row.on_the_job,
        light_work=row.light_work,
        name_km=row.name_km,
    )


def reserved_seats(session: Session, track_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Seats reserved for each track's next intake (tracks without any are absent)."""
    stmt = (
        select(SeatReservation.track_id, func.count(SeatReservation.id))
        .join(
            Track,
            and_(
                Track.id == SeatReservation.track_id,
                Track.next_start == SeatReservation.intake_start,
            ),
        )
        .group_by(SeatReservation.track_id)
    )
    if track_ids is not None:
        stmt = stmt.where(SeatReservation.track_id.in_(list(track_ids)))
    return {int(track_id): int(count) for track_id, count in session.execute(stmt).all()}


def seats_available(seats: int, next_start: date | None, reserved: int) -> int:
    """Seats minus those reserved for the next start; no scheduled intake offers no seat."""
    if next_start is None:
        return 0
    return max(seats - reserved, 0)


def load_catalog(session: Session) -> tc.Catalog:
    """Towns, occupations and every track with its seats left, as plain values."""
    towns = {t.code: plain_town(t) for t in session.scalars(select(Town))}
    occupations = {o.code: plain_occupation(o) for o in session.scalars(select(Occupation))}
    # Plain columns, not ORM objects: the engine reads the whole catalog per request.
    occupations_of: dict[int, list[str]] = {}
    links = select(TrackOccupation.track_id, TrackOccupation.occupation).order_by(
        TrackOccupation.track_id, TrackOccupation.position
    )
    for track_id, code in session.execute(links):
        occupations_of.setdefault(track_id, []).append(code)
    reserved = reserved_seats(session)
    rows = session.execute(
        select(
            Track.id,
            Track.code,
            Track.name,
            Organisation.name,
            Track.town,
            Track.skill_family,
            Track.duration_months,
            Track.seats,
            Track.next_start,
            Track.cost_usd,
            Track.min_age,
            Track.min_literacy,
        )
        .join(Organisation, Organisation.id == Track.provider_org_id)
        .order_by(Track.code)
    )
    tracks = tuple(
        tc.Track(
            code=code,
            name=name,
            provider=provider,
            town=town,
            skill_family=family,
            occupations=tuple(occupations_of.get(track_id, ())),
            duration_months=months,
            seats=seats,
            seats_available=seats_available(seats, start, reserved.get(track_id, 0)),
            next_start=start,
            cost_usd=float(cost),
            min_age=min_age,
            min_literacy=literacy,
        )
        for (
            track_id,
            code,
            name,
            provider,
            town,
            family,
            months,
            seats,
            start,
            cost,
            min_age,
            literacy,
        ) in rows
    )
    return tc.Catalog(towns=towns, occupations=occupations, tracks=tracks)


def load_vacancies(session: Session) -> list[EngineVacancy]:
    """Every vacancy with its employer's vetting status (the matcher filters and explains),
    except exploitation-risk ones whose employer has no admin approval: never offered."""
    # Plain columns, not ORM objects: a province's market has tens of thousands of rows.
    stmt = (
        select(
            Vacancy.id,
            Vacancy.employer_id,
            Employer.name,
            Employer.vetting,
            Vacancy.occupation,
            Vacancy.town,
            Vacancy.pay_usd_month,
            Vacancy.positions,
            Vacancy.positions_filled,
            Vacancy.provides_food,
            Vacancy.provides_room,
            Vacancy.min_age,
            Vacancy.night_shift,
            Track.code,
            Vacancy.status,
            Vacancy.review,
        )
        .join(Employer, Employer.id == Vacancy.employer_id)
        .outerjoin(Track, Track.id == Vacancy.hires_from_track_id)
        .order_by(Vacancy.id)
    )
    return [
        EngineVacancy(
            id=vacancy_id,
            employer_id=employer_id,
            employer_name=employer_name,
            employer_status=vetting,
            occupation=occupation,
            town=town,
            pay_usd_month=float(pay),
            positions_left=max(positions - filled, 0),
            provides_food=food,
            provides_room=room,
            min_age=min_age,
            night_shift=night,
            hires_from_track=track_code,
            is_open=status == "open",
            held_for_review=review in HELD,
        )
        for (
            vacancy_id,
            employer_id,
            employer_name,
            vetting,
            occupation,
            town,
            pay,
            positions,
            filled,
            food,
            room,
            min_age,
            night,
            track_code,
            status,
            review,
        ) in session.execute(offerable(stmt))
    ]


def offerable(stmt: Select[*Ts]) -> Select[*Ts]:
    """Drop exploitation-risk vacancies of employers without an admin's approval.

    Checked when a vacancy is written too; this also covers an approval withdrawn later.
    ``stmt`` must already join ``Employer``.
    """
    return stmt.join(Occupation, Occupation.code == Vacancy.occupation).where(
        or_(Occupation.exploitation_risk.is_(False), Employer.approved_for_risk.is_(True))
    )


def not_held(stmt: Select[*Ts]) -> Select[*Ts]:
    """Drop vacancies held for (or rejected at) an admin's lure review."""
    return stmt.where(or_(Vacancy.review.is_(None), Vacancy.review.not_in(HELD)))


#: Review states in which a vacancy is never offered.
HELD = ("held", "rejected")


def to_engine_vacancy(row: Vacancy) -> EngineVacancy:
    """One vacancy row as the engine sees it (its employer loaded with it)."""
    return EngineVacancy(
        id=row.id,
        employer_id=row.employer_id,
        employer_name=row.employer.name if row.employer else "",
        employer_status=row.employer.vetting if row.employer else "pending",
        occupation=row.occupation,
        town=row.town,
        pay_usd_month=float(row.pay_usd_month),
        positions_left=max(row.positions - (row.positions_filled or 0), 0),
        provides_food=bool(row.provides_food),
        provides_room=bool(row.provides_room),
        min_age=row.min_age,
        night_shift=bool(row.night_shift),
        is_open=row.status == "open",
        held_for_review=row.review in HELD,
    )
