"""Bearer tokens, roles and organisation scoping.

A token is 32 random bytes shown once; only its SHA-256 is stored (a fast hash is the
right tool for a secret with 256 bits of entropy: nothing to brute-force, unlike a
password). A token expires (``TOKEN_DAYS`` after it is issued), can be revoked, and
records when it was last used. Failed authentications are counted per address and per
token prefix; past ``RATELIMIT_AUTH_FAILURES`` the caller gets 429 until the window
ends. Every view but /health and the OpenAPI document declares its roles.
"""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ParamSpec, TypeVar

import limits
from flask import current_app, g, has_request_context, request
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from api.errors import Forbidden, TooManyRequests, Unauthorized
from api.extensions import limiter
from api.store.db import get_database, get_session
from api.store.models import ROLES, ApiToken, Organisation, User
from api.store.models.base import utcnow

TOKEN_PREFIX = "pw_"  # noqa: S105 (a prefix, not a secret)

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user of one organisation with one role, or the operator.

    Every view, page and command hands one of these to the use cases; ``scope`` says
    whose records it may work on.
    """

    user_id: int | None
    org_id: int | None
    org_name: str
    role: str
    token_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def operator(
        cls, org_id: int | None = None, org_name: str = "", role: str = "admin"
    ) -> Principal:
        """Whoever runs a ``pathways`` command: they hold the database already.

        Acts for one organisation (``org_id``) in that role, or as an admin of all.
        """
        return cls(user_id=None, org_id=org_id, org_name=org_name, role=role)


def scope(principal: Principal) -> int | None:
    """The organisation whose records the principal works on; None means every one."""
    return None if principal.is_admin else principal.org_id


def own_org(principal: Principal) -> int:
    """The organisation a record the principal creates belongs to."""
    if principal.org_id is None:
        raise Forbidden("This needs an organisation to act for; this caller acts for none.")
    return principal.org_id


def may_see(principal: Principal, org_id: int | None) -> bool:
    """Whether a record of organisation ``org_id`` is the principal's to see."""
    return principal.is_admin or (org_id is not None and org_id == principal.org_id)


class UnknownRole(ValueError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


DEFAULT_TOKEN_DAYS = 90
PREFIX_LENGTH = 11  # "pw_" and 8 characters: printed, and enough to revoke by


def issue_token(
    session: Session,
    org_name: str,
    role: str,
    user_name: str | None = None,
    days: int = DEFAULT_TOKEN_DAYS,
) -> str:
    """Create the organisation and user if needed, and a new token; return the token.

    The token expires ``days`` days from now. The caller commits. Raises
    ``UnknownRole`` for a role that does not exist.
    """
    if role not in ROLES:
        raise UnknownRole(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    org_name = org_name.strip()
    if not org_name:
        raise ValueError("the organisation name is empty")
    org = session.scalar(select(Organisation).where(Organisation.name == org_name))
    if org is None:
        org = Organisation(name=org_name)
        session.add(org)
        session.flush()
    user_name = user_name or role
    user = session.scalar(select(User).where(User.org_id == org.id, User.name == user_name))
    if user is None:
        user = User(org_id=org.id, name=user_name, role=role)
        session.add(user)
        session.flush()
    elif user.role != role:
        raise ValueError(f"user {user_name!r} of {org_name!r} already has role {user.role!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=hash_token(token),
            prefix=token[:PREFIX_LENGTH],
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    session.flush()
    return token


def revoke_token(session: Session, token_or_prefix: str) -> int:
    """Revoke a token given whole or by its printed prefix; return how many were revoked."""
    if len(token_or_prefix) > PREFIX_LENGTH:
        condition = ApiToken.token_hash == hash_token(token_or_prefix)
    else:
        condition = ApiToken.prefix == token_or_prefix
    tokens = session.scalars(select(ApiToken).where(condition, ApiToken.revoked_at.is_(None)))
    count = 0
    for token in tokens:
        token.revoked_at = utcnow()
        count += 1
    return count


# Every request runs this, so it is built once: a Core statement over the tables (no
# ORM objects, no statement to build and no cache key to compute per request).
_tokens, _users, _orgs = ApiToken.__table__.c, User.__table__.c, Organisation.__table__.c
_PRINCIPAL = (
    select(
        _users.id.label("user_id"),
        _users.org_id,
        _orgs.name.label("org_name"),
        _users.role,
        _tokens.id.label("token_id"),
        _tokens.revoked_at,
        _tokens.expires_at,
        _tokens.last_used_at,
    )
    .select_from(
        ApiToken.__table__.join(User.__table__, _tokens.user_id == _users.id).join(
            Organisation.__table__, _users.org_id == _orgs.id
        )
    )
    .where(_tokens.token_hash == bindparam("token_hash"))
)


def authenticate(session: Session, header: str | None) -> Principal:
    """The principal behind an ``Authorization`` header, or ``Unauthorized``.

    Too many failures from the caller's address, or for the token's prefix, are a 429
    before the token is even looked up.
    """
    token = _bearer(header)
    prefix = token[:PREFIX_LENGTH] if token else None
    _refuse_if_throttled(prefix)
    try:
        if token is None:
            raise Unauthorized(
                "This endpoint needs a bearer token (Authorization: Bearer <token>)."
                if not header
                else "The Authorization header must read 'Bearer <token>'."
            )
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            raise Unauthorized("The bearer token is malformed.")
        row = session.execute(_PRINCIPAL, {"token_hash": hash_token(token)}).first()
        if row is None or row.revoked_at is not None:
            raise Unauthorized("The bearer token is unknown or has been revoked.")
        now = utcnow()
        if row.expires_at is not None and now >= _aware(row.expires_at):
            raise Unauthorized("The bearer token has expired: ask an admin for a new one.")
    except Unauthorized:
        _count_failure(prefix)
        raise
    if row.last_used_at is None or now - _aware(row.last_used_at) > LAST_USED_EVERY:
        _touch(row.token_id, now)
    return Principal(row.user_id, row.org_id, row.org_name, row.role, row.token_id)


# The last use is written at most this often per token: a write on every request would
# serialise readers on SQLite's single writer.
LAST_USED_EVERY = timedelta(minutes=1)


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    return token


def _aware(when: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored as UTC.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _touch(token_id: int, now: datetime) -> None:
    """Record the token's use in a transaction of its own (the request's may fail)."""
    with get_database().engine.begin() as conn:
        conn.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def _failure_keys(prefix: str | None) -> list[tuple[str, str]]:
    keys = [("auth-failures-address", request.remote_addr or "unknown")]
    if prefix:
        keys.append(("auth-failures-prefix", prefix))
    return keys


def _failure_limit() -> limits.RateLimitItem | None:
    if not has_request_context() or not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return limits.parse(current_app.config["RATELIMIT_AUTH_FAILURES"])


def _refuse_if_throttled(prefix: str | None) -> None:
    limit = _failure_limit()
    if limit is None:
        return
    for key in _failure_keys(prefix):
        if not limiter.limiter.test(limit, *key):
            reset = limiter.limiter.get_window_stats(limit, *key).reset_time
            wait = max(1, math.ceil(reset - time.time()))
            raise TooManyRequests(
                "Too many failed sign-ins from this address or for this token; "
                f"try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )


def _count_failure(prefix: str | None) -> None:
    limit = _failure_limit()
    if limit is not None:
        for key in _failure_keys(prefix):
            limiter.limiter.hit(limit, *key)


def current_principal() -> Principal:
    principal: Principal = g.principal
    return principal


# Endpoints anyone may call: liveness and the API's own description.
OPEN_ENDPOINTS = frozenset(
    {"reference.health", "api-docs.openapi_json", "api-docs.openapi_swagger_ui", "swagger_ui_asset"}
)


def authenticate_request() -> None:
    """Before any view or body parsing: who is calling, and may their role call this?

    Runs for every request under /api/v1, so a bad token is a 401 and a wrong role a
    403 before the body is even read; an endpoint that declares no roles is closed.
    """
    if not request.path.startswith("/api/v1") or request.endpoint in OPEN_ENDPOINTS:
        return
    if request.endpoint is None:  # no such route: let the 404/405 through
        return

    g.principal = authenticate(get_session(), request.headers.get("Authorization"))
    view = current_app.view_functions[request.endpoint]
    roles = roles_of(view)
    if roles is None:
        raise Forbidden("This endpoint is not open to any role.")
    _check_role(g.principal, roles)


def _check_role(principal: Principal, roles: tuple[str, ...]) -> None:
    if principal.role not in roles:
        raise Forbidden(
            f"This needs the role {' or '.join(roles)}; your token's role is {principal.role}."
        )


def require_roles(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Let a view through only for a valid token whose role is one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if "principal" not in g:
                g.principal = authenticate(get_session(), request.headers.get("Authorization"))
            _check_role(g.principal, roles)
            return view(*args, **kwargs)

        wrapper._pathways_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def roles_of(view: Any) -> tuple[str, ...] | None:
    return getattr(view, "_pathways_roles", None)
