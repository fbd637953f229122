"""The counsellor's pages: survivors (list, intake, edit), their recommendations, and
cohort allocation. Each view calls the use case the API calls."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from api.config import current_config
from api.errors import ApiError
from api.pages import forms
from api.pages.charts import component_bars, income_chart, money_scale
from api.pages.frame import bp, error_page, names, page_for
from api.pages.sentences import N_
from api.services.allocations import confirm, propose, read_allocation
from api.services.intake import change_intake, record_intake
from api.services.recommendations import list_recommendations, read_recommendation, recommend
from api.services.survivors import list_survivors, read_survivor, today_utc
from api.store.db import get_session
from api.store.models.people import GENDER_CHOICES
from matcher.types import RELOCATION_CHOICES
from training_catalog.types import LITERACY_LEVELS

GENDER_LABELS = {"female": N_("female"), "male": N_("male"), "other": N_("another gender")}
LITERACY_LABELS = {
    "none": N_("cannot read or write yet"),
    "basic": N_("reads and writes a little"),
    "functional": N_("reads and writes well"),
}
RELOCATION_LABELS = {
    "home_only": N_("Only in the home province"),
    "named": N_("The home province and the towns ticked below"),
    "anywhere": N_("Anywhere in Cambodia"),
}


@bp.get("/survivors")
@page_for("counsellor")
def survivors() -> Any:
    """The NGO's survivors; ``q`` finds case codes containing it."""
    query = request.args.get("q", "").strip()[:40]
    items, next_cursor = list_survivors(
        get_session(), g.principal, 500, request.args.get("cursor"), query or None
    )
    return render_template("survivors.html", survivors=items, next_cursor=next_cursor, q=query)


def _form_page(
    survivor: Any, values: Any, consent: dict[str, Any], errors: list[dict[str, Any]]
) -> str:
    known = names()
    return render_template(
        "survivor_form.html",
        survivor=survivor,
        values=values,
        consent=consent,
        errors=forms.field_errors(errors),
        message=bool(errors),
        genders=[(gender, GENDER_LABELS[gender]) for gender in GENDER_CHOICES],
        literacy=[(level, LITERACY_LABELS[level]) for level in LITERACY_LEVELS],
        relocation=[(choice, RELOCATION_LABELS[choice]) for choice in RELOCATION_CHOICES],
        provinces=sorted(known.provinces, key=lambda c: known.provinces[c][0]),
        towns=sorted(known.towns, key=lambda c: known.towns[c][0]),
        families=sorted(known.skill_families),
        tracks=sorted(known.tracks, key=lambda c: known.tracks[c][0]),
        track_towns={code: town for code, (_name, town) in known.tracks.items()},
        occupations=sorted(known.occupations, key=lambda c: known.occupations[c][0]),
        wishes=forms.WISHES,
    )


EMPTY = {
    "aptitudes": {},
    "preferences": [],
    "willing_towns": [],
    "avoid_towns": [],
    "relocation": RELOCATION_CHOICES[0],
    "literacy": "basic",
}


@bp.route("/survivors/new", methods=["GET", "POST"])
@page_for("counsellor")
def new_survivor() -> Any:
    """The intake form: the record and the consent, saved together or not at all."""
    if request.method == "GET":
        return _form_page(None, EMPTY, {"method": "verbal"}, [])
    data, consent, found = forms.read_survivor_form(request.form, names().skill_families)
    try:
        survivor = record_intake(get_session(), g.principal, data, consent, found)
    except ApiError as exc:
        problems = exc.errors or [{"field": "", "message": exc.detail}]
    else:
        flash(gettext("The record of %(code)s was saved.", code=survivor.case_code))
        return redirect(url_for("pages.survivor", survivor_id=survivor.id))
    get_session().rollback()
    return _form_page(None, data, consent, problems), 422


@bp.route("/survivors/<int:survivor_id>/edit", methods=["GET", "POST"])
@page_for("counsellor")
def edit_survivor(survivor_id: int) -> Any:
    db = get_session()
    try:
        record = read_survivor(db, g.principal, survivor_id)
    except ApiError as exc:
        return error_page(exc.status, exc)
    if request.method == "GET":
        consent = {"given": record.consent_share_with_employers, "method": "verbal"}
        return _form_page(record, record, consent, [])
    data, consent, found = forms.read_survivor_form(request.form, names().skill_families)
    try:
        change_intake(db, g.principal, survivor_id, data, consent, found)
    except ApiError as exc:
        problems = exc.errors or [{"field": "", "message": exc.detail}]
    else:
        flash(gettext("The record of %(code)s was saved.", code=data["case_code"]))
        return redirect(url_for("pages.survivor", survivor_id=survivor_id))
    db.rollback()
    return _form_page(record, data, consent, problems), 422


def _result_page(record: Any, result: dict[str, Any] | None, earlier: list[Any]) -> str:
    return render_template(
        "survivor.html",
        survivor=record,
        result=result,
        earlier=earlier,
        income_chart=income_chart,
        component_bars=component_bars,
        scale=money_scale(result["items"]) if result else None,
        this_year=today_utc().year,
        literacy_labels=LITERACY_LABELS,
        relocation_labels=RELOCATION_LABELS,
    )


@bp.route("/survivors/<int:survivor_id>", methods=["GET", "POST"])
@page_for("counsellor")
def survivor(survivor_id: int) -> Any:
    """A survivor's profile and earlier recommendations; on POST a new recommendation
    with every number shown."""
    db = get_session()
    try:
        record = read_survivor(db, g.principal, survivor_id)
        result = None
        if request.method == "POST":
            result = recommend(
                db, g.principal, current_config(), survivor_id, limit=10, include_excluded=True
            )
        earlier, _ = list_recommendations(db, g.principal, survivor_id, 50, None)
    except ApiError as exc:
        return error_page(exc.status, exc)
    return _result_page(record, result, earlier)


@bp.get("/survivors/<int:survivor_id>/recommendations/<int:rec_id>")
@page_for("counsellor")
def recommendation(survivor_id: int, rec_id: int) -> Any:
    """An earlier recommendation, as it was made."""
    db = get_session()
    try:
        record = read_survivor(db, g.principal, survivor_id)
        result = read_recommendation(db, g.principal, survivor_id, rec_id)
        earlier, _ = list_recommendations(db, g.principal, survivor_id, 50, None)
    except ApiError as exc:
        return error_page(exc.status, exc)
    return _result_page(record, result, earlier)


@bp.route("/allocation", methods=["GET", "POST"])
@page_for("counsellor")
def allocation() -> Any:
    """Choose a cohort; the proposal is shown against first come, first served."""
    db = get_session()
    cohort, _ = list_survivors(db, g.principal, 500, None)
    if request.method == "GET":
        return render_template("allocation.html", cohort=cohort, errors=[])
    chosen = [int(i) for i in request.form.getlist("survivor_ids") if i.isascii() and i.isdigit()]
    if not chosen:
        problems = [{"field": "survivor_ids", "message": gettext("choose at least one survivor")}]
        return render_template("allocation.html", cohort=cohort, errors=problems), 422
    try:
        proposal = propose(db, g.principal, current_config(), chosen)
    except ApiError as exc:
        db.rollback()
        page = render_template(
            "allocation.html", cohort=cohort, errors=exc.errors, message=exc.detail
        )
        return page, exc.status
    return redirect(url_for("pages.allocation_result", allocation_id=proposal["id"]))


@bp.get("/allocation/<int:allocation_id>")
@page_for("counsellor")
def allocation_result(allocation_id: int) -> Any:
    try:
        proposal = read_allocation(get_session(), g.principal, allocation_id)
    except ApiError as exc:
        return error_page(exc.status, exc)
    return _allocation_page(proposal, None)


def _allocation_page(proposal: dict[str, Any], problem: ApiError | None) -> Any:
    db = get_session()
    cohort = {s.id: s for s in list_survivors(db, g.principal, 500, None)[0]}  # case codes by id
    page = render_template(
        "allocation_result.html", proposal=proposal, cohort=cohort, problem=problem
    )
    return (page, problem.status) if problem else page


@bp.post("/allocation/<int:allocation_id>/confirm")
@page_for("counsellor")
def confirm_allocation(allocation_id: int) -> Any:
    db = get_session()
    try:
        confirm(db, g.principal, allocation_id)
    except ApiError as exc:
        db.rollback()
        try:
            proposal = read_allocation(db, g.principal, allocation_id)
        except ApiError as missing:
            return error_page(missing.status, missing)
        return _allocation_page(proposal, exc)
    flash(gettext("Confirmed: the seats are reserved."))
    return redirect(url_for("pages.allocation_result", allocation_id=allocation_id))
