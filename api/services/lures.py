"""Lure detection (admins): the list of towns and employers no one is sent to, and the
review of vacancies held because they look like a trafficker's offer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.config import ServiceConfig
from api.errors import Conflict, NotFound, Unprocessable
from api.services.fields import Text, loaded
from api.store.catalog import HELD, to_engine_vacancy
from api.store.db import unit_of_work
from api.store.lures import load_avoid_list, market_pay
from api.store.models import AVOID_KINDS, AvoidEntry, Employer, Occupation, Town, Vacancy
from api.store.pagination import paginate
from matcher.safeguards import lure_signs

REVIEW_DECISIONS = {"clear": "cleared", "reject": "rejected"}


def list_avoid(
    session: Session, limit: int, cursor: str | None
) -> tuple[Sequence[AvoidEntry], str | None]:
    """One page of the avoid list."""
    with unit_of_work(session):
        return paginate(session, select(AvoidEntry), AvoidEntry.id, limit, cursor)


def list_held(
    session: Session, limit: int, cursor: str | None
) -> tuple[Sequence[Vacancy], str | None]:
    """One page of the vacancies held for review as possible lures."""
    with unit_of_work(session):
        return paginate(
            session, select(Vacancy).where(Vacancy.review == HELD[0]), Vacancy.id, limit, cursor
        )


class AvoidEntryIn(ma.Schema):
    """A town (by code) or an employer (by id) to avoid, and why: the API's body, the
    safety page's form and ``pathways avoid-list add``."""

    kind = Text(required=True, validate=ma.validate.OneOf(AVOID_KINDS))
    town = Text(load_default=None, validate=ma.validate.Length(min=1, max=8))
    employer_id = ma.fields.Integer(
        load_default=None, strict=True, validate=ma.validate.Range(min=1, max=2**63 - 1)
    )
    reason = Text(required=True, validate=ma.validate.Length(min=1, max=2000))


def avoid_entry_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """An avoid-list entry as a person typed it, loaded by the API's schema; 422 naming
    every bad field (whether the town or employer exists is ``add_avoid``'s check)."""
    return loaded(AvoidEntryIn, raw, "The entry cannot be added as it stands.")


def add_avoid(session: Session, principal: Principal, data: Mapping[str, Any]) -> AvoidEntry:
    """Put a town or an employer on the avoid list, with the reason counsellors read."""
    kind = data["kind"]
    with unit_of_work(session):
        if kind == "town":
            if data.get("town") is None or session.get(Town, data["town"]) is None:
                raise Unprocessable(
                    "Name a town by its code.", [{"field": "town", "message": "unknown town"}]
                )
            entry = AvoidEntry(kind=kind, town=data["town"], reason=data["reason"])
        else:
            employer_id = data.get("employer_id")
            if employer_id is None or session.get(Employer, employer_id) is None:
                raise Unprocessable(
                    "Name an employer by its id.",
                    [{"field": "employer_id", "message": "unknown employer"}],
                )
            entry = AvoidEntry(kind=kind, employer_id=employer_id, reason=data["reason"])
        entry.created_by = principal.user_id
        session.add(entry)
        try:
            session.flush()
        except IntegrityError as exc:
            raise Conflict(f"That {kind} is on the avoid list already.") from exc
        audit(session, principal, "create", "avoid_entry", entry.id, None)
    return entry


def remove_avoid(session: Session, principal: Principal, entry_id: int) -> None:
    """Take an entry off the avoid list."""
    with unit_of_work(session):
        entry = session.get(AvoidEntry, entry_id)
        if entry is None:
            raise NotFound(f"There is no avoid-list entry {entry_id}.")
        session.delete(entry)
        audit(session, principal, "delete", "avoid_entry", entry_id, None)


def screen(session: Session, config: ServiceConfig, vacancy: Vacancy) -> None:
    """Hold a vacancy for review when it looks like a lure (the caller commits).

    Run when a vacancy is posted and whenever its pay, occupation, town or room
    changes: an admin's earlier clearance does not cover a changed offer.
    """
    occupation = session.get_one(Occupation, vacancy.occupation)
    signs = lure_signs(
        to_engine_vacancy(vacancy),
        on_the_job=occupation.on_the_job,
        market_pay_usd_month=market_pay(session, vacancy.occupation),
        avoid=load_avoid_list(session),
        pay_factor=config.lure_pay_factor,
    )
    if signs:
        vacancy.review, vacancy.review_reason = "held", "; ".join(signs)
    elif vacancy.review == "held":
        vacancy.review, vacancy.review_reason = None, None


def review_vacancy(
    session: Session, principal: Principal, vacancy_id: int, decision: str, note: str
) -> Vacancy:
    """An admin clears a held vacancy (it may be offered) or rejects it (never offered)."""
    with unit_of_work(session):
        vacancy = session.get(Vacancy, vacancy_id)
        if vacancy is None:
            raise NotFound(f"There is no vacancy {vacancy_id}.")
        if vacancy.review is None:
            raise Conflict("The vacancy is not held for review.")
        vacancy.review = REVIEW_DECISIONS[decision]
        vacancy.review_reason = "; ".join(r for r in (vacancy.review_reason, note) if r)
        session.flush()
        audit(session, principal, f"review_{decision}", "vacancy", vacancy.id, None)
    return vacancy
