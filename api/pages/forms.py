"""Page forms read into the API's fields: strings become the types the use cases take,
and a value that is not even of the right type is a problem named by its field."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from api.services.survivors import CASE_CODE, CASE_CODE_MESSAGE

WISHES = 5  # how many wishes the form offers, most wanted first


def _whole(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def read_survivor_form(
    form: MultiDict[str, str], families: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, str]]]:
    """The survivor fields, the consent and the type problems of an intake or edit form."""
    data: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for field in ("case_code", "home_province", "literacy", "relocation"):
        data[field] = form.get(field, "").strip()
    if data["case_code"] and not re.fullmatch(CASE_CODE, data["case_code"]):
        problems.append({"field": "case_code", "message": CASE_CODE_MESSAGE})
    data["notes"] = form.get("notes", "").strip()
    data["gender"] = form.get("gender") or None
    for field in ("birth_year", "education_grade"):
        raw = form.get(field, "").strip()
        if raw or field == "birth_year":
            value = _whole(raw)
            if value is None:
                problems.append({"field": field, "message": gettext("must be a whole number")})
            else:
                data[field] = value
    aptitudes = {}
    for family in families:
        raw = form.get(f"aptitudes.{family}", "")
        if raw != "":
            value = _whole(raw)
            if value is None:
                problems.append(
                    {"field": f"aptitudes.{family}", "message": gettext("must be from 0 to 5")}
                )
            else:
                aptitudes[family] = value
    data["aptitudes"] = aptitudes
    data["preferences"] = [code for code in form.getlist("preferences") if code]
    data["willing_towns"] = form.getlist("willing_towns")
    data["avoid_towns"] = form.getlist("avoid_towns")
    for flag in ("needs_accommodation", "self_employment_interest"):
        data[flag] = bool(form.get(flag))
    consent = {
        "given": bool(form.get("consent_share_with_employers")),
        "method": form.get("consent_method", "verbal"),
        "guardian_consented": bool(form.get("guardian_consented")),
        "note": gettext("recorded on the intake form"),
    }
    return data, consent, problems


def field_errors(errors: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Error rows by field, for showing each message beside its field."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(str(error.get("field", "")), []).append(str(error["message"]))
    return by_field
