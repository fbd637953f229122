"""Organisations, their users and their API tokens, as an administrator manages them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import issue_token, revoke_token
from api.errors import NotFound, Unprocessable
from api.store.db import unit_of_work
from api.store.models import ApiToken, Organisation, User


def people(session: Session) -> list[dict[str, Any]]:
    """Every organisation with its users (who signs in, with which role) and its active
    tokens (prefix, user, role, since), by name."""
    orgs = list(session.scalars(select(Organisation).order_by(Organisation.name)))
    users = list(session.scalars(select(User).order_by(User.name)))
    tokens = list(
        session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None)).order_by(ApiToken.id))
    )
    members: dict[int, list[User]] = {o.id: [] for o in orgs}
    held: dict[int, list[ApiToken]] = {o.id: [] for o in orgs}
    for user in users:
        members[user.org_id].append(user)
    for token in tokens:
        held[token.user.org_id].append(token)
    return [{"org": o, "users": members[o.id], "tokens": held[o.id]} for o in orgs]


def new_token(session: Session, org: str, role: str, user: str | None) -> str:
    """Issue a token (shown once; only its hash is kept). 422 for a bad role or user."""
    try:
        with unit_of_work(session):
            return issue_token(session, org, role, user or None)
    except ValueError as exc:
        raise Unprocessable(str(exc), [{"field": "user", "message": str(exc)}]) from exc


def end_token(session: Session, prefix: str) -> None:
    """Revoke the active token with this prefix (404 when there is none)."""
    with unit_of_work(session):
        if revoke_token(session, prefix[:11]) == 0:
            raise NotFound("No active token has that prefix.")
