"""Outcome reports for NGOs and donors, with small groups protected."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.config import current_config
from api.http.fields import Text
from api.services import reports as service
from api.store.db import get_session

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1",
    description="Outcome reports (counsellors: their NGO; admins: all; employers: their own)",
)


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
    median_income_usd_month = ma.fields.Float(allow_none=True)
    share_livable = ma.fields.Float(allow_none=True)
    suppressed = ma.fields.Boolean()


class ReportSchema(ma.Schema):
    by = ma.fields.String()
    min_cell = ma.fields.Integer()
    generated_at = ma.fields.String(metadata={"format": "date-time"})
    rows = ma.fields.List(ma.fields.Nested(ReportRowSchema))
    total = ma.fields.Nested(ReportRowSchema)


@blp.get("/reports/outcomes")
@blp.arguments(ReportArgs, location="query")
@blp.response(200, ReportSchema)
@blp.alt_response(
    200,
    description="format=csv: the same rows as CSV",
    content_type="text/csv",
    schema={"type": "string"},
)
@require_roles("counsellor", "admin", "employer")
def outcomes(args: dict[str, Any]) -> Any:
    """Placements, follow-ups, work at 3/6/12 months and income, by track, town, employer
    or season; no count under the deployment's minimum cell."""
    report = service.report_for(
        get_session(), current_principal(), current_config(), args["by"], args["format"]
    )
    if isinstance(report, str):
        return Response(report, mimetype="text/csv")
    return report
