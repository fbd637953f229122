"""The administrator's pages: employers to vet, and the audit log."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from api.errors import ApiError
from api.pages.frame import bp, error_page, page_for
from api.services.audit_log import recent_audit_events
from api.services.employers import list_employers, vet_employer
from api.store.db import get_session

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
