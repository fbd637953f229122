"""Sign-ins on the pages, kept on the server: started, resumed, ended.

The browser's cookie holds only a random key; the server keeps the key's SHA-256 with
the user it signs in, so that signing out (or an idle period, the absolute lifetime, or
a new password) ends the sign-in for every copy of the cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth import Principal
from api.store.db import unit_of_work
from api.store.models import PageSession, User
from api.store.models.base import utcnow

# A page request refreshes ``last_seen_at`` only when it is older than this: an idle
# timeout of minutes needs no write on every click.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _aware(when: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored as UTC.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def start_page_session(session: Session, user_id: int) -> str:
    """A new sign-in for the user; returns the key the cookie carries. Commits."""
    key = secrets.token_urlsafe(32)
    with unit_of_work(session):
        session.add(PageSession(key_hash=_hash(key), user_id=user_id))
    return key


def resume_page_session(
    session: Session,
    key: str,
    *,
    idle: timedelta,
    lifetime: timedelta,
    now: datetime | None = None,
) -> Principal | None:
    """Who a cookie's key signs in, or None once it has ended (ending it if it is due)."""
    now = now or utcnow()
    row = session.scalar(select(PageSession).where(PageSession.key_hash == _hash(key)))
    if row is None or row.ended_at is not None:
        return None
    user = session.get(User, row.user_id)
    expired = (
        now - _aware(row.last_seen_at) > idle
        or now - _aware(row.created_at) > lifetime
        or user is None
        or user.password_hash is None
    )
    with unit_of_work(session):
        if expired:
            row.ended_at = now
        elif now - _aware(row.last_seen_at) > TOUCH_EVERY:
            row.last_seen_at = now
    if expired or user is None:
        return None
    return Principal(user.id, user.org_id, user.organisation.name, user.role)


def end_page_session(session: Session, key: str) -> None:
    """Sign out: the key is refused from now on, whoever holds a copy. Commits."""
    with unit_of_work(session):
        session.execute(
            update(PageSession)
            .where(PageSession.key_hash == _hash(key), PageSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
