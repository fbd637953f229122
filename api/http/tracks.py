"""Training tracks: everyone reads; the provider NGO's surveyors and admins write."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.http.fields import Text
from api.services import catalog as service
from api.store.db import get_session
from api.store.models import ROLES
from api.store.pagination import PageArgs, page_schema
from training_catalog import LITERACY_LEVELS, SKILL_FAMILIES

blp = Blueprint("catalog", __name__, url_prefix="/api/v1", description="Training catalog")

TRACK_CODE = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _default(required: bool, value: Any) -> dict[str, Any]:
    """A load default only when creating: a change leaves absent fields alone."""
    return {"load_default": value} if required else {}


def _track_fields(required: bool) -> dict[str, ma.fields.Field[Any]]:
    """The writable fields of a track; all required to create, none to change."""
    need: dict[str, Any] = {"required": True} if required else {}
    return {
        "name": Text(validate=ma.validate.Length(min=1, max=200), **need),
        "provider": Text(
            validate=ma.validate.Length(min=1, max=200),
            metadata={"description": "The provider NGO's name (a surveyor's own by default)"},
        ),
        "town": Text(validate=ma.validate.Length(min=1, max=8), **need),
        "skill_family": Text(validate=ma.validate.OneOf(SKILL_FAMILIES), **need),
        "occupations": ma.fields.List(
            Text(validate=ma.validate.Length(min=1, max=4)),
            validate=ma.validate.Length(max=20),
            **_default(required, list),
        ),
        "duration_months": ma.fields.Integer(
            strict=True, validate=ma.validate.Range(min=1, max=120), **need
        ),
        "seats": ma.fields.Integer(
            strict=True, validate=ma.validate.Range(min=1, max=10_000), **need
        ),
        "next_start": ma.fields.Date(**need),
        "cost_usd": ma.fields.Float(validate=ma.validate.Range(min=0, max=10_000_000), **need),
        "min_age": ma.fields.Integer(
            strict=True, validate=ma.validate.Range(min=0, max=99), **need
        ),
        "min_literacy": Text(validate=ma.validate.OneOf(LITERACY_LEVELS), **need),
    }


TrackCreate = ma.Schema.from_dict(
    {
        "code": Text(
            required=True,
            validate=[
                ma.validate.Length(min=3, max=64),
                ma.validate.Regexp(TRACK_CODE, error="lower-case words joined by '-'"),
            ],
        ),
        **_track_fields(required=True),
    },
    name="TrackCreate",
)
TrackPatch = ma.Schema.from_dict(_track_fields(required=False), name="TrackPatch")


class TrackSchema(ma.Schema):
    code = Text()
    name = Text()
    provider = Text()
    town = Text()
    skill_family = Text()
    occupations = ma.fields.List(Text())
    duration_months = ma.fields.Integer()
    duration_class = Text(metadata={"description": "short (< 12), mid, long (> 24)"})
    seats = ma.fields.Integer()
    seats_available = ma.fields.Integer(
        metadata={"description": "seats minus those reserved for the next start"}
    )
    next_start = ma.fields.Date(allow_none=True)
    cost_usd = ma.fields.Float()
    min_age = ma.fields.Integer()
    min_literacy = Text()
    employer_commitments = ma.fields.List(
        ma.fields.Integer(), metadata={"description": "ids of vacancies that hire its graduates"}
    )


class TrackQuery(PageArgs):
    town = Text(load_default=None)
    skill_family = Text(load_default=None)


@blp.get("/tracks")
@blp.arguments(TrackQuery, location="query")
@blp.response(200, page_schema(TrackSchema, "TrackPage"))
@require_roles(*ROLES)
def list_tracks(args: dict[str, Any]) -> dict[str, Any]:
    """Training tracks, with the seats left in their next intake."""
    return service.list_tracks(
        get_session(), args["limit"], args["cursor"], args["town"], args["skill_family"]
    )


@blp.get("/tracks/<string:code>")
@blp.response(200, TrackSchema)
@require_roles(*ROLES)
def get_track(code: str) -> dict[str, Any]:
    """One training track."""
    return service.get_track(get_session(), code)


@blp.post("/tracks")
@blp.arguments(TrackCreate)
@blp.response(201, TrackSchema)
@require_roles("surveyor", "admin")
def create_track(body: dict[str, Any]) -> dict[str, Any]:
    """Add a track of your NGO (an admin names the provider)."""
    return service.create_track(get_session(), current_principal(), body)


@blp.patch("/tracks/<string:code>")
@blp.arguments(TrackPatch)
@blp.response(200, TrackSchema)
@require_roles("surveyor", "admin")
def update_track(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Change a track of your NGO."""
    return service.update_track(get_session(), current_principal(), code, body)
