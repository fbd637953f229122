"""Consent to share a survivor's skills with employers: recorded, kept as history, and
checked at every share.

Who, when and how (verbal or written); for a minor, that a parent or guardian agreed
too (the Labour Law, art. 179). A withdrawal takes effect on the next request: new
referrals are refused and the survivor's pending referrals disappear from employers'
lists (``api.services.referrals``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.errors import Unprocessable
from api.services.survivors import find_survivor, today_utc
from api.store.consent import add_consent, latest_consent
from api.store.db import unit_of_work
from api.store.models import Consent, Survivor
from api.store.pagination import decode_cursor, encode_cursor
from matcher.safeguards import lowest_age

ADULT_AGE = 18


def is_minor(survivor: Survivor, today: date) -> bool:
    """A minor while the lowest age the birth year allows is under 18 (API.md)."""
    return lowest_age(survivor.birth_year, today) < ADULT_AGE


def record_consent(
    session: Session, principal: Principal, survivor_id: int, data: Mapping[str, Any]
) -> Consent:
    """Record that a survivor gave or withdrew consent; a minor's needs a guardian's too."""
    with unit_of_work(session):
        survivor = find_survivor(session, principal, survivor_id)
        guardian = bool(data.get("guardian_consented", False))
        if data["given"] and is_minor(survivor, today_utc()) and not guardian:
            raise Unprocessable(
                "The survivor may be under 18: a parent or guardian must agree too.",
                [
                    {
                        "field": "guardian_consented",
                        "message": "must be true for a minor's consent (Labour Law art. 179)",
                    }
                ],
            )
        consent = add_consent(
            session,
            survivor,
            given=data["given"],
            method=data["method"],
            guardian_consented=guardian,
            note=data.get("note", ""),
            user_id=principal.user_id,
        )
        audit(session, principal, "create", "consent", consent.id, survivor.org_id)
    return consent


def list_consents(
    session: Session, principal: Principal, survivor_id: int, limit: int, cursor: str | None
) -> tuple[Sequence[Consent], str | None]:
    """A survivor's consent history, newest first (audited)."""
    with unit_of_work(session):
        survivor = find_survivor(session, principal, survivor_id)
        stmt = select(Consent).where(Consent.survivor_id == survivor.id)
        if cursor:
            before = decode_cursor(cursor)
            if not isinstance(before, int) or isinstance(before, bool):
                before = 0
            stmt = stmt.where(Consent.id < before)
        rows = list(session.scalars(stmt.order_by(Consent.id.desc()).limit(limit + 1)))
        audit(session, principal, "read", "consent", survivor.id, survivor.org_id)
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1].id)
    return rows, None


def sharing_refusal(session: Session, survivor: Survivor, today: date) -> str | None:
    """Why the survivor's skills may not be shared with an employer now, or None."""
    consent = latest_consent(session, survivor.id)
    if consent is None or not consent.given:
        return (
            "The survivor has not consented to sharing with employers "
            "(record it with POST /survivors/{id}/consents)."
        )
    if is_minor(survivor, today) and not consent.guardian_consented:
        return (
            "The survivor may be under 18 and no parent's or guardian's agreement is recorded "
            "(record it with POST /survivors/{id}/consents)."
        )
    return None
