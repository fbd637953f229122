"""Bearer tokens, roles and organisation scoping.

A token is 32 random bytes shown once; only its SHA-256 is stored (a fast hash is the
right tool for a secret with 256 bits of entropy: nothing to brute-force, unlike a
password). Every view but /health and the OpenAPI document declares its roles.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from flask import g, request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from api.errors import Forbidden, Unauthorized
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


def issue_token(session: Session, org_name: str, role: str, user_name: str | None = None) -> str:
    """Create the organisation and user if needed, and a new token; return the token.

    The caller commits. Raises ``UnknownRole`` for a role that does not exist.
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
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:11]))
    session.flush()
    return token


def revoke_token(session: Session, token_or_prefix: str) -> int:
    """Revoke a token given whole or by its printed prefix; return how many were revoked."""
    if len(token_or_prefix) > 11:
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
    )
    .select_from(
        ApiToken.__table__.join(User.__table__, _tokens.user_id == _users.id).join(
            Organisation.__table__, _users.org_id == _orgs.id
        )
    )
    .where(_tokens.token_hash == bindparam("token_hash"))
)


def authenticate(session: Session, header: str | None) -> Principal:
    """The principal behind an ``Authorization`` header, or ``Unauthorized``."""
    if not header:
        raise Unauthorized("This endpoint needs a bearer token (Authorization: Bearer <token>).")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise Unauthorized("The Authorization header must read 'Bearer <token>'.")
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise Unauthorized("The bearer token is malformed.")
    row = session.execute(_PRINCIPAL, {"token_hash": hash_token(token)}).first()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("The bearer token is unknown or has been revoked.")
    return Principal(row.user_id, row.org_id, row.org_name, row.role, row.token_id)


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
    from flask import current_app

    from api.store.db import get_session

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
                from api.store.db import get_session

                g.principal = authenticate(get_session(), request.headers.get("Authorization"))
            _check_role(g.principal, roles)
            return view(*args, **kwargs)

        wrapper._pathways_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def roles_of(view: Any) -> tuple[str, ...] | None:
    return getattr(view, "_pathways_roles", None)
