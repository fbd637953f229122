"""The surveyor's pages: market survey seasons, their upload, a deliberate publication,
the diff between two seasons, and the NGO's training tracks."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from api.config import current_config
from api.errors import ApiError
from api.pages.frame import bp, error_page, name_of, page_for
from api.pages.season_charts import pay_change_by_town, pay_change_chart
from api.pages.sentences import N_, VENUES
from api.services.catalog import list_tracks
from api.services.surveys import (
    NUMBER_FIELDS,
    SeasonCreate,
    create_season,
    diff,
    list_seasons_with_counts,
    publish,
    publish_preview,
    publishers,
    season_fields,
    upload,
)
from api.store.db import get_session
from market_survey.errors import SurveyError
from market_survey.ingest import read_csv_bytes, read_workbook

# The survey's codes the diff shows as words (translated where shown); the venues are
# marked with the engine's words.
WORDS = (N_("wage"), N_("self"), *VENUES)


@bp.get("/seasons")
@page_for("surveyor", "admin")
def seasons() -> Any:
    return _seasons_page()


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
    """Drop in a spreadsheet: it is accepted, or every row to fix is listed. It is never
    published here: that is its own step, after a look at what it changes."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return _seasons_with_errors(
            gettext("Choose a file."), [{"field": "file", "message": gettext("missing")}]
        )
    data = file.read()
    try:
        limits = current_config().survey_limits
        if file.filename.lower().endswith(".xlsx"):
            tables = read_workbook(data, limits=limits)
        else:
            tables = {request.form.get("table", "jobs"): read_csv_bytes(data, "file", limits)}
        accepted = upload(get_session(), g.principal, season_id, tables)
    except SurveyError as exc:
        return _seasons_with_errors(str(exc), exc.errors)
    except ApiError as exc:
        return _seasons_with_errors(exc.detail, exc.errors)
    flash(
        gettext(
            "Accepted: %(rows)s. The season is still a draft: review it, then publish it.",
            rows=", ".join(
                gettext("%(n)s %(table)s rows", n=n, table=gettext(t.replace("_", " ")))
                for t, n in accepted.items()
            ),
        )
    )
    return redirect(url_for("pages.seasons"))


@bp.get("/seasons/<int:season_id>/publish")
@page_for("surveyor", "admin")
def review_season(season_id: int) -> Any:
    """What publishing would change, before anything changes."""
    try:
        preview = publish_preview(get_session(), season_id)
    except ApiError as exc:
        return error_page(exc.status, exc)
    return _review_page(preview)


@bp.post("/seasons/<int:season_id>/publish")
@page_for("surveyor", "admin")
def publish_season(season_id: int) -> Any:
    anyway = request.form.get("allow_towns_without_living_costs") == "1"
    try:
        season = publish(
            get_session(), g.principal, season_id, allow_towns_without_living_costs=anyway
        )
    except ApiError as exc:
        db = get_session()
        db.rollback()
        if exc.status == 404:
            return error_page(404, exc)
        return _review_page(publish_preview(db, season_id), exc.detail, exc.errors), 422
    flash(
        gettext("Published: season %(label)s is now the current market survey.", label=season.label)
    )
    return redirect(url_for("pages.seasons"))


@bp.get("/seasons/<int:season_id>/diff")
@page_for("surveyor", "admin")
def season_diff(season_id: int) -> Any:
    """The changes between two seasons, with names, and pay's move in each town."""
    try:
        against = int(request.args.get("against", ""))
        result = diff(get_session(), season_id, against)
    except ValueError:
        return error_page(400)
    except ApiError as exc:
        return error_page(exc.status, exc)
    by_town = pay_change_by_town(result["changed"])
    chart = pay_change_chart(
        by_town,
        lambda code: name_of("towns", code),
        gettext(
            "Change of mean pay by town, US$ a month, %(season)s against %(against)s",
            season=result["season"]["label"],
            against=result["against"]["label"],
        ),
    )
    return render_template("surveyor/diff.html", diff=result, by_town=by_town, chart=chart)


@bp.get("/tracks")
@page_for("surveyor", "admin")
def tracks() -> Any:
    """The training tracks of the surveyor's NGO (an admin sees every provider's)."""
    own = None if g.principal.role == "admin" else g.principal.org_id
    page = list_tracks(get_session(), 500, request.args.get("cursor"), provider_org_id=own)
    return render_template(
        "surveyor/tracks.html", tracks=page["items"], next_cursor=page["next_cursor"]
    )


def _review_page(
    preview: dict[str, Any], message: str | None = None, errors: list[dict[str, Any]] | None = None
) -> str:
    return render_template("surveyor/review.html", preview=preview, message=message, errors=errors)


def _seasons_page(**extra: Any) -> str:
    db = get_session()
    listed = list_seasons_with_counts(db)
    return render_template(
        "seasons.html",
        seasons=listed,
        published_by=publishers(db, [s.id for s, _ in listed]),
        **extra,
    )


def _seasons_with_errors(message: str, errors: list[dict[str, Any]]) -> tuple[str, int]:
    get_session().rollback()
    return _seasons_page(message=message, errors=errors), 422
