"""Use cases of employers and their vacancies: registration, vetting, posting and
editing vacancies under the labour law, and who may see what."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVarTuple

import marshmallow as ma
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.auth import Principal
from api.config import ServiceConfig
from api.errors import Conflict, NotFound, Unprocessable
from api.services.fields import Text, loaded
from api.services.lures import screen
from api.services.referrals import lock_vacancy, positions_held
from api.store.catalog import not_held, offerable, plain_occupation
from api.store.db import begin_writing, unit_of_work
from api.store.models import Employer, Occupation, Town, Track, Vacancy
from api.store.models.base import utcnow
from api.store.pagination import paginate
from api.store.seasons import current_season
from market_survey.money import CURRENCIES, PAY_UNITS, amount_usd_month
from market_survey.types import WORKING_DAYS_PER_MONTH
from training_catalog import risk_approval_violation, vacancy_law_violations

Ts = TypeVarTuple("Ts")


VACANCY_FIELDS = (
    "occupation",
    "town",
    "pay",
    "pay_unit",
    "currency",
    "positions",
    "provides_food",
    "provides_room",
    "min_age",
    "night_shift",
    "description",
)


# --- an employer's fields ------------------------------------------------------------


class EmployerIn(ma.Schema):
    """A business registering itself: the API's body and the employer's form."""

    name = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    town = Text(required=True, validate=ma.validate.Length(min=1, max=8))
    sector = Text(load_default="", validate=ma.validate.Length(max=200))
    contact = Text(load_default="", validate=ma.validate.Length(max=300))


def employer_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A registration as a person typed it, loaded by the API's schema; 422 naming every
    bad field."""
    return loaded(EmployerIn, raw, "The business cannot be registered as it stands.")


# --- a vacancy's fields --------------------------------------------------------------


def _default(required: bool, value: Any) -> dict[str, Any]:
    """A load default only when posting: a change leaves absent fields alone."""
    return {"load_default": value} if required else {}


def _vacancy_fields(required: bool) -> dict[str, ma.fields.Field[Any]]:
    """Writable fields of a vacancy; required ones to post, none to change."""
    need: dict[str, Any] = {"required": True} if required else {}

    def flag() -> ma.fields.Boolean:
        return ma.fields.Boolean(**_default(required, False))

    return {
        "occupation": Text(validate=ma.validate.Length(min=1, max=4), **need),
        "town": Text(validate=ma.validate.Length(min=1, max=8), **need),
        "pay": ma.fields.Float(
            validate=ma.validate.Range(min=0, min_inclusive=False, max=1_000_000_000), **need
        ),
        "pay_unit": Text(validate=ma.validate.OneOf(PAY_UNITS), **need),
        "currency": Text(validate=ma.validate.OneOf(CURRENCIES), **need),
        "positions": ma.fields.Integer(
            strict=True, validate=ma.validate.Range(min=1, max=100_000), **need
        ),
        "provides_food": flag(),
        "provides_room": flag(),
        "min_age": ma.fields.Integer(
            strict=True, validate=ma.validate.Range(min=0, max=99), **need
        ),
        "night_shift": ma.fields.Boolean(
            metadata={"description": "any work between 22:00 and 05:00"},
            **_default(required, False),
        ),
        "hires_from_track": Text(
            allow_none=True,
            validate=ma.validate.Length(min=1, max=64),
            **_default(required, None),
        ),
        "description": Text(validate=ma.validate.Length(max=2000), **_default(required, "")),
    }


#: A vacancy to post and a change to one: the API's bodies and the employer's form.
VacancyCreate = ma.Schema.from_dict(_vacancy_fields(required=True), name="VacancyCreate")
VacancyPatch = ma.Schema.from_dict(
    {
        **_vacancy_fields(required=False),
        "positions_filled": ma.fields.Integer(
            strict=True, validate=ma.validate.Range(min=0, max=100_000)
        ),
        "status": Text(validate=ma.validate.OneOf(("open", "closed"))),
    },
    name="VacancyPatch",
)


def vacancy_fields(
    raw: Mapping[str, Any], schema: type[ma.Schema] = VacancyCreate
) -> dict[str, Any]:
    """A vacancy's fields as a person typed them, loaded by the API's schema; 422 naming
    every bad field (the law's checks come after, in ``vacancy_problems``)."""
    return loaded(schema, raw, "The vacancy cannot be posted as it stands.")


# --- money ---------------------------------------------------------------------------


def pay_usd_month(
    session: Session, config: ServiceConfig, pay: float, unit: str, currency: str
) -> float:
    """Normalise a vacancy's pay to US$ per month, as the survey does.

    The rates are the current published season's ``khr_per_usd`` and
    ``working_days_per_month`` when there is one; otherwise the ``KHR_PER_USD`` setting
    (``PATHWAYS_KHR_PER_USD``) and the usual working days.
    """
    khr_per_usd, working_days = config.khr_per_usd, WORKING_DAYS_PER_MONTH
    season = current_season(session)
    if season is not None:
        khr_per_usd = float(season.khr_per_usd)
        working_days = float(season.working_days_per_month or WORKING_DAYS_PER_MONTH)
    usd = round(
        amount_usd_month(
            pay, unit, currency, khr_per_usd=khr_per_usd, working_days_per_month=working_days
        ),
        2,
    )
    if usd <= 0:
        raise Unprocessable(
            "The pay comes to less than one cent a month.",
            [{"field": "pay", "message": f"{pay} {currency} a {unit} is under US$0.01 a month"}],
        )
    return usd


# --- employers -----------------------------------------------------------------------


def own_employer(session: Session, principal: Principal) -> Employer | None:
    """The employer profile of the caller's organisation, if it registered one."""
    return session.scalar(select(Employer).where(Employer.org_id == principal.org_id))


def register_employer(session: Session, principal: Principal, data: Mapping[str, Any]) -> Employer:
    """Create the caller's employer profile, pending vetting (one per organisation)."""
    try:
        with unit_of_work(session):
            if own_employer(session, principal) is not None:
                raise Conflict(
                    f"{principal.org_name!r} already has an employer profile: one per organisation."
                )
            if session.get(Town, data["town"]) is None:
                raise Unprocessable(
                    "The employer names an unknown town.",
                    [{"field": "town", "message": f"unknown town code {data['town']!r}"}],
                )
            employer = Employer(
                org_id=principal.org_id,
                name=data["name"],
                town=data["town"],
                sector=data.get("sector", ""),
                contact=data.get("contact", ""),
                vetting="pending",
            )
            session.add(employer)
            session.flush()
    except IntegrityError as exc:  # the same organisation registered meanwhile
        raise Conflict(
            f"{principal.org_name!r} already has an employer profile: one per organisation."
        ) from exc
    return employer


def _employers_visible_to(principal: Principal) -> Select[Employer]:
    stmt = select(Employer)
    if principal.role == "employer":
        return stmt.where(Employer.org_id == principal.org_id)
    if principal.role == "counsellor":
        return stmt.where(Employer.vetting == "vetted")
    return stmt


def list_employers(
    session: Session, principal: Principal, limit: int, cursor: str | None, vetting: str | None
) -> dict[str, Any]:
    """Employers the caller may see: an admin all, an employer its own, a counsellor vetted."""
    stmt = _employers_visible_to(principal)
    if vetting:
        stmt = stmt.where(Employer.vetting == vetting)
    items, next_cursor = paginate(session, stmt, Employer.id, limit, cursor)
    return {"items": items, "next_cursor": next_cursor}


def get_employer(session: Session, principal: Principal, employer_id: int) -> Employer:
    """An employer the caller may see, else 404."""
    employer = session.scalar(_employers_visible_to(principal).where(Employer.id == employer_id))
    if employer is None:
        raise NotFound(f"There is no employer {employer_id} you may see.")
    return employer


def vet_employer(
    session: Session, principal: Principal, employer_id: int, data: Mapping[str, Any]
) -> Employer:
    """Record an admin's decision; suspending hides the employer's vacancies at once."""
    with unit_of_work(session):
        employer = session.get(Employer, employer_id)
        if employer is None:
            raise NotFound(f"There is no employer {employer_id}.")
        approved = data.get("approved_for_risk")
        if approved and data["status"] != "vetted":
            raise Unprocessable(
                "Only a vetted employer can be approved for exploitation-risk occupations.",
                [{"field": "approved_for_risk", "message": "needs status vetted"}],
            )
        employer.vetting = data["status"]
        employer.vetting_note = data["note"]
        employer.decided_by = principal.user_id
        employer.decided_at = utcnow()
        if data["status"] != "vetted":
            employer.approved_for_risk = False
        elif approved is not None:
            employer.approved_for_risk = approved
        session.flush()
    return employer


# --- vacancies -----------------------------------------------------------------------


def _vacancies_visible_to(principal: Principal) -> Select[Vacancy]:
    """Admin: all. Employer: its own. Counsellor: vetted employers' open ones with room."""
    stmt = select(Vacancy)
    if principal.role == "employer":
        return stmt.join(Employer, Employer.id == Vacancy.employer_id).where(
            Employer.org_id == principal.org_id
        )
    if principal.role == "counsellor":
        return not_held(offerable(stmt.join(Employer, Employer.id == Vacancy.employer_id))).where(
            Employer.vetting == "vetted",
            Vacancy.status == "open",
            Vacancy.positions_filled < Vacancy.positions,
        )
    return stmt


def list_vacancies(
    session: Session,
    principal: Principal,
    limit: int,
    cursor: str | None,
    filters: Mapping[str, Any],
) -> dict[str, Any]:
    """One page of the vacancies the caller may see."""
    stmt = _vacancies_visible_to(principal)
    if filters.get("town"):
        stmt = stmt.where(Vacancy.town == filters["town"])
    if filters.get("occupation"):
        stmt = stmt.where(Vacancy.occupation == filters["occupation"])
    items, next_cursor = paginate(session, stmt, Vacancy.id, limit, cursor)
    return {"items": items, "next_cursor": next_cursor}


def get_vacancy(session: Session, principal: Principal, vacancy_id: int) -> Vacancy:
    """A vacancy the caller may see, else 404 (never reveal another's exists)."""
    vacancy = session.scalar(_vacancies_visible_to(principal).where(Vacancy.id == vacancy_id))
    if vacancy is None:
        raise NotFound(f"There is no vacancy {vacancy_id} you may see.")
    return vacancy


def vacancy_problems(
    session: Session, employer: Employer, values: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], Track | None]:
    """Every problem of a vacancy's values (references, counts, the law), and its track."""
    errors: list[dict[str, Any]] = []
    occupation = session.get(Occupation, values["occupation"])
    if occupation is None:
        errors.append(
            {"field": "occupation", "message": f"unknown occupation {values['occupation']!r}"}
        )
    if session.get(Town, values["town"]) is None:
        errors.append({"field": "town", "message": f"unknown town code {values['town']!r}"})
    track = None
    if values.get("hires_from_track"):
        track = session.scalar(select(Track).where(Track.code == values["hires_from_track"]))
        if track is None:
            errors.append(
                {
                    "field": "hires_from_track",
                    "message": f"unknown track {values['hires_from_track']!r}",
                }
            )
    if values["positions_filled"] > values["positions"]:
        errors.append(
            {
                "field": "positions_filled",
                "message": f"cannot exceed positions ({values['positions']})",
            }
        )
    if occupation is not None:
        plain = plain_occupation(occupation)
        violations = vacancy_law_violations(plain, values["min_age"], values["night_shift"])
        approval = risk_approval_violation(plain, employer.approved_for_risk)
        if approval is not None:
            violations.append(approval)
        errors.extend(
            {"field": v.field, "message": f"{v.message} ({v.rule})", "rule": v.rule}
            for v in violations
        )
    return errors, track


def create_vacancy(
    session: Session, principal: Principal, config: ServiceConfig, data: Mapping[str, Any]
) -> Vacancy:
    """Post a vacancy of the caller's employer profile, checked against the law."""
    with unit_of_work(session):
        employer = own_employer(session, principal)
        if employer is None:
            raise Conflict(
                "Register your employer profile (POST /api/v1/employers) before posting vacancies."
            )
        values = {**data, "positions_filled": 0}
        errors, track = vacancy_problems(session, employer, values)
        if errors:
            raise Unprocessable("The vacancy cannot be posted as it stands.", errors)
        vacancy = Vacancy(employer_id=employer.id, hires_from_track_id=track.id if track else None)
        for field in VACANCY_FIELDS:
            setattr(vacancy, field, data[field])
        vacancy.pay_usd_month = pay_usd_month(
            session, config, data["pay"], data["pay_unit"], data["currency"]
        )
        session.add(vacancy)
        session.flush()
        screen(session, config, vacancy)
    return vacancy


def _current_values(vacancy: Vacancy) -> dict[str, Any]:
    values = {field: getattr(vacancy, field) for field in VACANCY_FIELDS}
    values["positions_filled"] = vacancy.positions_filled
    values["status"] = vacancy.status
    values["hires_from_track"] = vacancy.hires_from_track.code if vacancy.hires_from_track else None
    return values


def update_vacancy(
    session: Session,
    principal: Principal,
    config: ServiceConfig,
    vacancy_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Vacancy:
    """Edit a vacancy if ``expected_version`` is still its version (else 409)."""
    counts = "positions" in changes or "positions_filled" in changes
    try:
        if counts:
            # Under the lock a referral takes, so that none is made while we count.
            begin_writing(session)
        with unit_of_work(session):
            vacancy = get_vacancy(session, principal, vacancy_id)
            if counts:
                lock_vacancy(session, vacancy.id)
            if vacancy.version != expected_version:
                raise Conflict(
                    f"The vacancy changed since you read it (version {expected_version}; now "
                    f"{vacancy.version}): read it again and repeat your change.",
                    headers={"ETag": etag(vacancy.version)},
                )
            values = {**_current_values(vacancy), **changes}
            errors, track = vacancy_problems(session, vacancy.employer, values)
            if errors:
                raise Unprocessable("The vacancy cannot be changed that way.", errors)
            if counts:
                _keep_taken_positions(session, vacancy.id, values)
            pay_changed = any(
                values[f] != getattr(vacancy, f) for f in ("pay", "pay_unit", "currency")
            )
            # Normalise before changing anything: its query would autoflush a first
            # UPDATE and the version would go up twice for one edit.
            usd = (
                pay_usd_month(
                    session, config, values["pay"], values["pay_unit"], values["currency"]
                )
                if pay_changed
                else vacancy.pay_usd_month
            )
            for field in (*VACANCY_FIELDS, "positions_filled", "status"):
                if field in changes:
                    setattr(vacancy, field, values[field])
            if "hires_from_track" in changes:
                vacancy.hires_from_track = track
            vacancy.pay_usd_month = usd
            if any(f in changes for f in ("pay", "pay_unit", "currency", "occupation", "town")) or (
                "provides_room" in changes
            ):
                screen(session, config, vacancy)
            session.flush()
    except StaleDataError as exc:  # another writer updated the row between read and write
        raise Conflict("The vacancy changed meanwhile: read it again.") from exc
    return vacancy


def _keep_taken_positions(session: Session, vacancy_id: int, values: Mapping[str, Any]) -> None:
    """409 when the new positions are fewer than those taken (open referrals and
    placements, plus the ones the employer filled itself)."""
    taken = positions_held(session, vacancy_id, with_filled=False)
    needed = taken + values["positions_filled"]
    if values["positions"] < needed:
        raise Conflict(
            f"The vacancy cannot have {values['positions']} position(s): {taken} are taken "
            f"by open referrals and placements"
            + (f" and {values['positions_filled']} filled" if values["positions_filled"] else "")
            + f". Withdraw or end some first, or keep at least {needed}.",
            [{"field": "positions", "message": f"at least {needed} are taken"}],
        )


def etag(version: int) -> str:
    return f'"{version}"'
