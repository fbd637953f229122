"""Organisations, their users, and the bearer tokens users call the API with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.store.models.base import Base, utcnow

ROLES: tuple[str, ...] = ("admin", "counsellor", "surveyor", "employer")


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person (or a script) of one organisation with one role.

    People who sign in on the pages have a ``username`` (unique across organisations,
    kept case-folded) and the argon2 hash of their password; users made only to hold
    API tokens have neither.
    """

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("org_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    username: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token, stored only as its SHA-256 (tokens are 256 random bits)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # None: never expires (a token issued before expiry was a setting).
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    user: Mapped[User] = relationship(lazy="joined")


class PageSession(Base):
    """A sign-in on the pages: the cookie holds a random key, this row its SHA-256.

    It ends at sign-out (``ended_at``), after an idle period (``last_seen_at``), after
    an absolute lifetime (``created_at``; the lengths are settings) and when the user's
    password is changed.
    """

    __tablename__ = "page_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
