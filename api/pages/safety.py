"""The administrator's safety pages: the avoid list, vacancies held as possible lures,
and the outcome models that join the score (train, compare, roll back)."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from api.config import current_config
from api.errors import ApiError
from api.pages.charts import calibration_chart
from api.pages.counsellor import GENDER_LABELS, LITERACY_LABELS
from api.pages.frame import bp, error_page, names, page_for, say
from api.pages.sentences import N_
from api.services import lures, outcome_models
from api.services.employers import list_employers
from api.services.fields import TEXT_PROBLEMS
from api.store.db import get_session
from api.store.outcomes import outcomes_count

PAGE = 500
REVIEW = ("clear", "reject")
MAX_TEXT = 2000
#: The backtest's groups, as a person reads them: (column, level) -> words.
GROUPS = {"gender": N_("Gender"), "age_band": N_("Age"), "literacy": N_("Literacy")}
LEVELS = {
    **{("gender", k): v for k, v in GENDER_LABELS.items()},
    **{("literacy", k): v for k, v in LITERACY_LABELS.items()},
    ("age_band", "under 18"): N_("under 18"),
    ("age_band", "35 and over"): N_("35 and over"),
}


@bp.get("/admin/safety")
@page_for("admin")
def safety() -> Any:
    """The avoid list and the held vacancies, each with its form."""
    return _safety()


@bp.post("/admin/safety/avoid")
@page_for("admin")
def add_avoid() -> Any:
    form = request.form
    kind = form.get("kind", "")
    raw = {
        "kind": kind,
        "town": (form.get("town") or None) if kind == "town" else None,
        "employer_id": _number(form.get("employer_id", "")) if kind == "employer" else None,
        "reason": form.get("reason", "").strip(),
    }
    try:
        lures.add_avoid(get_session(), g.principal, lures.avoid_entry_fields(raw))
    except ApiError as exc:
        get_session().rollback()
        errors = {e["field"]: _hint(e["field"], e["message"]) for e in exc.errors}
        return _safety(errors=errors or {"kind": say(exc.detail)}, form=form), 422
    flash(gettext("Added to the avoid list."))
    return redirect(url_for("pages.safety"))


def _number(text: str) -> int | str | None:
    """A form's number as the API's schema takes it: an int when the text is one (the
    schema then checks its range), else the text itself for the schema to refuse."""
    if not text:
        return None
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else text


def _hint(field: str, message: str) -> str:
    """What the form says of a field the API's schema or use case refused: the form's
    own words where it has them, else (and for text no database stores) the refusal
    in the page's language."""
    hints = {
        "kind": gettext("choose one"),
        "town": gettext("choose one"),
        "employer_id": gettext("choose one"),
        "reason": gettext("Say why, in up to 2000 characters."),
    }
    return say(message) if message in TEXT_PROBLEMS else hints.get(field) or say(message)


@bp.post("/admin/safety/avoid/<int:entry_id>/remove")
@page_for("admin")
def remove_avoid(entry_id: int) -> Any:
    try:
        lures.remove_avoid(get_session(), g.principal, entry_id)
    except ApiError as exc:
        get_session().rollback()
        return error_page(exc.status, exc)
    flash(gettext("Taken off the avoid list."))
    return redirect(url_for("pages.safety"))


@bp.post("/admin/safety/vacancies/<int:vacancy_id>/review")
@page_for("admin")
def review(vacancy_id: int) -> Any:
    decision, note = request.form.get("decision", ""), request.form.get("note", "").strip()
    errors: dict[str, str] = {}
    if decision not in REVIEW:
        errors["decision"] = gettext("choose one")
    if not 1 <= len(note) <= MAX_TEXT:
        errors["note"] = gettext("Say why, in up to 2000 characters.")
    if not errors:
        try:
            lures.review_vacancy(get_session(), g.principal, vacancy_id, decision, note)
        except ApiError as exc:
            get_session().rollback()
            if exc.status == 404:
                return error_page(404, exc)
            errors["decision"] = exc.detail
        else:
            flash(
                gettext("The vacancy may be offered again.")
                if decision == "clear"
                else gettext("The vacancy is rejected: it is never offered.")
            )
            return redirect(url_for("pages.safety"))
    return _safety(errors=errors, failed=vacancy_id), 422


def _safety(**extra: Any) -> str:
    session = get_session()
    entries, _ = lures.list_avoid(session, PAGE, None)
    held, _ = lures.list_held(session, PAGE, None)
    employers = list_employers(session, g.principal, PAGE, None, None)["items"]
    known = names()
    return render_template(
        "admin/safety.html",
        entries=entries,
        held=held,
        employers=sorted(employers, key=lambda e: e.name.casefold()),
        employer_names={e.id: e.name for e in employers},
        towns=sorted(known.towns, key=lambda c: known.towns[c][0]),
        errors=extra.pop("errors", {}),
        form=extra.pop("form", {}),
        **extra,
    )


@bp.get("/admin/models")
@page_for("admin")
def models() -> Any:
    """Every outcome model with its backtest; the active one's calibration chart."""
    return _models()


@bp.post("/admin/models/train")
@page_for("admin")
def train() -> Any:
    try:
        made = outcome_models.train_model(
            get_session(),
            g.principal,
            current_config(),
            activate_it=request.form.get("activate") == "1",
        )
    except ApiError as exc:
        get_session().rollback()
        return _models(error=exc.detail), 422
    flash(gettext("Model %(version)s is trained.", version=made["version"]))
    return redirect(url_for("pages.models"))


@bp.post("/admin/models/<version>/activate")
@page_for("admin")
def activate(version: str) -> Any:
    try:
        outcome_models.activate(get_session(), g.principal, version)
    except ApiError as exc:
        get_session().rollback()
        return error_page(exc.status, exc)
    flash(gettext("Model %(version)s now joins the score.", version=version))
    return redirect(url_for("pages.models"))


def _models(**extra: Any) -> str:
    session = get_session()
    config = current_config()
    items = outcome_models.list_models(session)
    active = next((m for m in items if m["active"]), None)
    card = outcome_models.current_model(session)["metrics"] if active else None
    return render_template(
        "admin/models.html",
        models=items,
        active=active,
        metrics=card,
        chart=calibration_chart(card.get("reliability", [])) if card else None,
        outcomes=outcomes_count(session),
        min_outcomes=config.min_outcomes,
        group_names=GROUPS,
        level_names=LEVELS,
        **extra,
    )
