"""The audit trail (admins): every read, write and refused request about a survivor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.http.caching import no_store
from api.http.fields import Text, UtcDateTime
from api.services import audit_log as service
from api.store.db import get_session
from api.store.pagination import PageArgs, page_schema

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The audit trail (admin)")
blp.after_request(no_store)


def _id(description: str) -> ma.fields.Integer:
    return ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(min=1, max=2**63 - 1),
        metadata={"description": description},
    )


class UtcFilter(ma.fields.AwareDateTime):
    """A time filter: ISO 8601; one without an offset is read as UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=UTC, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        return moment.astimezone(UTC)


class AuditArgs(PageArgs):
    actor = _id("A user's id")
    organisation = _id("An organisation's id: the caller's or the record's")
    entity = Text(load_default=None, validate=ma.validate.Length(min=1, max=32))
    entity_id = _id("The record's id (with entity)")
    survivor_id = _id("A survivor's id: the rows about that survivor's record")
    action = Text(load_default=None, validate=ma.validate.Length(min=1, max=32))
    since = UtcFilter(load_default=None, data_key="from", metadata={"description": "At or after"})
    until = UtcFilter(load_default=None, data_key="to", metadata={"description": "Before"})


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    at = UtcDateTime()
    actor = ma.fields.Integer(attribute="user_id", allow_none=True)
    role = ma.fields.String(allow_none=True)
    organisation = ma.fields.Integer(
        attribute="actor_org_id",
        allow_none=True,
        metadata={"description": "The caller's organisation"},
    )
    record_organisation = ma.fields.Integer(
        attribute="org_id",
        allow_none=True,
        metadata={"description": "Whose record it is (unknown for a refused request)"},
    )
    action = ma.fields.String()
    entity = ma.fields.String()
    entity_id = ma.fields.Integer(allow_none=True)
    status = ma.fields.Integer(
        allow_none=True, metadata={"description": "None: done; 401, 403 or 404: refused"}
    )


@blp.get("/audit")
@blp.arguments(AuditArgs, location="query")
@blp.response(200, page_schema(AuditEventSchema, "AuditPage"))
@require_roles("admin")
def list_audit(args: dict[str, Any]) -> dict[str, Any]:
    """Audit rows, oldest first, filtered by actor, organisation, record, action and time."""
    limit, cursor = args.pop("limit"), args.pop("cursor")
    items, next_cursor = service.list_audit(get_session(), current_principal(), args, limit, cursor)
    return {"items": items, "next_cursor": next_cursor}
