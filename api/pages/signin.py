"""Signing in with a username and password, signing out, and each role's start page."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext

from api.config import current_config
from api.extensions import limiter
from api.pages.frame import bp, local_path, principal
from api.services.page_sessions import end_page_session, start_page_session
from api.services.users import check_password, normal_username
from api.store.db import get_session

# Each role's first page once signed in.
START = {
    "counsellor": "pages.survivors",
    "surveyor": "pages.seasons",
    "admin": "pages.employers",
    "employer": "pages.employer",
}


def _sign_in_limit() -> str:
    return str(current_app.config["RATELIMIT_SIGN_IN"])


def _failed(response: Any) -> bool:
    return bool(response.status_code == 401)


def _username_key() -> str:
    return "sign-in:" + normal_username(request.form.get("username", ""))[:64]


@bp.get("/")
def home() -> Any:
    """The sign-in form, or the signed-in user's start page."""
    who = principal()
    if who is None:
        return render_template("login.html", error=None, next=request.args.get("next"))
    if who.role in START:
        return redirect(url_for(START[who.role]))
    return render_template("welcome.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_sign_in_limit, methods=["POST"], deduct_when=_failed, key_func=_username_key)
def login() -> Any:
    """Check the username and password; a failure says only that they do not match."""
    target = request.args.get("next", "")
    if request.method == "GET":
        return redirect(url_for("pages.home", next=target) if target else url_for("pages.home"))
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    user_id = check_password(get_session(), current_config(), username, password)
    if user_id is None:
        error = gettext("That username and password do not match. Check both and try again.")
        page = render_template("login.html", error=error, username=username, next=target)
        return page, 401
    session.clear()
    session["sid"] = start_page_session(get_session(), user_id)
    return redirect(local_path(target) or url_for("pages.home"))


@bp.post("/logout")
def logout() -> Any:
    key = session.get("sid")
    if isinstance(key, str):
        end_page_session(get_session(), key)
    session.clear()
    return redirect(url_for("pages.home"))
