"""The counsellor's pages: survivors, their recommendations, cohorts and case work."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request

from api.config import current_config
from api.errors import ApiError
from api.pages.charts import component_bars, income_chart
from api.pages.frame import bp, error_page, page_for
from api.services.recommendations import recommend
from api.services.survivors import list_survivors, read_survivor, today_utc
from api.store.db import get_session


@bp.get("/survivors")
@page_for("counsellor")
def survivors() -> Any:
    items, next_cursor = list_survivors(get_session(), g.principal, 500, request.args.get("cursor"))
    return render_template("survivors.html", survivors=items, next_cursor=next_cursor)


@bp.route("/survivors/<int:survivor_id>", methods=["GET", "POST"])
@page_for("counsellor")
def survivor(survivor_id: int) -> Any:
    """A survivor's profile, and (on POST) a new recommendation with every number shown."""
    db = get_session()
    try:
        record = read_survivor(db, g.principal, survivor_id)
        result = None
        if request.method == "POST":
            result = recommend(
                db, g.principal, current_config(), survivor_id, limit=10, include_excluded=True
            )
    except ApiError as exc:
        return error_page(exc.status, exc)
    return render_template(
        "survivor.html",
        survivor=record,
        result=result,
        income_chart=income_chart,
        component_bars=component_bars,
        this_year=today_utc().year,
    )
