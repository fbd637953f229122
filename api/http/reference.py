"""Reference data (provinces, towns, occupations, skill families) and /health."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select, text

from api.auth import require_roles
from api.store.db import get_session
from api.store.models import ROLES, Occupation, Province, SkillFamily, Town
from api.store.pagination import PageArgs, page_schema, paginate

blp = Blueprint("reference", __name__, url_prefix="/api/v1", description="Reference data")


class ProvinceSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    name_km = ma.fields.String()


class TownSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    name_km = ma.fields.String()
    province = ma.fields.String()
    tourist_hub = ma.fields.Boolean()
    casino_town = ma.fields.Boolean()


class OccupationSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    name_km = ma.fields.String()
    skill_family = ma.fields.String()
    hazardous = ma.fields.Boolean()
    night_work = ma.fields.Boolean()
    exploitation_risk = ma.fields.Boolean()
    on_the_job = ma.fields.Boolean()
    light_work = ma.fields.Boolean()


class SkillFamilySchema(ma.Schema):
    name = ma.fields.String()
    name_en = ma.fields.String()
    name_km = ma.fields.String()


class HealthSchema(ma.Schema):
    status = ma.fields.String()
    database = ma.fields.String()
    current_season = ma.fields.Dict(allow_none=True)


def _page(model: Any, key: Any, args: dict[str, Any]) -> dict[str, Any]:
    items, next_cursor = paginate(get_session(), select(model), key, args["limit"], args["cursor"])
    return {"items": items, "next_cursor": next_cursor}


@blp.get("/provinces")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ProvinceSchema, "ProvincePage"))
@require_roles(*ROLES)
def provinces(args: dict[str, Any]) -> dict[str, Any]:
    """All 25 provinces (ISO 3166-2:KH) with English and Khmer names."""
    return _page(Province, Province.code, args)


@blp.get("/towns")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(TownSchema, "TownPage"))
@require_roles(*ROLES)
def towns(args: dict[str, Any]) -> dict[str, Any]:
    """Towns where people train and work."""
    return _page(Town, Town.code, args)


@blp.get("/occupations")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(OccupationSchema, "OccupationPage"))
@require_roles(*ROLES)
def occupations(args: dict[str, Any]) -> dict[str, Any]:
    """Occupations (ISCO-08 unit groups) with the flags the safeguards use."""
    return _page(Occupation, Occupation.code, args)


@blp.get("/skill-families")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(SkillFamilySchema, "SkillFamilyPage"))
@require_roles(*ROLES)
def skill_families(args: dict[str, Any]) -> dict[str, Any]:
    """The 13 skill families aptitudes are assessed in."""
    return _page(SkillFamily, SkillFamily.name, args)


@blp.get("/health")
@blp.response(200, HealthSchema)
@blp.doc(security=[])
def health() -> dict[str, Any]:
    """Liveness and the database in use (no token needed)."""
    session = get_session()
    session.execute(text("SELECT 1"))
    return {
        "status": "ok",
        "database": session.get_bind().dialect.name,
        "current_season": current_season_summary(),
    }


def current_season_summary() -> dict[str, Any] | None:
    """The current season's id, label and age; filled in by the survey area."""
    hook = current_app.extensions.get("pathways.current_season")
    return hook(get_session()) if hook else None
