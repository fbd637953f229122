"""Lure detection (admins): towns and employers no one is sent to, and the review of
vacancies held because they look like a trafficker's offer."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.http.employers import VacancySchema
from api.http.fields import Text, UtcDateTime
from api.services import lures as service
from api.services.lures import AvoidEntryIn
from api.store.db import get_session
from api.store.pagination import PageArgs, page_schema

blp = Blueprint("lures", __name__, url_prefix="/api/v1", description="Lure detection (admin)")


class AvoidSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    town = ma.fields.String(allow_none=True)
    employer_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String()
    created_by = ma.fields.Integer(allow_none=True)
    created_at = UtcDateTime()


class HeldVacancySchema(VacancySchema):
    review_reason = ma.fields.String(allow_none=True)


class ReviewRequest(ma.Schema):
    decision = Text(required=True, validate=ma.validate.OneOf(tuple(service.REVIEW_DECISIONS)))
    note = Text(load_default="", validate=ma.validate.Length(max=2000))


@blp.get("/avoid-list")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(AvoidSchema, "AvoidPage"))
@require_roles("admin")
def list_avoid(args: dict[str, Any]) -> dict[str, Any]:
    """The towns and employers no one is sent to, with their reasons."""
    items, next_cursor = service.list_avoid(get_session(), args["limit"], args["cursor"])
    return {"items": items, "next_cursor": next_cursor}


@blp.post("/avoid-list")
@blp.arguments(AvoidEntryIn)
@blp.response(201, AvoidSchema)
@require_roles("admin")
def add_avoid(body: dict[str, Any]) -> Any:
    """Put a town (by code) or an employer (by id) on the list; the reason is shown."""
    return service.add_avoid(get_session(), current_principal(), body)


@blp.delete("/avoid-list/<int:entry_id>")
@blp.response(204)
@require_roles("admin")
def remove_avoid(entry_id: int) -> None:
    """Take an entry off the list."""
    service.remove_avoid(get_session(), current_principal(), entry_id)


@blp.get("/vacancies/held")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(HeldVacancySchema, "HeldVacancyPage"))
@require_roles("admin")
def held_vacancies(args: dict[str, Any]) -> dict[str, Any]:
    """Vacancies held for review as possible lures, with what looked wrong."""
    items, next_cursor = service.list_held(get_session(), args["limit"], args["cursor"])
    return {"items": items, "next_cursor": next_cursor}


@blp.post("/vacancies/<int:vacancy_id>/review")
@blp.arguments(ReviewRequest)
@blp.response(200, HeldVacancySchema)
@require_roles("admin")
def review_vacancy(body: dict[str, Any], vacancy_id: int) -> Any:
    """Clear a held vacancy (it may be offered) or reject it (never offered)."""
    return service.review_vacancy(
        get_session(), current_principal(), vacancy_id, body["decision"], body["note"]
    )
