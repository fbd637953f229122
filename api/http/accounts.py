"""Who am I, organisations, users who sign in on the pages, and tokens (issued and
revoked by an admin)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import select

from api.auth import current_principal, issue_token, require_roles, revoke_token
from api.config import current_config
from api.errors import NotFound, Unprocessable
from api.http.caching import no_store
from api.http.fields import UtcDateTime
from api.services.users import MAX_PASSWORD, create_user
from api.store.db import get_session, unit_of_work
from api.store.models import ROLES, Organisation
from api.store.pagination import PageArgs, page_schema, paginate

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Accounts and tokens")


blp.after_request(no_store)


class MeSchema(ma.Schema):
    user_id = ma.fields.Integer()
    organisation = ma.fields.String(attribute="org_name")
    role = ma.fields.String()


class OrganisationSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    created_at = UtcDateTime()


class TokenRequest(ma.Schema):
    org = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    user = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=200))


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    prefix = ma.fields.String()
    org = ma.fields.String()
    role = ma.fields.String()


class UserRequest(ma.Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=1, max=MAX_PASSWORD)
    )
    name = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=200))


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    org = ma.fields.String()
    role = ma.fields.String()


@blp.get("/me")
@blp.response(200, MeSchema)
@require_roles(*ROLES)
def me() -> Any:
    """The caller's user, organisation and role."""
    return current_principal()


@blp.get("/organisations")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(OrganisationSchema, "OrganisationPage"))
@require_roles("admin")
def organisations(args: dict[str, Any]) -> dict[str, Any]:
    """Every organisation (admin)."""
    items, next_cursor = paginate(
        get_session(), select(Organisation), Organisation.id, args["limit"], args["cursor"]
    )
    return {"items": items, "next_cursor": next_cursor}


@blp.post("/users")
@blp.arguments(UserRequest)
@blp.response(201, UserSchema)
@require_roles("admin")
def create_user_view(body: dict[str, Any]) -> Any:
    """Create a user of the admin's own organisation, who signs in on the pages."""
    return create_user(get_session(), current_principal(), current_config(), **body)


@blp.post("/tokens")
@blp.arguments(TokenRequest)
@blp.response(201, TokenSchema)
@require_roles("admin")
def create_token(body: dict[str, Any]) -> dict[str, Any]:
    """Issue a token for an organisation's user (shown once; only its hash is kept)."""
    session = get_session()
    try:
        with unit_of_work(session):
            token = issue_token(session, body["org"], body["role"], body["user"])
    except ValueError as exc:
        raise Unprocessable(str(exc), [{"field": "user", "message": str(exc)}]) from exc
    return {"token": token, "prefix": token[:11], "org": body["org"], "role": body["role"]}


@blp.delete("/tokens/<string:prefix>")
@blp.response(204)
@require_roles("admin")
def delete_token(prefix: str) -> None:
    """Revoke the token with this prefix."""
    session = get_session()
    with unit_of_work(session):
        if revoke_token(session, prefix) == 0:
            raise NotFound("No active token has that prefix.")
