"""The administrator's pages: employers to vet, and the audit log."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from api.config import current_config
from api.errors import ApiError
from api.pages.frame import ROLE_NAMES, bp, error_page, page_for
from api.services.accounts import end_token, new_token, people
from api.services.audit_log import recent_audit_events
from api.services.employers import list_employers, vet_employer
from api.services.users import create_user
from api.store.db import get_session
from api.store.models import ROLES

DECISIONS = ("vetted", "rejected", "suspended")


@bp.get("/admin/employers")
@page_for("admin")
def employers() -> Any:
    """Every employer, those waiting for a decision first."""
    items = list_employers(get_session(), g.principal, 500, None, None)["items"]
    items.sort(key=lambda e: (e.vetting != "pending", e.name.casefold()))
    return render_template("admin/employers.html", employers=items, errors={})


@bp.post("/admin/employers/<int:employer_id>/vetting")
@page_for("admin")
def vet(employer_id: int) -> Any:
    status = request.form.get("status", "")
    note = request.form.get("note", "").strip()
    errors: dict[str, str] = {}
    if status not in DECISIONS:
        errors["status"] = gettext("choose one")
    if not note or len(note) > 2000:
        errors["note"] = gettext("Say why, in up to 2000 characters.")
    if not errors:
        data = {
            "status": status,
            "note": note,
            "approved_for_risk": request.form.get("approved_for_risk") == "1",
        }
        try:
            employer = vet_employer(get_session(), g.principal, employer_id, data)
        except ApiError as exc:
            get_session().rollback()
            if exc.status == 404:
                return error_page(404, exc)
            errors["approved_for_risk"] = exc.detail
        else:
            flash(gettext("%(name)s: %(status)s.", name=employer.name, status=gettext(status)))
            return redirect(url_for("pages.employers"))
    items = list_employers(get_session(), g.principal, 500, None, None)["items"]
    items.sort(key=lambda e: (e.vetting != "pending", e.name.casefold()))
    page = render_template(
        "admin/employers.html", employers=items, errors=errors, failed=employer_id
    )
    return page, 422


@bp.get("/admin/audit")
@page_for("admin")
def audit_log() -> Any:
    """Who read or changed which record, newest first."""
    rows, next_before = recent_audit_events(
        get_session(), 200, request.args.get("before", type=int)
    )
    return render_template("admin/audit.html", rows=rows, next_before=next_before)


@bp.get("/admin/people")
@page_for("admin")
def people_page() -> Any:
    """Organisations, their users and their tokens; add a user, issue or revoke a token."""
    return _people()


@bp.post("/admin/people/users")
@page_for("admin")
def add_user() -> Any:
    form = request.form
    try:
        made = create_user(
            get_session(),
            g.principal,
            current_config(),
            username=form.get("username", ""),
            role=form.get("role", ""),
            password=form.get("password", ""),
        )
    except ApiError as exc:
        get_session().rollback()
        return _people(errors=exc.errors or [{"field": "username", "message": exc.detail}]), 422
    flash(gettext("%(name)s can now sign in.", name=made.username))
    return redirect(url_for("pages.people_page"))


@bp.post("/admin/people/tokens")
@page_for("admin")
def add_token() -> Any:
    form = request.form
    org, role = form.get("org", "").strip(), form.get("role", "")
    if not org or role not in ROLES:
        return _people(errors=[{"field": "org", "message": gettext("choose one")}]), 422
    try:
        token = new_token(get_session(), org, role, form.get("user", "").strip())
    except ApiError as exc:
        get_session().rollback()
        return _people(errors=exc.errors), 422
    # Shown once in this answer (never in the session cookie's flashes).
    return _people(token=token)


@bp.post("/admin/people/tokens/<prefix>/revoke")
@page_for("admin")
def revoke(prefix: str) -> Any:
    try:
        end_token(get_session(), prefix)
    except ApiError as exc:
        get_session().rollback()
        return error_page(exc.status, exc)
    flash(gettext("The token %(prefix)s is revoked.", prefix=prefix))
    return redirect(url_for("pages.people_page"))


def _people(**extra: Any) -> str:
    return render_template(
        "admin/people.html",
        organisations=people(get_session()),
        roles=ROLES,
        role_names=ROLE_NAMES,
        **extra,
    )
