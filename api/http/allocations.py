"""Cohort allocation of training seats (counsellors of the cohort's NGO, admins).

``POST /allocations`` stores a proposal and reserves nothing; ``POST
/allocations/{id}/confirm`` reserves its seats in one transaction. Responses carry
survivor ids and explanations, so they are never cached.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.config import current_config
from api.extensions import stored_writes
from api.http.caching import no_store
from api.services import allocations as service
from api.store.db import get_session

blp = Blueprint(
    "allocations",
    __name__,
    url_prefix="/api/v1",
    description="Allocate a cohort to scarce training seats, then confirm (reserve) them",
)

MAX_COHORT = 5000  # larger cohorts: `pathways allocate` on the command line


blp.after_request(no_store)


class AllocationRequest(ma.Schema):
    survivor_ids = ma.fields.List(
        ma.fields.Integer(strict=True),
        required=True,
        validate=ma.validate.Length(max=MAX_COHORT),
        metadata={"description": "The cohort, in order of arrival (the status quo's order)"},
    )
    track_codes = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=64)),
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=2000),
        metadata={"description": "Default: every track with seats available"},
    )


class ConfirmRequest(ma.Schema):
    """No fields: ``{}``."""


class AssignmentSchema(ma.Schema):
    survivor_id = ma.fields.Integer()
    track_code = ma.fields.String(allow_none=True, metadata={"description": "null: no seat"})
    score = ma.fields.Float(allow_none=True, metadata={"description": "As recommendations show"})
    preference_rank = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "Position of the survivor's wish the track meets (1 = first)"},
    )
    explanation = ma.fields.String()


class StatsSchema(ma.Schema):
    assigned = ma.fields.Integer()
    unassigned = ma.fields.Integer()
    first_choice = ma.fields.Integer()
    top_two = ma.fields.Integer()


class StatusQuoSchema(StatsSchema):
    total_score = ma.fields.Float()


class AllocationTrackSchema(ma.Schema):
    code = ma.fields.String()
    next_start = ma.fields.String(allow_none=True, metadata={"format": "date"})
    seats_available = ma.fields.Integer(metadata={"description": "When the proposal was made"})
    assigned = ma.fields.Integer()


class CohortFiguresSchema(ma.Schema):
    survivors = ma.fields.Integer()
    assigned = ma.fields.Integer()
    first_choice = ma.fields.Integer()
    top_two = ma.fields.Integer()
    top_two_good = ma.fields.Integer(
        metadata={"description": "On a first or second wish they are good at (aptitude >= 3)"}
    )
    talent_fit = ma.fields.Integer(metadata={"description": "On a track they are good at"})
    livable = ma.fields.Integer(
        metadata={"description": "On a track whose best pathway meets the living wage"}
    )
    median_net_income_usd_month = ma.fields.Float(
        allow_none=True,
        metadata={
            "description": "Of the best pathway through each seat given; null for seats_allow"
        },
    )


class FiguresSchema(ma.Schema):
    pathways = ma.fields.Nested(CohortFiguresSchema, metadata={"description": "This proposal"})
    status_quo = ma.fields.Nested(CohortFiguresSchema, metadata={"description": "Arrival order"})
    seats_allow = ma.fields.Nested(
        CohortFiguresSchema,
        metadata={"description": "Each figure's maximum within the seats (maximum b-matchings)"},
    )


class AllocationSeasonSchema(ma.Schema):
    id = ma.fields.Integer()
    label = ma.fields.String()


class AllocationSchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": ["proposed", "confirmed"]})
    created_at = ma.fields.String(metadata={"format": "date-time"})
    confirmed_at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    season = ma.fields.Nested(AllocationSeasonSchema)
    objective = ma.fields.String(
        metadata={
            "enum": ["total_score", "expected_lasting_placements"],
            "description": "With an outcome model: the sum of the pairs' retention",
        }
    )
    model_version = ma.fields.String()
    notes = ma.fields.List(ma.fields.String())
    assignments = ma.fields.List(ma.fields.Nested(AssignmentSchema))
    total_score = ma.fields.Float()
    stats = ma.fields.Nested(StatsSchema)
    status_quo = ma.fields.Nested(
        StatusQuoSchema,
        metadata={"description": "Seats filled in arrival order, each taking their best wish"},
    )
    tracks = ma.fields.List(ma.fields.Nested(AllocationTrackSchema))
    figures = ma.fields.Nested(FiguresSchema)


@blp.post("/allocations")
@stored_writes
@blp.arguments(AllocationRequest)
@blp.response(201, AllocationSchema)
@require_roles("counsellor", "admin")
def create_allocation(body: dict[str, Any]) -> Any:
    """Propose the best allocation of a cohort to the tracks' free seats (reserves nothing)."""
    return service.propose(
        get_session(),
        current_principal(),
        current_config(),
        body["survivor_ids"],
        body["track_codes"],
    )


@blp.get("/allocations/<int:allocation_id>")
@blp.response(200, AllocationSchema)
@require_roles("counsellor", "admin")
def get_allocation(allocation_id: int) -> Any:
    """An allocation proposed earlier, as it was proposed, with its status."""
    return service.read_allocation(get_session(), current_principal(), allocation_id)


@blp.post("/allocations/<int:allocation_id>/confirm")
@blp.arguments(ConfirmRequest)
@blp.response(200, AllocationSchema)
@require_roles("counsellor", "admin")
def confirm_allocation(_body: dict[str, Any], allocation_id: int) -> Any:
    """Reserve the proposal's seats, all or none (409 if seats were taken meanwhile)."""
    return service.confirm(get_session(), current_principal(), allocation_id)
