"""The counsellor's case work after a recommendation: referrals to vacancies, offers
taken up as placements, follow-ups (urgent first) and closing the case. Each view calls
the use case the issue-12 endpoints call."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from api.config import current_config
from api.errors import ApiError
from api.pages.frame import bp, error_page, page_for
from api.pages.sentences import N_
from api.services.case_file import read_case_file
from api.services.follow_ups import due_for, record_follow_up
from api.services.placements import close_case, create_placement
from api.services.referrals import refer
from api.services.survivors import list_survivors, today_utc
from api.store.db import get_session

STATUS_LABELS = {
    "pending": N_("waiting for the employer"),
    "accepted": N_("offered: the employer accepts"),
    "declined": N_("declined by the employer"),
    "withdrawn": N_("withdrawn"),
    "placed": N_("taken up"),
}
KIND_LABELS = {"training": N_("training"), "job": N_("job"), "self_employment": N_("own business")}
CLOSURE_LABELS = {
    "reintegrated": N_("reintegrated: a livable income has lasted"),
    "died": N_("died"),
    "untraceable": N_("cannot be traced"),
    "ran_away": N_("left the programme"),
}
FLAG_LABELS = {"urgent": N_("urgent"), "needs_support": N_("needs support")}


def _whole_number(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def _back(survivor_id: int) -> Any:
    return redirect(url_for("pages.case_file", survivor_id=survivor_id))


def _refused(survivor_id: int, exc: ApiError) -> Any:
    get_session().rollback()
    return case_page(survivor_id, problem=exc.detail, status=exc.status)


@bp.get("/survivors/<int:survivor_id>/case")
@page_for("counsellor")
def case_file(survivor_id: int) -> Any:
    return case_page(survivor_id)


def case_page(survivor_id: int, problem: str | None = None, status: int = 200) -> Any:
    try:
        case = read_case_file(get_session(), g.principal, survivor_id)
    except ApiError as exc:
        return error_page(exc.status, exc)
    page = render_template(
        "case.html",
        case=case,
        problem=problem,
        status_labels=STATUS_LABELS,
        kind_labels=KIND_LABELS,
        closure_labels=CLOSURE_LABELS,
        flag_labels=FLAG_LABELS,
        today=today_utc().isoformat(),
    )
    return page, status


@bp.post("/survivors/<int:survivor_id>/referrals")
@page_for("counsellor")
def refer_survivor(survivor_id: int) -> Any:
    """Refer the survivor to a recommendation's vacancy (their skills, never who they are)."""
    vacancy_id = _whole_number(request.form.get("vacancy_id", ""))
    if vacancy_id is None:
        return case_page(survivor_id, gettext("Choose a vacancy."), 422)
    try:
        refer(get_session(), g.principal, vacancy_id, survivor_id)
    except ApiError as exc:
        return _refused(survivor_id, exc)
    flash(gettext("Referred: the employer sees the skills and training, never who it is."))
    return _back(survivor_id)


@bp.post("/survivors/<int:survivor_id>/placements")
@page_for("counsellor")
def place_survivor(survivor_id: int) -> Any:
    """Take up an accepted offer as a job starting on the date given."""
    referral_id = _whole_number(request.form.get("referral_id", ""))
    started_on = _date(request.form.get("started_on", ""))
    if referral_id is None or started_on is None:
        return case_page(survivor_id, gettext("Give the date the work starts."), 422)
    data = {
        "survivor_id": survivor_id,
        "kind": "job",
        "referral_id": referral_id,
        "started_on": started_on,
    }
    try:
        create_placement(get_session(), g.principal, data)
    except ApiError as exc:
        return _refused(survivor_id, exc)
    flash(gettext("The job is recorded; its follow-ups are now scheduled."))
    return _back(survivor_id)


@bp.post("/survivors/<int:survivor_id>/placements/<int:placement_id>/follow-ups")
@page_for("counsellor")
def follow_up(survivor_id: int, placement_id: int) -> Any:
    form = request.form
    when = _date(form.get("date", ""))
    income = form.get("monthly_income", "0").replace(",", "").strip() or "0"
    try:
        amount = float(income)
    except ValueError:
        amount = -1.0
    if when is None or amount < 0:
        message = gettext("Give the date of the visit and the income as a number.")
        return case_page(survivor_id, message, 422)
    data = {
        "date": when,
        "employed": form.get("employed") == "1",
        "monthly_income": amount,
        "income_unit": "month",
        "currency": "USD",
        "safety_concern": bool(form.get("safety_concern")),
        "notes": form.get("notes", "").strip(),
        "same_employer": None,
        "left_reason": None,
        "month": None,
    }
    try:
        record_follow_up(get_session(), g.principal, current_config(), placement_id, data, None)
    except ApiError as exc:
        return _refused(survivor_id, exc)
    flash(gettext("The follow-up is recorded."))
    return _back(survivor_id)


@bp.post("/survivors/<int:survivor_id>/close")
@page_for("counsellor")
def close(survivor_id: int) -> Any:
    reason = request.form.get("reason", "")
    if reason not in CLOSURE_LABELS:
        return case_page(survivor_id, gettext("Choose why the case closes."), 422)
    data = {"reason": reason, "note": request.form.get("note", "").strip()}
    try:
        close_case(get_session(), g.principal, survivor_id, data)
    except ApiError as exc:
        return _refused(survivor_id, exc)
    flash(gettext("The case is closed."))
    return _back(survivor_id)


@bp.get("/follow-ups")
@page_for("counsellor")
def follow_ups() -> Any:
    """Follow-ups due in the next 30 days or overdue: urgent cases first."""
    db = get_session()
    items = due_for(db, g.principal, current_config(), 30)
    codes = {s.id: s.case_code for s in list_survivors(db, g.principal, 500, None)[0]}
    return render_template("follow_ups.html", items=items, codes=codes, flag_labels=FLAG_LABELS)
