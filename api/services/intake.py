"""A counsellor's intake form: a survivor record and their consent, checked together.

The page sends both at once; every problem, the record's and the consent's, is listed
in one answer and nothing is written while there is one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from api.auth import Principal
from api.errors import Unprocessable
from api.services.consents import ADULT_AGE, record_consent
from api.services.survivors import (
    REQUIRED,
    create_survivor,
    find_survivor,
    survivor_problems,
    today_utc,
    update_survivor,
)
from api.store.models import Survivor
from matcher.safeguards import lowest_age


def _consent_problems(birth_year: Any, consent: Mapping[str, Any] | None) -> list[dict[str, str]]:
    if not consent or not consent.get("given"):
        return []
    problems = []
    if consent.get("method") not in ("verbal", "written"):
        problems.append({"field": "consent_method", "message": "say how consent was given"})
    minor = isinstance(birth_year, int) and lowest_age(birth_year, today_utc()) < ADULT_AGE
    if minor and not consent.get("guardian_consented"):
        problems.append(
            {
                "field": "guardian_consented",
                "message": "must be true for a minor's consent (Labour Law art. 179)",
            }
        )
    return problems


def _raise_if(problems: list[dict[str, str]]) -> None:
    if problems:
        fields = ", ".join(dict.fromkeys(p["field"] for p in problems))
        raise Unprocessable(f"The survivor record has invalid fields: {fields}", problems)


def record_intake(
    session: Session,
    principal: Principal,
    data: Mapping[str, Any],
    consent: Mapping[str, Any] | None,
    found: Sequence[Mapping[str, str]] = (),
) -> Survivor:
    """A new survivor of the counsellor's NGO and, if given, their consent.

    ``found`` are problems the entry point already found (a year that is not a number):
    they are listed with the others.
    """
    problems = [dict(p) for p in found]
    problems += [
        {"field": f, "message": "is required"}
        for f in REQUIRED
        if data.get(f) in (None, "") and not any(p["field"] == f for p in found)
    ]
    problems += survivor_problems(session, {k: v for k, v in data.items() if v is not None})
    _raise_if(problems + _consent_problems(data.get("birth_year"), consent))
    survivor = create_survivor(session, principal, data)
    if consent and consent.get("given"):
        record_consent(session, principal, survivor.id, consent)
    return survivor


def change_intake(
    session: Session,
    principal: Principal,
    survivor_id: int,
    changes: Mapping[str, Any],
    consent: Mapping[str, Any] | None,
    found: Sequence[Mapping[str, str]] = (),
) -> Survivor:
    """Changes to a survivor's record and, when it changed, their consent (``found``: as
    for ``record_intake``)."""
    survivor = find_survivor(session, principal, survivor_id)
    problems = [dict(p) for p in found] + survivor_problems(session, changes)
    given = bool(consent and consent.get("given"))
    changed = consent is not None and given != survivor.consent_share_with_employers
    if changed:
        problems += _consent_problems(changes.get("birth_year", survivor.birth_year), consent)
    _raise_if(problems)
    survivor = update_survivor(session, principal, survivor_id, changes)
    if changed and consent is not None:
        record_consent(session, principal, survivor.id, {**consent, "given": given})
    return survivor
