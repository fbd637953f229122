"""Use cases of the training catalog, and the two readers the engine is written against:
``load_catalog`` (towns, occupations, tracks with seats left) and ``load_vacancies``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import Principal
from api.errors import Conflict, Forbidden, NotFound, Unprocessable
from api.store.catalog import reserved_seats, seats_available
from api.store.db import unit_of_work
from api.store.models import (
    Employer,
    Occupation,
    Organisation,
    SeatReservation,
    SkillFamily,
    Town,
    Track,
    TrackOccupation,
    Vacancy,
)
from api.store.models.base import utcnow
from api.store.pagination import paginate
from training_catalog import duration_class

TRACK_FIELDS = (
    "name",
    "town",
    "skill_family",
    "duration_months",
    "seats",
    "next_start",
    "cost_usd",
    "min_age",
    "min_literacy",
)


# --- seats and commitments -------------------------------------------------------------


def employer_commitments(session: Session, track_ids: Iterable[int]) -> dict[int, list[int]]:
    """Open vacancies of vetted employers that hire each track's graduates."""
    stmt = (
        select(Vacancy.hires_from_track_id, Vacancy.id)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .where(
            Vacancy.hires_from_track_id.in_(list(track_ids)),
            Vacancy.status == "open",
            Employer.vetting == "vetted",
        )
        .order_by(Vacancy.id)
    )
    commitments: dict[int, list[int]] = {}
    for track_id, vacancy_id in session.execute(stmt).all():
        if track_id is not None:
            commitments.setdefault(track_id, []).append(vacancy_id)
    return commitments


def _views(session: Session, tracks: Sequence[Track]) -> list[dict[str, Any]]:
    ids = [t.id for t in tracks]
    reserved = reserved_seats(session, ids)
    commitments = employer_commitments(session, ids)
    return [
        {
            "code": t.code,
            "name": t.name,
            "provider": t.provider.name,
            "town": t.town,
            "skill_family": t.skill_family,
            "occupations": t.occupations,
            "duration_months": t.duration_months,
            "duration_class": duration_class(t.duration_months),
            "seats": t.seats,
            "seats_available": seats_available(t.seats, t.next_start, reserved.get(t.id, 0)),
            "next_start": t.next_start,
            "cost_usd": round(t.cost_usd, 2),
            "min_age": t.min_age,
            "min_literacy": t.min_literacy,
            "employer_commitments": commitments.get(t.id, []),
        }
        for t in tracks
    ]


# --- reading -------------------------------------------------------------------------


def list_tracks(
    session: Session,
    limit: int,
    cursor: str | None,
    town: str | None = None,
    skill_family: str | None = None,
    provider_org_id: int | None = None,
) -> dict[str, Any]:
    """One page of tracks, by code (``provider_org_id``: one NGO's own)."""
    stmt = select(Track)
    if provider_org_id is not None:
        stmt = stmt.where(Track.provider_org_id == provider_org_id)
    if town:
        stmt = stmt.where(Track.town == town)
    if skill_family:
        stmt = stmt.where(Track.skill_family == skill_family)
    tracks, next_cursor = paginate(session, stmt, Track.code, limit, cursor)
    return {"items": _views(session, tracks), "next_cursor": next_cursor}


def _track_by_code(session: Session, code: str) -> Track:
    # A code with a NUL cannot exist, and PostgreSQL would refuse to compare it.
    track = None if "\x00" in code else session.scalar(select(Track).where(Track.code == code))
    if track is None:
        raise NotFound(f"There is no track with code {code!r}.")
    return track


def get_track(session: Session, code: str) -> dict[str, Any]:
    """One track with its seats left and the employers committed to hire from it."""
    return _views(session, [_track_by_code(session, code)])[0]


# --- writing -------------------------------------------------------------------------


def _reference_errors(session: Session, data: Mapping[str, Any]) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if "town" in data and session.get(Town, data["town"]) is None:
        errors.append({"field": "town", "message": f"unknown town code {data['town']!r}"})
    if "skill_family" in data and session.get(SkillFamily, data["skill_family"]) is None:
        errors.append(
            {"field": "skill_family", "message": f"unknown skill family {data['skill_family']!r}"}
        )
    codes = data.get("occupations") or []
    if codes:
        known = set(session.scalars(select(Occupation.code).where(Occupation.code.in_(codes))))
        for index, code in enumerate(codes):
            if code not in known:
                errors.append(
                    {"field": f"occupations.{index}", "message": f"unknown occupation {code!r}"}
                )
        if len(set(codes)) != len(codes):
            errors.append({"field": "occupations", "message": "an occupation is listed twice"})
    return errors


def _provider_id(
    session: Session, principal: Principal, provider: str | None, errors: list[dict[str, str]]
) -> int | None:
    """The provider NGO's id: a surveyor's own organisation; an admin names one."""
    if principal.role != "admin":
        if provider is not None and provider != principal.org_name:
            raise Forbidden(
                f"A surveyor manages only its own NGO's tracks ({principal.org_name!r})."
            )
        return principal.org_id
    if not provider:
        errors.append({"field": "provider", "message": "an admin must name the provider NGO"})
        return None
    org = session.scalar(select(Organisation).where(Organisation.name == provider))
    if org is None:
        errors.append({"field": "provider", "message": f"unknown organisation {provider!r}"})
        return None
    return org.id


def _set_occupations(track: Track, codes: Sequence[str]) -> None:
    # Keep the rows of occupations that stay: replacing them would insert a duplicate
    # key before the old row is deleted.
    existing = {link.occupation: link for link in track.occupation_links}
    links = []
    for position, code in enumerate(codes):
        link = existing.get(code) or TrackOccupation(occupation=code)
        link.position = position
        links.append(link)
    if [link.occupation for link in track.occupation_links] != list(codes):
        # The list lives in another table: touch the track, so that its updated_at
        # tells the recommendation cache (api/store/engine_inputs.py) that it changed.
        track.updated_at = utcnow()
    track.occupation_links = links


def create_track(session: Session, principal: Principal, data: Mapping[str, Any]) -> dict[str, Any]:
    """Add a track of the caller's NGO (or, for an admin, of the NGO it names)."""
    try:
        with unit_of_work(session):
            errors = _reference_errors(session, data)
            provider_id = _provider_id(session, principal, data.get("provider"), errors)
            if errors:
                raise Unprocessable("The track names things that do not exist.", errors)
            if session.scalar(select(Track.id).where(Track.code == data["code"])) is not None:
                raise Conflict(
                    f"A track with code {data['code']!r} already exists.",
                    [{"field": "code", "message": "already taken"}],
                )
            track = Track(code=data["code"], provider_org_id=provider_id)
            for field in TRACK_FIELDS:
                setattr(track, field, data[field])
            _set_occupations(track, data.get("occupations", []))
            session.add(track)
            session.flush()
            view = _views(session, [track])[0]
    except IntegrityError as exc:  # the same code created meanwhile
        raise Conflict(f"A track with code {data['code']!r} already exists.") from exc
    return view


def update_track(
    session: Session, principal: Principal, code: str, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """Change a track: its provider NGO's surveyors or an admin."""
    with unit_of_work(session):
        track = _track_by_code(session, code)
        if principal.role != "admin" and track.provider_org_id != principal.org_id:
            raise Forbidden("This track belongs to another NGO: only its surveyors may change it.")
        errors = _reference_errors(session, changes)
        provider_id: int | None = track.provider_org_id
        if "provider" in changes:
            provider_id = _provider_id(session, principal, changes["provider"], errors)
        if errors or provider_id is None:
            raise Unprocessable("The change names things that do not exist.", errors)
        track.provider_org_id = provider_id
        for field in TRACK_FIELDS:
            if field in changes:
                setattr(track, field, changes[field])
        if "occupations" in changes:
            _set_occupations(track, changes["occupations"])
        if track.next_start is not None:
            taken = _reservations_for(session, track.id, track.next_start)
            if track.seats < taken:
                raise Conflict(
                    f"{taken} seats of the intake starting {track.next_start} are already "
                    "reserved: seats cannot go below that.",
                    [{"field": "seats", "message": f"at least {taken}"}],
                )
        session.flush()
        view = _views(session, [track])[0]
    return view


def _reservations_for(session: Session, track_id: int, intake: date) -> int:
    return (
        session.scalar(
            select(func.count(SeatReservation.id)).where(
                SeatReservation.track_id == track_id, SeatReservation.intake_start == intake
            )
        )
        or 0
    )


# --- the engine's inputs -------------------------------------------------------------
