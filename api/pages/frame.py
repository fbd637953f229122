"""The frame every page shares: who is signed in, in which language, the role guard,
errors as pages, and the headers of a page.

Sign-ins are kept on the server (``api.services.page_sessions``): the cookie holds a
random key, never a password or a token. Every POST carries a CSRF token (Flask-WTF).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import Babel, get_locale, gettext
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from api.auth import Principal
from api.errors import problem
from api.pages import i18n, reasons
from api.pages.sentences import N_
from api.services.page_sessions import resume_page_session
from api.services.reference import Names, reference_names
from api.store.db import get_session

bp = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)
csrf = CSRFProtect()
babel = Babel()

P = ParamSpec("P")
R = TypeVar("R")


# What each role's navigation offers: (endpoint, label).
NAV: dict[str, tuple[tuple[str, str], ...]] = {
    "counsellor": (
        ("pages.survivors", N_("Survivors")),
        ("pages.new_survivor", N_("New survivor")),
        ("pages.allocation", N_("Cohort allocation")),
        ("pages.follow_ups", N_("Follow-ups due")),
    ),
    "surveyor": (("pages.seasons", N_("Market survey")), ("pages.tracks", N_("Training tracks"))),
    "admin": (
        ("pages.employers", N_("Employers")),
        ("pages.seasons", N_("Market survey")),
        ("pages.tracks", N_("Training tracks")),
        ("pages.people_page", N_("People and tokens")),
        ("pages.safety", N_("Avoid list and held vacancies")),
        ("pages.models", N_("Outcome models")),
        ("pages.audit_log", N_("Audit log")),
    ),
    "employer": (("pages.employer", N_("Your business")),),
}
ROLE_NAMES = {
    "admin": N_("Administrator"),
    "counsellor": N_("Counsellor"),
    "surveyor": N_("Surveyor"),
    "employer": N_("Employer"),
}


def language() -> str:
    """The language of this request's page: "km" or "en"."""
    return str(get_locale() or i18n.DEFAULT)


def principal() -> Principal | None:
    """Who the cookie signs in (once per request), or None."""
    if "page_principal" in g:
        found: Principal | None = g.page_principal
        return found
    found = None
    key = session.get("sid")
    if isinstance(key, str):
        config = current_app.config
        found = resume_page_session(
            get_session(),
            key,
            idle=timedelta(minutes=config["PAGE_SESSION_IDLE_MINUTES"]),
            lifetime=timedelta(hours=config["PAGE_SESSION_HOURS"]),
        )
        if found is None:
            session.pop("sid", None)
    g.page_principal = found
    return found


def names() -> Names:
    """The reference data's names, read once per request."""
    if "page_names" not in g:
        g.page_names = reference_names(get_session())
    found: Names = g.page_names
    return found


def name_of(kind: str, code: str | None) -> str:
    """A code's name in the page's language (towns, provinces, occupations...)."""
    return names().of(kind, code, language())


def wish_name(code: str) -> str:
    """A wish is a track's code or an occupation's: its name either way."""
    kind = "tracks" if code in names().tracks else "occupations"
    return name_of(kind, code)


def say(sentence: str | None) -> str:
    """A sentence of the engine or a use case in the page's language (none: nothing)."""
    return reasons.say(sentence, language(), names()) if sentence else ""


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
    """Signed-in users of these roles only; others go to the sign-in page (or a 403)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
            who = principal()
            if who is None:
                return redirect(url_for("pages.home", next=request.full_path.rstrip("?")))
            if who.role not in roles:
                return error_page(403)
            g.principal = who
            return view(*args, **kwargs)

        wrapper._pathways_page_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def switch_language_url(target: str) -> str:
    """This page's address (its query kept) in the other language."""
    args = request.args.to_dict(flat=True)
    args["lang"] = target
    return f"{request.path}?{urlencode(args)}"


ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: (N_("Something in the request was wrong"), N_("The page could not use what was sent.")),
    403: (N_("Not for your role"), N_("This page is for another kind of user.")),
    404: (N_("No such page"), N_("There is nothing at this address.")),
    405: (N_("Not this way"), N_("This address does not take that kind of request.")),
    413: (
        N_("The file is too large"),
        N_("The file is larger than this site takes. Send a smaller file, or split it."),
    ),
    429: (N_("Too many tries"), N_("Wait a few minutes, then try again.")),
    500: (
        N_("Something went wrong on our side"),
        N_("The error has been logged. Try again; if it happens again, tell your administrator."),
    ),
}


def error_page(status: int, error: BaseException | None = None) -> Response:
    """An error as a page in the frame, in the user's language, with a way back."""
    if isinstance(error, CSRFError):
        title = gettext("The form had expired")
        message = gettext(
            "The form was open too long, or the server restarted. Open the page again and "
            "send the form once more."
        )
    else:
        english = ERROR_TEXTS.get(status, ERROR_TEXTS[400 if status < 500 else 500])
        title, message = gettext(english[0]), gettext(english[1])
    if status == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        message += " " + gettext("The most it takes is %(mb)s MB.", mb=limit)
    if status >= 500:
        # The request's database session may be broken: show the frame without a user.
        get_session().rollback()
        g.page_principal = None
    again = _page_of(request.path) if request.method == "POST" or status in (413, 429) else None
    body = render_template("error.html", title=title, message=message, again=again, status=status)
    return Response(body, status=status, mimetype="text/html")


def _page_of(path: str) -> str | None:
    """``path`` if a browser can open it (a GET page), else None: a form often posts
    to an address of its own that has no page."""
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return path


def error_response(status: int, error: BaseException) -> Response:
    """The app's error handlers call this for a request outside /api/: a page."""
    try:
        return error_page(status, error)
    except Exception:
        current_app.logger.exception("The error page could not be shown")
        return problem(status, "Something went wrong on the server; it has been logged.")


def _select_locale() -> str:
    return i18n.select(
        request.args.get("lang"), request.cookies.get(i18n.COOKIE), request.accept_languages
    )


def _remember_language(response: Response) -> Response:
    asked = request.args.get("lang")
    if asked in i18n.LANGUAGES:
        response.set_cookie(
            i18n.COOKIE,
            asked,
            max_age=int(timedelta(days=365).total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        )
    return response


@bp.before_request
def _protect_forms() -> None:
    if request.method == "POST":
        csrf.protect()


@bp.after_request
def _page_headers(response: Response) -> Response:
    if request.endpoint == "pages.static":
        # The font and the style sheet change only with a release.
        response.headers["Cache-Control"] = "public, max-age=604800"
        return response
    # Pages show survivor data: never cached by the browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = language()
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return _remember_language(response)


def _template_globals() -> dict[str, Any]:
    if request.path.startswith("/api/"):
        return {}
    who = principal()
    lang = language()
    return {
        "current": who,
        "lang": lang,
        "other_lang": "en" if lang == "km" else "km",
        "nav": NAV.get(who.role, ()) if who else (),
        "role_name": ROLE_NAMES.get(who.role, "") if who else "",
        "name_of": name_of,
        "wish_name": wish_name,
        "say": say,
        "switch_language_url": switch_language_url,
    }


def init_app(app: Flask) -> None:
    """Bind CSRF and Babel to the app; errors outside /api/ become pages."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # the JSON API uses bearer tokens
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(i18n.compiled_catalogs())
    app.config["BABEL_DEFAULT_LOCALE"] = i18n.DEFAULT
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    app.context_processor(_template_globals)  # error pages are rendered outside bp too
    app.extensions["pathways.error_page"] = error_response
