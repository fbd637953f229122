"""Pages for people: counsellors see recommendations, surveyors publish a season.

Signed in with an API token once (the cookie holds a random key of a sign-in kept on
the server, never the token: see ``api.services.page_sessions``); forms carry a CSRF
token (Flask-WTF). The pages call the same services as the API, so what a page shows
is what the API answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from api.auth import Principal, authenticate
from api.config import current_config
from api.errors import ApiError, Unauthorized
from api.pages.charts import component_bars, income_chart
from api.services.page_sessions import end_page_session, resume_page_session, start_page_session
from api.services.recommendations import recommend
from api.services.surveys import (
    NUMBER_FIELDS,
    SeasonCreate,
    create_season,
    publish,
    row_counts,
    season_fields,
    upload,
)
from api.services.survivors import list_survivors, read_survivor, today_utc
from api.store.db import get_session
from api.store.models import Season
from market_survey.errors import SurveyError
from market_survey.ingest import read_csv_bytes, read_workbook

bp = Blueprint("pages", __name__, template_folder="templates")
csrf = CSRFProtect()

P = ParamSpec("P")
R = TypeVar("R")


def _principal() -> Principal | None:
    key = session.get("sid")
    if not isinstance(key, str):
        return None
    config = current_app.config
    principal = resume_page_session(
        get_session(),
        key,
        idle=timedelta(minutes=config["PAGE_SESSION_IDLE_MINUTES"]),
        lifetime=timedelta(hours=config["PAGE_SESSION_HOURS"]),
    )
    if principal is None:
        session.clear()
    return principal


def local_path(target: str) -> str | None:
    """``target`` if it is a path of this site, else None (never an open redirect).

    Judged as a browser will read it: browsers drop tabs and newlines and treat a
    backslash as a slash, so any control character or backslash is refused outright,
    and what is left must have no scheme and no host.
    """
    if not target or any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("//"):
        return None
    return target


def page_for(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R | BaseResponse]]:
    """Signed-in users of these roles only; others go to the sign-in page."""

    def decorator(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
            principal = _principal()
            if principal is None:
                return redirect(url_for("pages.login", next=request.path))
            if principal.role not in roles:
                return Response(
                    render_template(
                        "message.html",
                        title="Not for your role",
                        message=f"This page is for {' or '.join(roles)}s.",
                    ),
                    status=403,
                )
            g.principal = principal
            return view(*args, **kwargs)

        return wrapper

    return decorator


@bp.before_request
def _protect_forms() -> None:
    if request.method == "POST":
        csrf.protect()


@bp.after_request
def _no_store(response: Response) -> Response:
    # Pages show survivor data: never cached by the browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def home() -> Any:
    principal = _principal()
    if principal is None:
        return redirect(url_for("pages.login"))
    if principal.role == "counsellor":
        return redirect(url_for("pages.survivors"))
    if principal.role in ("surveyor", "admin"):
        return redirect(url_for("pages.seasons"))
    return render_template(
        "message.html",
        title="Pathways",
        message="Employers use the API: see /api/v1/docs.",
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "POST":
        token = request.form.get("token", "").strip()
        try:
            principal = authenticate(get_session(), f"Bearer {token}")
        except Unauthorized as exc:
            return render_template("login.html", error=exc.detail), 401
        session.clear()
        assert principal.token_id is not None  # a token's principal always names it
        session["sid"] = start_page_session(get_session(), principal.token_id)
        return redirect(local_path(request.args.get("next", "")) or url_for("pages.home"))
    return render_template("login.html", error=None)


@bp.post("/logout")
def logout() -> Any:
    key = session.get("sid")
    if isinstance(key, str):
        end_page_session(get_session(), key)
    session.clear()
    return redirect(url_for("pages.login"))


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
        return render_template(
            "message.html", title="Cannot show this", message=exc.detail, errors=exc.errors
        ), exc.status
    return render_template(
        "survivor.html",
        survivor=record,
        result=result,
        income_chart=income_chart,
        component_bars=component_bars,
        this_year=_this_year(),
    )


@bp.get("/seasons")
@page_for("surveyor", "admin")
def seasons() -> Any:

    db = get_session()
    rows = list(db.scalars(select(Season).order_by(Season.id.desc())))
    counts = row_counts(db, [s.id for s in rows])
    return render_template("seasons.html", seasons=rows, counts=counts, errors=None)


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
    flash(f"Draft season {season.label} created: now add its survey.")
    return redirect(url_for("pages.seasons"))


@bp.post("/seasons/<int:season_id>/survey")
@page_for("surveyor", "admin")
def upload_survey(season_id: int) -> Any:
    """Drop in a spreadsheet: it is published, or every row to fix is listed."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return _seasons_with_errors("Choose a file.", [{"field": "file", "message": "missing"}])
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
            flash(f"Published: season {season.label} is now the current market survey.")
        else:
            flash("Accepted: " + ", ".join(f"{n} {t} rows" for t, n in accepted.items()))
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
    flash(f"Published: season {season.label} is now the current market survey.")
    return redirect(url_for("pages.seasons"))


def _seasons_with_errors(message: str, errors: list[dict[str, Any]]) -> tuple[str, int]:

    db = get_session()
    db.rollback()
    rows = list(db.scalars(select(Season).order_by(Season.id.desc())))
    page = render_template(
        "seasons.html",
        seasons=rows,
        counts=row_counts(db, [s.id for s in rows]),
        message=message,
        errors=errors,
    )
    return page, 422


def _this_year() -> int:
    return today_utc().year


def register(app: Any) -> None:
    """Add the pages and their CSRF protection to the app."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # the JSON API uses bearer tokens
    csrf.init_app(app)
    app.register_blueprint(bp)
