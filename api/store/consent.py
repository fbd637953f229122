"""The consent history's writes and reads, shared by the survivor record and consents.

``Survivor.consent_share_with_employers`` is the newest entry of the history, kept on
the record so that every query that must hide a withdrawn survivor can filter on it;
it is written here and nowhere else, in the same transaction as the entry.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.models import Consent, Survivor


def add_consent(
    session: Session,
    survivor: Survivor,
    *,
    given: bool,
    method: str | None,
    guardian_consented: bool,
    note: str,
    user_id: int | None,
) -> Consent:
    """Append a change of consent to the history and set the survivor's current state."""
    consent = Consent(
        survivor_id=survivor.id,
        given=given,
        method=method,
        guardian_consented=guardian_consented,
        note=note,
        recorded_by=user_id,
    )
    session.add(consent)
    survivor.consent_share_with_employers = given
    session.flush()
    return consent


def latest_consent(session: Session, survivor_id: int) -> Consent | None:
    """The survivor's newest consent entry, if any."""
    return session.scalar(
        select(Consent).where(Consent.survivor_id == survivor_id).order_by(Consent.id.desc())
    )
