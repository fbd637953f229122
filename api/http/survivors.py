"""The counsellors' API: survivor records (and their recommendations).

Every response of this blueprint may carry survivor data, so every one, errors
included, is sent with ``Cache-Control: no-store``. Only ids go into URLs.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, current_app
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.config import current_config
from api.http.caching import no_store
from api.http.fields import UtcDateTime, WholeMatch
from api.services import recommendations
from api.services import survivors as service
from api.store import jsonio
from api.store.db import get_session
from api.store.models.people import GENDER_CHOICES
from api.store.pagination import PageArgs, page_schema
from matcher.types import RELOCATION_CHOICES
from training_catalog.types import LITERACY_LEVELS

blp = Blueprint(
    "counsellors",
    __name__,
    url_prefix="/api/v1",
    description="Survivor records and recommendations (counsellors of the survivor's NGO)",
)


blp.after_request(no_store)


CODE = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
CODES = ma.validate.Length(max=50)


def _case_code(*, required: bool) -> ma.fields.String:
    return ma.fields.String(
        required=required,
        validate=[
            ma.validate.Length(min=1, max=40),
            WholeMatch(service.CASE_CODE, error=service.CASE_CODE_MESSAGE),
        ],
        metadata={"description": "The NGO's pseudonym for the survivor, e.g. SRS-2026-001"},
    )


class SurvivorFields(ma.Schema):
    """The fields a counsellor writes. Values are checked against the reference data."""

    case_code = _case_code(required=False)
    birth_year = ma.fields.Integer(strict=True)
    gender = ma.fields.String(
        allow_none=True,
        validate=ma.validate.OneOf(GENDER_CHOICES),
        metadata={"description": "Stored for reporting; never used in scoring"},
    )
    home_province = ma.fields.String(
        validate=ma.validate.Length(max=8), metadata={"description": "e.g. KH-20"}
    )
    literacy = ma.fields.String(metadata={"enum": list(LITERACY_LEVELS)})
    education_grade = ma.fields.Integer(strict=True, metadata={"minimum": 0, "maximum": 12})
    aptitudes = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(max=24)),
        values=ma.fields.Integer(strict=True),
        metadata={"description": "skill family -> 0..5"},
    )
    preferences = ma.fields.List(
        CODE,
        validate=CODES,
        metadata={"description": "Track or occupation codes, most wanted first"},
    )
    relocation = ma.fields.String(metadata={"enum": list(RELOCATION_CHOICES)})
    willing_towns = ma.fields.List(CODE, validate=CODES)
    avoid_towns = ma.fields.List(CODE, validate=CODES)
    needs_accommodation = ma.fields.Boolean()
    self_employment_interest = ma.fields.Boolean()
    completed_tracks = ma.fields.List(CODE, validate=CODES)
    consent_share_with_employers = ma.fields.Boolean()
    notes = ma.fields.String(
        validate=ma.validate.Length(max=10_000),
        metadata={"description": "Case notes: never leave the NGO, never seen by the engine"},
    )

    @ma.validates_schema(skip_on_field_errors=False)
    def _reference_values(self, data: dict[str, Any], **_kwargs: Any) -> None:
        # Checked here as well as in the service so that one answer lists every problem,
        # type errors and unknown codes alike.
        problems = service.survivor_problems(get_session(), data)
        if problems:
            messages: dict[str, list[str]] = {}
            for problem in problems:
                messages.setdefault(problem["field"], []).append(problem["message"])
            raise ma.ValidationError(messages)


class SurvivorCreate(SurvivorFields):
    case_code = _case_code(required=True)
    birth_year = ma.fields.Integer(strict=True, required=True)
    home_province = ma.fields.String(
        required=True, validate=ma.validate.Length(max=8), metadata={"description": "e.g. KH-20"}
    )
    literacy = ma.fields.String(required=True, metadata={"enum": list(LITERACY_LEVELS)})


class SurvivorSchema(SurvivorFields):
    id = ma.fields.Integer(dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)


SurvivorPage = page_schema(SurvivorSchema, "SurvivorPage")


@blp.post("/survivors")
@blp.arguments(SurvivorCreate)
@blp.response(201, SurvivorSchema)
@require_roles("counsellor")
def create_survivor(body: dict[str, Any]) -> Any:
    """Record a survivor of your NGO (pseudonymous: a case code, never a name)."""
    return service.create_survivor(get_session(), current_principal(), body)


@blp.get("/survivors")
@blp.arguments(PageArgs, location="query")
@blp.response(200, SurvivorPage)
@require_roles("counsellor", "admin")
def list_survivors(args: dict[str, Any]) -> dict[str, Any]:
    """Your NGO's survivors, oldest first (admins: every NGO's; each read is audited)."""
    items, next_cursor = service.list_survivors(
        get_session(), current_principal(), args["limit"], args["cursor"]
    )
    return {"items": items, "next_cursor": next_cursor}


@blp.get("/survivors/<int:survivor_id>")
@blp.response(200, SurvivorSchema)
@require_roles("counsellor", "admin")
def get_survivor(survivor_id: int) -> Any:
    """One survivor of your NGO (admins: any; audited)."""
    return service.read_survivor(get_session(), current_principal(), survivor_id)


@blp.patch("/survivors/<int:survivor_id>")
@blp.arguments(SurvivorFields(partial=True))
@blp.response(200, SurvivorSchema)
@require_roles("counsellor")
def update_survivor(changes: dict[str, Any], survivor_id: int) -> Any:
    """Change some fields of a survivor of your NGO."""
    return service.update_survivor(get_session(), current_principal(), survivor_id, changes)


# --- Recommendations (API.md "Recommendations") ---------------------------------------


class RecommendationRequest(ma.Schema):
    limit = ma.fields.Integer(
        load_default=10, validate=ma.validate.Range(min=1, max=100), strict=True
    )
    season_id = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        metadata={"description": "A published season (default: the current one)"},
    )
    include_excluded = ma.fields.Boolean(load_default=False)


class PathwayTrackSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    town = ma.fields.String(metadata={"description": "The training town's code"})
    duration_months = ma.fields.Integer()
    seats_available = ma.fields.Integer()


class PathwayOccupationSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class PathwayTownSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    tourist_hub = ma.fields.Boolean()


class PathwayEmployerSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class PathwayStartUpSchema(ma.Schema):
    cost_usd = ma.fields.Float(allow_none=True)
    ngo_support_usd = ma.fields.Float()
    loan_usd = ma.fields.Float()
    loan_interest_month = ma.fields.Float()
    loan_months = ma.fields.Integer(allow_none=True)


class RecommendationItemSchema(ma.Schema):
    rank = ma.fields.Integer()
    pathway = ma.fields.String(metadata={"enum": ["employment", "self_employment"]})
    track = ma.fields.Nested(PathwayTrackSchema, allow_none=True)
    occupation = ma.fields.Nested(PathwayOccupationSchema)
    town = ma.fields.Nested(PathwayTownSchema)
    employer = ma.fields.Nested(PathwayEmployerSchema, allow_none=True)
    vacancy_id = ma.fields.Integer(allow_none=True)
    warnings = ma.fields.List(ma.fields.String())
    gross_income_usd_month = ma.fields.Float()
    living_costs_usd_month = ma.fields.Float()
    net_income_usd_month = ma.fields.Float()
    living_wage_usd_month = ma.fields.Float()
    meets_living_wage = ma.fields.Boolean()
    score = ma.fields.Float(metadata={"minimum": 0, "maximum": 1})
    components = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    reasons = ma.fields.List(ma.fields.String())
    venue = ma.fields.String(allow_none=True, metadata={"description": "Own business only"})
    startup = ma.fields.Nested(PathwayStartUpSchema, allow_none=True)


class ExcludedItemSchema(ma.Schema):
    track = ma.fields.Nested(PathwayTrackSchema, allow_none=True)
    occupation = ma.fields.Nested(PathwayOccupationSchema)
    town = ma.fields.Nested(PathwayTownSchema)
    employer = ma.fields.Nested(PathwayEmployerSchema, allow_none=True)
    vacancy_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String()
    rule = ma.fields.String()
    score = ma.fields.Float()


class RecommendationSeasonSchema(ma.Schema):
    id = ma.fields.Integer()
    label = ma.fields.String()


class RecommendationSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "Fetch it again at .../recommendations/{id}"})
    survivor_id = ma.fields.Integer()
    season = ma.fields.Nested(RecommendationSeasonSchema)
    generated_at = ma.fields.String(metadata={"format": "date-time"})
    model_version = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(RecommendationItemSchema))
    excluded = ma.fields.List(ma.fields.Nested(ExcludedItemSchema))
    candidates = ma.fields.Integer(metadata={"description": "Pathways built for the survivor"})
    allowed = ma.fields.Integer(metadata={"description": "Of those, allowed by the hard rules"})


def _json(body: dict[str, Any], status: int) -> Response:
    # The body is built from the engine's typed results in exactly this schema's shape
    # (tests/api/test_recommendations.py dumps it through the schema to prove it), so
    # it is sent as is: re-dumping its ~500 values field by field cost as much as the
    # engine's own scoring (benchmarks/README.md).
    return current_app.response_class(
        jsonio.dumps(body), status=status, mimetype="application/json"
    )


@blp.post("/survivors/<int:survivor_id>/recommendations")
@blp.arguments(RecommendationRequest)
@blp.response(201, RecommendationSchema)
@require_roles("counsellor")
def create_recommendation(body: dict[str, Any], survivor_id: int) -> Response:
    """Recommend pathways for a survivor of your NGO, with reasons; stored for later."""
    made = recommendations.recommend(
        get_session(),
        current_principal(),
        current_config(),
        survivor_id,
        limit=body["limit"],
        season_id=body["season_id"],
        include_excluded=body["include_excluded"],
    )
    return _json(made, 201)


class RecommendationSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    season = ma.fields.Nested(RecommendationSeasonSchema)
    model_version = ma.fields.String()
    generated_at = ma.fields.String(metadata={"format": "date-time"})
    items = ma.fields.Integer(metadata={"description": "How many pathways it recommended"})


@blp.get("/survivors/<int:survivor_id>/recommendations")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(RecommendationSummarySchema, "RecommendationPage"))
@require_roles("counsellor", "admin")
def list_recommendations(args: dict[str, Any], survivor_id: int) -> dict[str, Any]:
    """The recommendations made for a survivor of your NGO, oldest first (admins: audited)."""
    items, next_cursor = recommendations.list_recommendations(
        get_session(), current_principal(), survivor_id, args["limit"], args["cursor"]
    )
    return {"items": items, "next_cursor": next_cursor}


@blp.get("/survivors/<int:survivor_id>/recommendations/<int:rec_id>")
@blp.response(200, RecommendationSchema)
@require_roles("counsellor", "admin")
def get_recommendation(survivor_id: int, rec_id: int) -> Response:
    """A recommendation made earlier, exactly as it was made (admins: audited)."""
    stored = recommendations.read_recommendation(
        get_session(), current_principal(), survivor_id, rec_id
    )
    return _json(stored, 200)
