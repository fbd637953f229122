"""Seasons and surveys (NGO surveyors write, every role reads): the /seasons endpoints."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Flask, Response, request
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import current_principal, require_roles
from api.config import current_config
from api.errors import BadRequest, NotFound, Unprocessable
from api.extensions import smorest
from api.http.fields import UtcDateTime
from api.services import surveys as service
from api.services.surveys import SeasonCreate
from api.store.db import get_session
from api.store.models import ROLES, Season, SurveyJob, SurveyLivingCost
from api.store.pagination import PageArgs, page_schema, paginate
from api.store.seasons import current_season
from market_survey.diff import diff_csv
from market_survey.ingest import TABLES, read_csv_bytes, read_json_bytes, read_workbook

blp = Blueprint("surveys", __name__, url_prefix="/api/v1", description="Seasons and surveys")

WRITERS = ("surveyor", "admin")
XLSX_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
}


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


class Money(ma.fields.Float):
    """US$ per month, two decimals."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return super()._serialize(_money(value), attr, obj, **kwargs)


class SeasonSchema(ma.Schema):
    id = ma.fields.Integer()
    label = ma.fields.String()
    status = ma.fields.String()
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    khr_per_usd = ma.fields.Float()
    working_days_per_month = ma.fields.Float()
    minimum_wage_usd_month = Money()
    living_wage_usd_month = Money()
    created_at = UtcDateTime()
    published_at = UtcDateTime(allow_none=True)
    jobs_rows = ma.fields.Integer()
    living_cost_rows = ma.fields.Integer()


class CurrentSeasonSchema(SeasonSchema):
    age_days = ma.fields.Integer()
    stale = ma.fields.Boolean()
    stale_after_months = ma.fields.Integer()


class JobSchema(ma.Schema):
    id = ma.fields.Integer()
    town = ma.fields.String()
    occupation = ma.fields.String()
    employment = ma.fields.String()
    venue = ma.fields.String()
    pay_min_usd_month = Money()
    pay_max_usd_month = Money()
    openings = ma.fields.Integer()
    startup_cost_usd = Money(allow_none=True)
    source = ma.fields.String()


class LivingCostSchema(ma.Schema):
    id = ma.fields.Integer()
    town = ma.fields.String()
    food_usd_month = Money()
    room_usd_month = Money()
    other_usd_month = Money()


class UploadResult(ma.Schema):
    table = ma.fields.String()
    accepted = ma.fields.Integer()
    tables = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class DiffArgs(ma.Schema):
    against = ma.fields.Integer(required=True)
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(["json", "csv"]))


class DiffKey(ma.Schema):
    town = ma.fields.String()
    occupation = ma.fields.String()
    employment = ma.fields.String()
    venue = ma.fields.String()


class DiffEntry(DiffKey):
    pay_usd_month = ma.fields.Float()
    openings = ma.fields.Integer()


class BeforeAfterFloat(ma.Schema):
    before = ma.fields.Float()
    after = ma.fields.Float()


class BeforeAfterInt(ma.Schema):
    before = ma.fields.Integer()
    after = ma.fields.Integer()


class DiffChange(DiffKey):
    pay_usd_month = ma.fields.Nested(BeforeAfterFloat)
    openings = ma.fields.Nested(BeforeAfterInt)


class SeasonRef(ma.Schema):
    id = ma.fields.Integer()
    label = ma.fields.String()


class DiffSchema(ma.Schema):
    season = ma.fields.Nested(SeasonRef)
    against = ma.fields.Nested(SeasonRef)
    added = ma.fields.List(ma.fields.Nested(DiffEntry))
    removed = ma.fields.List(ma.fields.Nested(DiffEntry))
    changed = ma.fields.List(ma.fields.Nested(DiffChange))


class PublicationIn(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    allow_towns_without_living_costs = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "publish even though the season's jobs name towns it has no "
            "living costs for (otherwise 422 naming them)"
        },
    )


def _with_counts(session: Session, seasons: list[Season]) -> list[dict[str, Any]]:
    counts = service.row_counts(session, [s.id for s in seasons])
    return [{**_fields(s), **counts[s.id]} for s in seasons]


def _fields(season: Season) -> dict[str, Any]:
    return {c: getattr(season, c) for c in SeasonSchema().fields if hasattr(season, c)}


@blp.post("/seasons")
@blp.arguments(SeasonCreate)
@blp.response(201, SeasonSchema)
@require_roles(*WRITERS)
def create_season(data: dict[str, Any]) -> dict[str, Any]:
    """Open a draft season with its exchange rate, working days and wages."""
    session = get_session()
    season = service.create_season(session, current_principal(), data)
    return _with_counts(session, [season])[0]


@blp.get("/seasons")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(SeasonSchema, "SeasonPage"))
@require_roles(*ROLES)
def list_seasons(args: dict[str, Any]) -> dict[str, Any]:
    """Every season, drafts and published, with row counts."""
    session = get_session()
    items, next_cursor = paginate(session, select(Season), Season.id, args["limit"], args["cursor"])
    return {"items": _with_counts(session, list(items)), "next_cursor": next_cursor}


@blp.get("/seasons/current")
@blp.response(200, CurrentSeasonSchema)
@require_roles(*ROLES)
def get_current_season() -> dict[str, Any]:
    """The newest published season, its age in days, and whether it is stale."""
    session = get_session()
    season = current_season(session)
    if season is None:
        raise NotFound("No season has been published yet.")
    stale = service.staleness(season, current_config().season_stale_months)
    return {**_with_counts(session, [season])[0], **stale}


@blp.get("/seasons/<int:season_id>")
@blp.response(200, SeasonSchema)
@require_roles(*ROLES)
def get_season(season_id: int) -> dict[str, Any]:
    """One season with its row counts."""
    session = get_session()
    return _with_counts(session, [service.get_season(session, season_id)])[0]


@blp.delete("/seasons/<int:season_id>")
@blp.response(204)
@require_roles(*WRITERS)
def delete_season(season_id: int) -> None:
    """Delete a draft season (a published one is kept forever: 409)."""
    service.delete_season(get_session(), current_principal(), season_id)


@blp.post("/seasons/<int:season_id>/survey")
@blp.response(200, UploadResult)
@blp.doc(
    requestBody={
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "table": {"type": "string", "enum": list(TABLES)},
                    },
                    "required": ["file"],
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "table": {"type": "string", "enum": list(TABLES)},
                        "rows": {"type": "array", "items": {"type": "object"}},
                    },
                    "required": ["table", "rows"],
                }
            },
        }
    }
)
@require_roles(*WRITERS)
def upload_survey(season_id: int) -> dict[str, Any]:
    """Upload one table (CSV or JSON) or a workbook; all or nothing (422 lists every row)."""
    session = get_session()
    service.get_season(session, season_id)  # 404 before reading a big body
    tables = _read_upload()
    accepted = service.upload(session, current_principal(), season_id, tables)
    if len(accepted) == 1:
        ((table, n),) = accepted.items()
        return {"table": table, "accepted": n, "tables": accepted}
    return {"table": "workbook", "accepted": sum(accepted.values()), "tables": accepted}


def _read_upload() -> dict[str, Any]:
    """The raw tables of the request (413 when over the size limit, via werkzeug, or
    past a reading cap: rows, columns, unpacked size)."""
    limits = current_config().survey_limits
    if request.mimetype == "application/json":
        table, frame = read_json_bytes(request.get_data(cache=False), limits)
        return {table: frame}
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Unprocessable(
                "Send the survey as a multipart field named 'file'.",
                [{"field": "file", "message": "missing"}],
            )
        data = upload.read()
        name = (upload.filename or "").casefold()
        if name.endswith(".xlsx") or upload.mimetype in XLSX_TYPES - {"application/octet-stream"}:
            return read_workbook(data, limits=limits)
        table = (request.form.get("table") or "").strip()
        if table not in TABLES:
            raise Unprocessable(
                "Say which table the CSV file is: form field 'table' = jobs or living_costs.",
                [{"field": "table", "message": f"must be one of {', '.join(TABLES)}"}],
            )
        return {table: read_csv_bytes(data, "file", limits)}
    if request.mimetype in XLSX_TYPES:
        return read_workbook(request.get_data(cache=False), limits=limits)
    raise BadRequest(
        'Send multipart/form-data (a CSV or XLSX file), an XLSX body, or JSON {"table", "rows"}.',
        [{"field": "body", "message": f"unsupported content type {request.mimetype!r}"}],
        status=415,
    )


@blp.post("/seasons/<int:season_id>/publish")
@blp.arguments(PublicationIn)
@blp.response(200, SeasonSchema)
@require_roles(*WRITERS)
def publish_season(body: dict[str, Any], season_id: int) -> dict[str, Any]:
    """Publish a draft: it becomes read-only, and current if it is the newest.

    422 naming the towns when the season's jobs name towns with no living costs in it,
    unless ``allow_towns_without_living_costs`` is true.
    """
    session = get_session()
    season = service.publish(
        session,
        current_principal(),
        season_id,
        allow_towns_without_living_costs=body["allow_towns_without_living_costs"],
    )
    return _with_counts(session, [season])[0]


def _season_rows(
    model: type[SurveyJob] | type[SurveyLivingCost], season_id: int, args: dict[str, Any]
) -> dict[str, Any]:
    """One page of a season's stored rows of one table (404 for an unknown season)."""
    session = get_session()
    service.get_season(session, season_id)
    stmt = select(model).where(model.season_id == season_id)
    items, next_cursor = paginate(session, stmt, model.id, args["limit"], args["cursor"])
    return {"items": items, "next_cursor": next_cursor}


@blp.get("/seasons/<int:season_id>/jobs")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(JobSchema, "SurveyJobPage"))
@require_roles(*ROLES)
def season_jobs(args: dict[str, Any], season_id: int) -> dict[str, Any]:
    """The season's jobs rows, normalised to US$ per month."""
    return _season_rows(SurveyJob, season_id, args)


@blp.get("/seasons/<int:season_id>/living_costs")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(LivingCostSchema, "SurveyLivingCostPage"))
@require_roles(*ROLES)
def season_living_costs(args: dict[str, Any], season_id: int) -> dict[str, Any]:
    """The season's living costs per town, US$ per month."""
    return _season_rows(SurveyLivingCost, season_id, args)


@blp.get("/seasons/<int:season_id>/diff")
@blp.arguments(DiffArgs, location="query")
@blp.response(200, DiffSchema)
@blp.doc(
    responses={
        "200": {
            "description": "The diff; with ?format=csv a formula-safe CSV download",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Diff"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }
)
@require_roles(*ROLES)
def season_diff(args: dict[str, Any], season_id: int) -> Any:
    """Keys added, removed and changed (mean pay, openings) against another season."""
    result = service.diff(get_session(), season_id, args["against"])
    if args["format"] == "csv":
        name = f"season-{result['season']['label']}-vs-{result['against']['label']}.csv"
        safe_name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
        return Response(
            diff_csv(result),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
        )
    return result


def register(app: Flask) -> None:
    """Register the blueprint and give /health its current season."""
    smorest.register_blueprint(blp)

    def summary(session: Session) -> dict[str, Any] | None:
        return service.current_season_summary(session, current_config().season_stale_months)

    app.extensions["pathways.current_season"] = summary


__all__ = ["blp", "register"]
