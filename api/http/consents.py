"""A survivor's consent to share with employers, and its history (counsellors)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.http.caching import no_store
from api.http.fields import Text, UtcDateTime
from api.http.problems import problems
from api.services import consents as service
from api.store.db import get_session
from api.store.models.casework import CONSENT_METHODS
from api.store.pagination import PageArgs, page_schema

blp = Blueprint(
    "consents", __name__, url_prefix="/api/v1", description="Consent to share with employers"
)
blp.after_request(no_store)


class ConsentIn(ma.Schema):
    given = ma.fields.Boolean(required=True)
    method = Text(required=True, validate=ma.validate.OneOf(CONSENT_METHODS))
    guardian_consented = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "A parent or guardian agreed too (needed for a minor)"},
    )
    note = Text(load_default="", validate=ma.validate.Length(max=2000))


class ConsentSchema(ma.Schema):
    id = ma.fields.Integer()
    given = ma.fields.Boolean()
    method = ma.fields.String(
        allow_none=True,
        metadata={"description": "None: changed through the survivor record's flag"},
    )
    guardian_consented = ma.fields.Boolean()
    note = ma.fields.String()
    recorded_by = ma.fields.Integer(allow_none=True)
    recorded_at = UtcDateTime()


@blp.post("/survivors/<int:survivor_id>/consents")
@blp.arguments(ConsentIn)
@blp.response(201, ConsentSchema)
@problems(blp, 404)
@require_roles("counsellor")
def record_consent(body: dict[str, Any], survivor_id: int) -> Any:
    """Record that a survivor of your NGO gave or withdrew consent (takes effect at once)."""
    return service.record_consent(get_session(), current_principal(), survivor_id, body)


@blp.get("/survivors/<int:survivor_id>/consents")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ConsentSchema, "ConsentPage"))
@problems(blp, 404, 422)
@require_roles("counsellor", "admin")
def list_consents(args: dict[str, Any], survivor_id: int) -> dict[str, Any]:
    """A survivor's consent history, newest first."""
    items, next_cursor = service.list_consents(
        get_session(), current_principal(), survivor_id, args["limit"], args["cursor"]
    )
    return {"items": items, "next_cursor": next_cursor}
