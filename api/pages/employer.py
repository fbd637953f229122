"""The employer's pages: the business and its vetting, vacancies (checked against the
law as the API checks them), and the referrals to them (no identity) to decide."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from api.config import current_config
from api.errors import ApiError
from api.pages.frame import bp, error_page, names, page_for, say
from api.pages.sentences import N_
from api.services.employers import (
    create_vacancy,
    employer_fields,
    get_vacancy,
    list_vacancies,
    own_employer,
    register_employer,
    update_vacancy,
    vacancy_fields,
)
from api.services.referrals import decide, list_referrals
from api.store.db import get_session
from training_catalog import rules

PAY_UNITS = ("month", "week", "day")
CURRENCIES = ("USD", "KHR")
# Codes the pages show as words (translated where shown): pay units, vetting and
# referral statuses.
WORDS = (
    N_("month"),
    N_("week"),
    N_("day"),
    N_("pending"),
    N_("vetted"),
    N_("rejected"),
    N_("suspended"),
    N_("accepted"),
    N_("declined"),
    N_("withdrawn"),
)

# The law checks' findings in plain words, by rule; the rule itself is shown beside them.
LAW_TEXTS = {
    rules.RULE_MINIMUM_AGE: N_("Nobody under 15 may be hired for any work."),
    rules.RULE_HAZARDOUS: N_("This work is hazardous: nobody under 18 may do it."),
    rules.RULE_NIGHT_WORK: N_("Work between 22:00 and 05:00: nobody under 18 may do it."),
    rules.RULE_EXPLOITATION_RISK: N_(
        "This work carries a risk of exploitation: it is never offered to anyone under 18."
    ),
    rules.RULE_RISK_APPROVAL: N_(
        "This work carries a risk of exploitation: an administrator must approve your "
        "business for it first."
    ),
}


@bp.get("/employer")
@page_for("employer")
def employer() -> Any:
    """The business, its vetting status, its vacancies and the referrals to them."""
    db = get_session()
    business = own_employer(db, g.principal)
    if business is None:
        return render_template("employer/register.html", values={}, errors=[], towns=_towns())
    vacancies = list_vacancies(db, g.principal, 500, None, {})["items"]
    referrals = list_referrals(db, g.principal, 500, None)["items"]
    return render_template(
        "employer/home.html", business=business, vacancies=vacancies, referrals=referrals
    )


@bp.post("/employer")
@page_for("employer")
def register() -> Any:
    values = {k: request.form.get(k, "").strip() for k in ("name", "town", "sector", "contact")}
    errors: list[dict[str, Any]] = []
    try:
        register_employer(get_session(), g.principal, employer_fields(values))
    except ApiError as exc:
        get_session().rollback()
        errors = exc.errors or [{"field": "name", "message": exc.detail}]
    if errors:
        said = [{**e, "message": say(e["message"])} for e in errors]
        page = render_template("employer/register.html", values=values, errors=said, towns=_towns())
        return page, 422
    flash(gettext("Your business is registered. An administrator will vet it."))
    return redirect(url_for("pages.employer"))


@bp.route("/employer/vacancies/new", methods=["GET", "POST"])
@page_for("employer")
def new_vacancy() -> Any:
    if request.method == "GET":
        return _vacancy_form({"pay_unit": "month", "currency": "USD", "positions": 1})
    values, errors = _vacancy_values(request.form)
    if not errors:
        try:
            create_vacancy(get_session(), g.principal, current_config(), values)
        except ApiError as exc:
            get_session().rollback()
            errors = exc.errors or [{"field": "occupation", "message": exc.detail}]
    if errors:
        return _vacancy_form(request.form, errors), 422
    flash(gettext("The vacancy is posted."))
    return redirect(url_for("pages.employer"))


@bp.route("/employer/vacancies/<int:vacancy_id>", methods=["GET", "POST"])
@page_for("employer")
def edit_vacancy(vacancy_id: int) -> Any:
    db = get_session()
    try:
        vacancy = get_vacancy(db, g.principal, vacancy_id)
    except ApiError as exc:
        return error_page(exc.status, exc)
    if request.method == "GET":
        current = {f: getattr(vacancy, f) for f in _FIELDS}
        current["hires_from_track"] = (
            vacancy.hires_from_track.code if vacancy.hires_from_track else ""
        )
        return _vacancy_form(current, vacancy=vacancy)
    values, errors = _vacancy_values(request.form)
    if not errors:
        try:
            version = int(request.form.get("version", "0"))
            update_vacancy(db, g.principal, current_config(), vacancy_id, version, values)
        except ValueError:
            errors = [{"field": "version", "message": gettext("missing")}]
        except ApiError as exc:
            db.rollback()
            errors = exc.errors or [{"field": "version", "message": exc.detail}]
    if errors:
        vacancy = get_vacancy(db, g.principal, vacancy_id)
        return _vacancy_form(request.form, errors, vacancy=vacancy), 422
    flash(gettext("The vacancy is saved."))
    return redirect(url_for("pages.employer"))


@bp.post("/employer/referrals/<int:referral_id>")
@page_for("employer")
def decide_referral(referral_id: int) -> Any:
    decision = request.form.get("decision", "")
    reason = request.form.get("reason", "").strip()
    if decision not in ("accept", "decline") or len(reason) > 2000:
        return error_page(400)
    try:
        decide(get_session(), g.principal, referral_id, {"decision": decision, "reason": reason})
    except ApiError as exc:
        get_session().rollback()
        return error_page(exc.status, exc)
    flash(gettext("Accepted.") if decision == "accept" else gettext("Declined."))
    return redirect(url_for("pages.employer"))


_FIELDS = (
    "occupation",
    "town",
    "pay",
    "pay_unit",
    "currency",
    "positions",
    "min_age",
    "provides_food",
    "provides_room",
    "night_shift",
    "description",
)


def _towns() -> list[str]:
    return sorted(names().towns, key=lambda c: names().of("towns", c, "en"))


def _vacancy_values(form: Mapping[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The form read by the API's own schema (``VacancyCreate``): the fields in their
    types, or every field it refuses, named as the API names them."""
    raw: dict[str, Any] = {}
    for field in ("occupation", "town", "pay", "pay_unit", "currency", "positions", "min_age"):
        value = form.get(field, "").strip()
        if value:
            raw[field] = _number(value) if field in NUMBERS else value
    raw["description"] = form.get("description", "").strip()
    raw["hires_from_track"] = form.get("hires_from_track") or None
    for flag in ("provides_food", "provides_room", "night_shift"):
        raw[flag] = form.get(flag) == "1"
    try:
        return vacancy_fields(raw), []
    except ApiError as exc:
        return raw, exc.errors


# Numbers a person types with thousands commas; whole ones are sent as integers, as a
# JSON body would carry them.
NUMBERS = ("pay", "positions", "min_age")


def _number(typed: str) -> Any:
    plain = typed.replace(",", "")
    return int(plain) if plain.isascii() and plain.isdigit() else plain


def _vacancy_form(
    values: Mapping[str, Any], errors: list[dict[str, Any]] | None = None, vacancy: Any = None
) -> str:
    by_field: dict[str, list[str]] = {}
    for e in errors or []:
        rule = e.get("rule")
        if rule in LAW_TEXTS:
            message = f"{gettext(LAW_TEXTS[rule])} ({say(rule)})"
        else:
            message = say(e["message"])
        by_field.setdefault(e.get("field", ""), []).append(message)
    return render_template(
        "employer/vacancy.html",
        values=values,
        errors=by_field,
        vacancy=vacancy,
        occupations=sorted(names().occupations, key=lambda c: names().of("occupations", c, "en")),
        towns=_towns(),
        tracks=sorted(names().tracks),
        pay_units=PAY_UNITS,
        currencies=CURRENCIES,
    )
