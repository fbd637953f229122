"""People who sign in on the pages: created by an admin, checked by their password.

Passwords are kept as argon2id hashes (an argon2-cffi profile named by the
``PASSWORD_HASH_PROFILE`` setting: RFC 9106's low-memory one unless configured); a
sign-in with an unknown username still verifies against a hash, so that the time it
takes does not tell which usernames exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.config import ServiceConfig
from api.errors import Conflict, Forbidden, Unprocessable
from api.store.db import unit_of_work
from api.store.models import ROLES, Organisation, PageSession, User
from api.store.models.base import utcnow

MIN_PASSWORD = 10
MAX_PASSWORD = 200  # argon2 takes any length; this bounds the work a form can ask for
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")


@cache
def hasher(profile: str) -> tuple[PasswordHasher, str]:
    """The hasher of an argon2-cffi profile, and a hash to verify when nobody matches
    (so that a miss costs what a hit costs)."""
    found = PasswordHasher.from_parameters(getattr(profiles, profile))
    return found, found.hash("not anybody's password")


@dataclass(frozen=True)
class NewUser:
    """A user just created: who, for which organisation, in which role."""

    id: int
    username: str
    org: str
    role: str


def normal_username(raw: str) -> str:
    """The stored form of a username: trimmed and case-folded (people type it either way)."""
    return raw.strip().casefold()


def password_problems(password: str) -> list[dict[str, str]]:
    """What is wrong with a new password, as error rows (empty when it will do)."""
    if len(password) < MIN_PASSWORD:
        return [{"field": "password", "message": f"must have at least {MIN_PASSWORD} characters"}]
    if len(password) > MAX_PASSWORD:
        return [{"field": "password", "message": f"must have at most {MAX_PASSWORD} characters"}]
    return []


def create_user(
    session: Session,
    principal: Principal,
    config: ServiceConfig,
    *,
    username: str,
    role: str,
    password: str,
    org: str | None = None,
    name: str | None = None,
) -> NewUser:
    """An admin adds a person to their organisation (the operator: to any, made if new).

    Raises ``Unprocessable`` naming each bad field, ``Conflict`` for a username taken.
    """
    problems: list[dict[str, str]] = []
    login = normal_username(username)
    if not USERNAME.match(login):
        problems.append(
            {
                "field": "username",
                "message": "2 to 63 letters a-z, digits, '.', '_' or '-', starting with a "
                "letter or digit",
            }
        )
    if role not in ROLES:
        problems.append({"field": "role", "message": f"must be one of {', '.join(ROLES)}"})
    problems += password_problems(password)
    org_name = (org or principal.org_name).strip()
    if principal.user_id is not None and org_name != principal.org_name:
        raise Forbidden("Admins create users for their own organisation only.")
    if not org_name:
        problems.append({"field": "org", "message": "is required"})
    if problems:
        raise Unprocessable("The user was not created: " + problems[0]["message"], problems)
    with unit_of_work(session):
        if session.scalar(select(User.id).where(User.username == login)) is not None:
            raise Conflict(
                f"The username {login!r} is taken.",
                [{"field": "username", "message": "is taken"}],
            )
        organisation = session.scalar(select(Organisation).where(Organisation.name == org_name))
        if organisation is None:
            if principal.user_id is not None:
                raise Unprocessable(
                    "No such organisation.", [{"field": "org", "message": "is unknown"}]
                )
            organisation = Organisation(name=org_name)
            session.add(organisation)
            session.flush()
        display = (name or login).strip()
        if session.scalar(
            select(User.id).where(User.org_id == organisation.id, User.name == display)
        ):
            display = login if display != login else f"{login} ({role})"
        user = User(
            org_id=organisation.id,
            name=display,
            role=role,
            username=login,
            password_hash=hasher(config.password_hash_profile)[0].hash(password),
        )
        session.add(user)
        session.flush()
        audit(session, principal, "create", "user", user.id, organisation.id)
    return NewUser(user.id, login, organisation.name, role)


def set_password(session: Session, config: ServiceConfig, username: str, password: str) -> None:
    """Give a user a new password and end every page sign-in they had. Commits.

    Raises ``Unprocessable`` for an unknown username or a password that will not do.
    """
    problems = password_problems(password)
    if problems:
        raise Unprocessable("The password was not changed: " + problems[0]["message"], problems)
    with unit_of_work(session):
        user = session.scalar(select(User).where(User.username == normal_username(username)))
        if user is None:
            raise Unprocessable("No such user.", [{"field": "username", "message": "is unknown"}])
        user.password_hash = hasher(config.password_hash_profile)[0].hash(password)
        session.execute(
            update(PageSession)
            .where(PageSession.user_id == user.id, PageSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def check_password(
    session: Session, config: ServiceConfig, username: str, password: str
) -> int | None:
    """The id of the user these credentials sign in, or None. May rehash (commits then)."""
    known, dummy = hasher(config.password_hash_profile)
    login = normal_username(username)
    user = session.scalar(select(User).where(User.username == login)) if login else None
    stored = user.password_hash if user is not None else None
    try:
        known.verify(stored or dummy, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None:
        return None
    if known.check_needs_rehash(stored):
        with unit_of_work(session):
            user.password_hash = known.hash(password)
    return user.id
