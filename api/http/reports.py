"""Outcome reports for NGOs and donors, with small groups protected."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.config import current_config
from api.http.caching import no_store
from api.http.fields import Text
from api.http.problems import problems
from api.services import reports as service
from api.store.db import get_session

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1",
    description="Outcome reports (counsellors: their NGO; admins: all; employers: their own)",
)
# A report is the caller's NGO's (or business's) figures: for this caller only.
blp.after_request(no_store)


MEDIA_TYPES = {"csv": "text/csv", "svg": "image/svg+xml"}


class ReportArgs(ma.Schema):
    by = Text(load_default="track", validate=ma.validate.OneOf(service.GROUPINGS))
    format = Text(load_default="json", validate=ma.validate.OneOf(service.FORMATS))


def _count(description: str) -> ma.fields.Integer:
    return ma.fields.Integer(
        allow_none=True,
        metadata={"description": f"{description}; null when hidden, else rounded down to 5"},
    )


class ReportRowSchema(ma.Schema):
    group = ma.fields.String()
    placed = _count("People placed in a job or an own business")
    followed_up_12m = _count("People with a 12-month follow-up")
    in_work_3m = _count("In work at the 3-month follow-up")
    in_work_6m = _count("In work at the 6-month follow-up")
    in_work_12m = _count("In work at the 12-month follow-up")
    median_income_usd_month = ma.fields.Float(
        allow_none=True,
        metadata={"description": "Of the latest follow-ups (0 when out of work); null when hidden"},
    )
    living_wage_usd_month = ma.fields.Float(
        allow_none=True,
        metadata={
            "description": "The median living wage those follow-ups were measured against "
            "(their towns'); hidden with the median income"
        },
    )
    share_livable = ma.fields.Float(
        allow_none=True,
        metadata={"description": "Share at or above the living wage; null when hidden"},
    )
    suppressed = ma.fields.Boolean(metadata={"description": "Some figure of this row is hidden"})


class ReportSchema(ma.Schema):
    by = ma.fields.String()
    min_cell = ma.fields.Integer()
    generated_at = ma.fields.String(metadata={"format": "date-time"})
    rows = ma.fields.List(ma.fields.Nested(ReportRowSchema))
    total = ma.fields.Nested(ReportRowSchema)


@blp.get("/reports/outcomes")
@blp.arguments(ReportArgs, location="query")
@blp.response(200, ReportSchema)
@blp.doc(
    responses={
        "200": {
            "description": "The report: JSON, or CSV (format=csv), or an SVG chart (format=svg)",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": ",".join(service.CSV_COLUMNS),
                },
                "image/svg+xml": {"schema": {"type": "string"}},
            },
        }
    }
)
@problems(blp, 422)
@require_roles("counsellor", "admin", "employer")
def outcomes(args: dict[str, Any]) -> Any:
    """Placements, follow-ups, work at 3/6/12 months and income, by track, town, employer
    or season, as JSON, CSV (format=csv) or an SVG chart (format=svg); no count under the
    deployment's minimum cell."""
    report = service.report_for(
        get_session(), current_principal(), current_config(), args["by"], args["format"]
    )
    if isinstance(report, str):
        return Response(report, mimetype=MEDIA_TYPES[args["format"]])
    return report
