"""The surveyor's pages: market survey seasons, their upload and their publication."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from api.config import current_config
from api.errors import ApiError
from api.pages.frame import bp, page_for
from api.services.surveys import (
    NUMBER_FIELDS,
    SeasonCreate,
    create_season,
    list_seasons_with_counts,
    publish,
    season_fields,
    upload,
)
from api.store.db import get_session
from market_survey.errors import SurveyError
from market_survey.ingest import read_csv_bytes, read_workbook


@bp.get("/seasons")
@page_for("surveyor", "admin")
def seasons() -> Any:
    return render_template("seasons.html", seasons=list_seasons_with_counts(get_session()))


@bp.post("/seasons")
@page_for("surveyor", "admin")
def new_season() -> Any:
    # The API's schema reads the form: a number typed with thousands commas is fine,
    # anything it refuses there (inf, nan, 1e999, out of range) is refused here.
    raw = {
        name: value.strip().replace(",", "") if name in NUMBER_FIELDS else value.strip()
        for name, value in request.form.items()
        if name in SeasonCreate().fields and value.strip()
    }
    try:
        season = create_season(get_session(), g.principal, season_fields(raw))
    except ApiError as exc:
        return _seasons_with_errors(exc.detail, exc.errors)
    flash(gettext("Draft season %(label)s created: now add its survey.", label=season.label))
    return redirect(url_for("pages.seasons"))


@bp.post("/seasons/<int:season_id>/survey")
@page_for("surveyor", "admin")
def upload_survey(season_id: int) -> Any:
    """Drop in a spreadsheet: it is accepted (and published if asked), or every row to
    fix is listed."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return _seasons_with_errors(
            gettext("Choose a file."), [{"field": "file", "message": gettext("missing")}]
        )
    data = file.read()
    principal = g.principal
    try:
        limits = current_config().survey_limits
        if file.filename.lower().endswith(".xlsx"):
            tables = read_workbook(data, limits=limits)
        else:
            tables = {request.form.get("table", "jobs"): read_csv_bytes(data, "file", limits)}
        accepted = upload(get_session(), principal, season_id, tables)
        if request.form.get("publish"):
            season = publish(get_session(), principal, season_id)
            flash(
                gettext(
                    "Published: season %(label)s is now the current market survey.",
                    label=season.label,
                )
            )
        else:
            flash(
                gettext(
                    "Accepted: %(rows)s.",
                    rows=", ".join(
                        gettext("%(n)s %(table)s rows", n=n, table=t) for t, n in accepted.items()
                    ),
                )
            )
    except SurveyError as exc:
        return _seasons_with_errors(str(exc), exc.errors)
    except ApiError as exc:
        return _seasons_with_errors(exc.detail, exc.errors)
    return redirect(url_for("pages.seasons"))


@bp.post("/seasons/<int:season_id>/publish")
@page_for("surveyor", "admin")
def publish_season(season_id: int) -> Any:
    try:
        season = publish(get_session(), g.principal, season_id)
    except ApiError as exc:
        return _seasons_with_errors(exc.detail, exc.errors)
    flash(
        gettext("Published: season %(label)s is now the current market survey.", label=season.label)
    )
    return redirect(url_for("pages.seasons"))


def _seasons_with_errors(message: str, errors: list[dict[str, Any]]) -> tuple[str, int]:
    db = get_session()
    db.rollback()
    page = render_template(
        "seasons.html", seasons=list_seasons_with_counts(db), message=message, errors=errors
    )
    return page, 422
