"""Placements, their follow-ups, the follow-ups due, and closing a case (counsellors)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.config import current_config
from api.errors import BadRequest
from api.http.caching import no_store
from api.http.fields import Text, UtcDateTime
from api.http.problems import problems
from api.services import follow_ups, placements
from api.store.db import get_session
from api.store.models.casework import CLOSURE_REASONS, END_REASONS, PLACEMENT_KINDS
from api.store.pagination import page_schema
from casework import LEFT_REASONS
from market_survey.money import CURRENCIES, PAY_UNITS

blp = Blueprint(
    "placements",
    __name__,
    url_prefix="/api/v1",
    description="Placements, follow-ups and closure of a survivor's case",
)
blp.after_request(no_store)

MONEY = ma.validate.Range(min=0, max=1_000_000)


def _id(description: str, *, required: bool = False) -> ma.fields.Integer:
    return ma.fields.Integer(
        required=required,
        strict=True,
        validate=ma.validate.Range(min=1),
        metadata={"description": description},
    )


class SelfEmploymentIn(ma.Schema):
    occupation = Text(required=True, validate=ma.validate.Length(min=1, max=4))
    town = Text(required=True, validate=ma.validate.Length(min=1, max=8))
    startup_cost_usd = ma.fields.Float(load_default=0.0, validate=MONEY)
    support_usd = ma.fields.Float(
        load_default=0.0, validate=MONEY, metadata={"description": "The NGO's start-up support"}
    )
    loan_usd = ma.fields.Float(load_default=0.0, validate=MONEY)
    loan_interest_month = ma.fields.Float(
        load_default=0.0,
        validate=ma.validate.Range(min=0, max=1),
        metadata={"description": "e.g. 0.1 for 10% a month (village credit: 10-15%)"},
    )
    loan_months = ma.fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=ma.validate.Range(min=1, max=240)
    )


class PlacementIn(ma.Schema):
    survivor_id = _id("A survivor of your NGO", required=True)
    kind = Text(required=True, validate=ma.validate.OneOf(PLACEMENT_KINDS))
    started_on = ma.fields.Date(required=True)
    track_code = Text(
        validate=ma.validate.Length(min=1, max=64), metadata={"description": "training"}
    )
    referral_id = _id("job: the accepted offer the survivor chose")
    vacancy_id = _id("job: a vacancy, directly")
    occupation = Text(
        validate=ma.validate.Length(min=1, max=4),
        metadata={"description": "job found by the survivor (no vacancy)"},
    )
    town = Text(validate=ma.validate.Length(min=1, max=8))
    employer_name = Text(validate=ma.validate.Length(min=1, max=200))
    self_employment = ma.fields.Nested(SelfEmploymentIn)

    @ma.validates_schema
    def _kind_fields(self, data: dict[str, Any], **_kwargs: Any) -> None:
        job = ("referral_id", "vacancy_id", "occupation", "town", "employer_name")
        allowed = (
            {
                "training": ("track_code",),
                "job": job,
                "self_employment": ("self_employment",),
            }[data["kind"]]
            if data.get("kind") in PLACEMENT_KINDS
            else ()
        )
        wrong = {
            name: [f"is not for a {data['kind']} placement"]
            for name in ("track_code", *job, "self_employment")
            if name in data and name not in allowed
        }
        if wrong:
            raise ma.ValidationError(wrong)


class SelfEmploymentSchema(ma.Schema):
    occupation = ma.fields.String()
    town = ma.fields.String()
    startup_cost_usd = ma.fields.Float()
    support_usd = ma.fields.Float()
    loan_usd = ma.fields.Float()
    loan_interest_month = ma.fields.Float()
    loan_months = ma.fields.Integer(allow_none=True)


def _business(placement: Any) -> Any:
    if placement.kind != "self_employment":
        return None
    return SelfEmploymentSchema().dump(placement)


class PlacementSchema(ma.Schema):
    id = ma.fields.Integer()
    survivor_id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"enum": list(PLACEMENT_KINDS)})
    started_on = ma.fields.Date()
    ended_on = ma.fields.Date(allow_none=True)
    end_reason = ma.fields.String(allow_none=True)
    track_code = ma.fields.Function(
        lambda p: p.track.code if p.track else None,
        metadata={"type": "string", "nullable": True, "description": "training: the track"},
    )
    allocation_id = ma.fields.Integer(allow_none=True)
    referral_id = ma.fields.Integer(allow_none=True)
    vacancy_id = ma.fields.Integer(allow_none=True)
    employer_id = ma.fields.Integer(allow_none=True)
    employer_name = ma.fields.String()
    occupation = ma.fields.String(allow_none=True)
    town = ma.fields.String(allow_none=True)
    self_employment = ma.fields.Function(
        _business,
        metadata={
            "type": "object",
            "nullable": True,
            "description": "self_employment: the business, its costs, support and loan",
            "properties": {
                "occupation": {"type": "string"},
                "town": {"type": "string"},
                "startup_cost_usd": {"type": "number"},
                "support_usd": {"type": "number"},
                "loan_usd": {"type": "number"},
                "loan_interest_month": {"type": "number"},
                "loan_months": {"type": "integer", "nullable": True},
            },
        },
    )
    follow_ups_due = ma.fields.Function(
        lambda p: [
            d.isoformat()
            for d in placements.follow_ups_due_on(p, current_config().follow_up_months)
        ],
        metadata={
            "type": "array",
            "items": {"type": "string", "format": "date"},
            "description": "Dates of the follow-ups (job or business)",
        },
    )
    created_at = UtcDateTime()


class EndIn(ma.Schema):
    ended_on = ma.fields.Date(required=True)
    reason = Text(required=True, validate=ma.validate.OneOf(END_REASONS))
    note = Text(load_default="", validate=ma.validate.Length(max=2000))


class FollowUpIn(ma.Schema):
    date = ma.fields.Date(required=True)
    employed = ma.fields.Boolean(required=True)
    same_employer = ma.fields.Boolean(load_default=None, allow_none=True)
    monthly_income = ma.fields.Float(
        load_default=0.0, validate=ma.validate.Range(min=0, max=1_000_000_000)
    )
    income_unit = Text(load_default="month", validate=ma.validate.OneOf(PAY_UNITS))
    currency = Text(load_default="USD", validate=ma.validate.OneOf(CURRENCIES))
    left_reason = Text(load_default=None, allow_none=True, validate=ma.validate.OneOf(LEFT_REASONS))
    safety_concern = ma.fields.Boolean(load_default=False)
    notes = Text(load_default="", validate=ma.validate.Length(max=10_000))
    month = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        metadata={"description": "The scheduled follow-up this is (default: the next due)"},
    )


class FollowUpSchema(ma.Schema):
    id = ma.fields.Integer()
    placement_id = ma.fields.Integer()
    month = ma.fields.Integer(allow_none=True)
    date = ma.fields.Date()
    employed = ma.fields.Boolean()
    same_employer = ma.fields.Boolean(allow_none=True)
    monthly_income = ma.fields.Float()
    income_unit = ma.fields.String()
    currency = ma.fields.String()
    monthly_income_usd = ma.fields.Float()
    living_wage_usd_month = ma.fields.Float(allow_none=True)
    gap_usd_month = ma.fields.Float(allow_none=True)
    flags = ma.fields.List(ma.fields.String(metadata={"enum": ["urgent", "needs_support"]}))
    left_reason = ma.fields.String(allow_none=True)
    safety_concern = ma.fields.Boolean()
    notes = ma.fields.String()
    recorded_at = UtcDateTime()


class DueArgs(ma.Schema):
    within_days = ma.fields.Integer(load_default=14, validate=ma.validate.Range(min=0, max=366))


class DueSchema(ma.Schema):
    placement_id = ma.fields.Integer()
    survivor_id = ma.fields.Integer()
    due_on = ma.fields.Date()
    month = ma.fields.Integer()
    overdue = ma.fields.Boolean()
    flags = ma.fields.List(ma.fields.String())
    gap_usd_month = ma.fields.Float(allow_none=True)


DuePage = page_schema(DueSchema, "FollowUpDuePage")


class ClosureIn(ma.Schema):
    reason = Text(required=True, validate=ma.validate.OneOf(CLOSURE_REASONS))
    note = Text(load_default="", validate=ma.validate.Length(max=2000))


class ClosureSchema(ma.Schema):
    id = ma.fields.Integer()
    survivor_id = ma.fields.Integer()
    reason = ma.fields.String()
    note = ma.fields.String()
    closed_by = ma.fields.Integer(allow_none=True)
    closed_at = UtcDateTime()


@blp.post("/placements")
@blp.arguments(PlacementIn)
@blp.response(201, PlacementSchema)
@problems(blp, 404, 409)
@require_roles("counsellor")
def create_placement(body: dict[str, Any]) -> Any:
    """Record a training, a job (the survivor's choice of offer) or an own business."""
    return placements.create_placement(get_session(), current_principal(), body)


@blp.get("/placements/<int:placement_id>")
@blp.response(200, PlacementSchema)
@problems(blp, 404)
@require_roles("counsellor", "admin")
def get_placement(placement_id: int) -> Any:
    """One placement of your NGO."""
    return placements.read_placement(get_session(), current_principal(), placement_id)


@blp.get("/survivors/<int:survivor_id>/placements")
@blp.response(200, page_schema(PlacementSchema, "PlacementList"))
@problems(blp, 404)
@require_roles("counsellor", "admin")
def list_placements(survivor_id: int) -> dict[str, Any]:
    """A survivor's placements, oldest first."""
    return {
        "items": placements.list_placements(get_session(), current_principal(), survivor_id),
        "next_cursor": None,
    }


@blp.post("/placements/<int:placement_id>/end")
@blp.arguments(EndIn)
@blp.response(200, PlacementSchema)
@problems(blp, 404, 409)
@require_roles("counsellor")
def end_placement(body: dict[str, Any], placement_id: int) -> Any:
    """Record that a placement ended, and why."""
    return placements.end_placement(get_session(), current_principal(), placement_id, body)


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise BadRequest(
            "Idempotency-Key must be 1 to 200 printable characters.",
            [{"field": "Idempotency-Key", "message": "not a usable key"}],
        )
    return key


@blp.post("/placements/<int:placement_id>/follow-ups")
@blp.arguments(FollowUpIn)
@blp.response(201, FollowUpSchema)
@blp.doc(
    parameters=[
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string"},
            "description": "A repeat with the same key returns the first answer",
        }
    ]
)
@problems(blp, 404, 409)
@require_roles("counsellor")
def record_follow_up(body: dict[str, Any], placement_id: int) -> Any:
    """Record a follow-up of a job or a business; flags a low income or a safety concern."""
    return follow_ups.record_follow_up(
        get_session(), current_principal(), current_config(), placement_id, body, _idempotency_key()
    )


@blp.get("/placements/<int:placement_id>/follow-ups")
@blp.response(200, page_schema(FollowUpSchema, "FollowUpList"))
@problems(blp, 404)
@require_roles("counsellor", "admin")
def list_follow_ups(placement_id: int) -> dict[str, Any]:
    """A placement's follow-ups, oldest first."""
    return {
        "items": follow_ups.list_follow_ups(get_session(), current_principal(), placement_id),
        "next_cursor": None,
    }


@blp.get("/follow-ups/due")
@blp.arguments(DueArgs, location="query")
@blp.response(200, DuePage)
@problems(blp, 422)
@require_roles("counsellor", "admin")
def due(args: dict[str, Any]) -> dict[str, Any]:
    """Your NGO's follow-ups due soon or overdue: urgent first, then overdue, then by date."""
    return {
        "items": follow_ups.due_for(
            get_session(), current_principal(), current_config(), args["within_days"]
        ),
        "next_cursor": None,
    }


@blp.post("/survivors/<int:survivor_id>/closure")
@blp.arguments(ClosureIn)
@blp.response(201, ClosureSchema)
@problems(blp, 404, 409)
@require_roles("counsellor")
def close_case(body: dict[str, Any], survivor_id: int) -> Any:
    """Close a survivor's case ("reintegrated" needs 12 months of livable income)."""
    return placements.close_case(get_session(), current_principal(), survivor_id, body)
