"""Survivor records: validate, create, read, update, list; scoped to the NGO, audited.

A counsellor works only on their own NGO's survivors; another NGO's record is "not
found", never "forbidden", so that its existence is not revealed. Admins may read
any record. Every read and write leaves an ``AuditEvent`` (who, whose record, what;
never the content). Nothing here logs survivor data.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Row, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal, may_see, own_org
from api.errors import Conflict, NotFound, Unprocessable
from api.store.consent import add_consent
from api.store.db import unit_of_work
from api.store.models import Occupation, Province, SkillFamily, Survivor, Town, Track
from api.store.models.people import SURVIVOR_FIELDS
from api.store.pagination import paginate
from matcher.types import RELOCATION_CHOICES
from training_catalog.types import LITERACY_LEVELS

# A case code is the NGO's pseudonym, never a name: the API's schema and the pages'
# form both check it with these.
CASE_CODE = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
CASE_CODE_MESSAGE = (
    "must be the NGO's pseudonymous case code (letters, digits, . _ / -), never a name"
)
MIN_AGE = 10  # younger children are not placed in training or work at all
MAX_AGE = 80
APTITUDE_MAX = 5
EDUCATION_MAX_GRADE = 12

# Defaults of a new record for the fields a counsellor may leave out.
DEFAULTS: dict[str, Any] = {
    "gender": None,
    "education_grade": 0,
    "aptitudes": {},
    "preferences": [],
    "relocation": RELOCATION_CHOICES[0],
    "willing_towns": [],
    "avoid_towns": [],
    "needs_accommodation": False,
    "self_employment_interest": False,
    "completed_tracks": [],
    "consent_share_with_employers": False,
    "notes": "",
}
REQUIRED: tuple[str, ...] = ("case_code", "birth_year", "home_province", "literacy")


def today_utc() -> date:
    return datetime.now(UTC).date()


def _codes(session: Session, column: Any) -> set[str]:
    return set(session.scalars(select(column)))


def known_track_codes(session: Session) -> set[str]:
    return _codes(session, Track.code)


def _unknown(values: Sequence[str], known: Collection[str]) -> list[str]:
    return [v for v in values if v not in known]


def survivor_problems(
    session: Session, data: Mapping[str, Any], *, today: date | None = None
) -> list[dict[str, str]]:
    """Every problem with the given fields (only those present are checked).

    Types were checked by the request schema; this checks values against the reference
    data and the plausible ranges, and lists each problem as ``{"field", "message"}``.
    """
    problems: list[dict[str, str]] = []

    def add(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    year = (today or today_utc()).year
    if "birth_year" in data:
        age = year - data["birth_year"]
        if not MIN_AGE <= age <= MAX_AGE:
            add(
                "birth_year",
                f"must make the survivor between {MIN_AGE} and {MAX_AGE} years old this "
                f"year ({year - MAX_AGE} to {year - MIN_AGE})",
            )
    if "home_province" in data and session.get(Province, data["home_province"]) is None:
        add("home_province", "is not a known province code (ISO 3166-2:KH, e.g. KH-20)")
    if "literacy" in data and data["literacy"] not in LITERACY_LEVELS:
        add("literacy", f"must be one of {', '.join(LITERACY_LEVELS)}")
    if "relocation" in data and data["relocation"] not in RELOCATION_CHOICES:
        add("relocation", f"must be one of {', '.join(RELOCATION_CHOICES)}")
    if "education_grade" in data and not 0 <= data["education_grade"] <= EDUCATION_MAX_GRADE:
        add("education_grade", f"must be a school grade from 0 to {EDUCATION_MAX_GRADE}")
    if "aptitudes" in data:
        families = _codes(session, SkillFamily.name)
        for family, level in data["aptitudes"].items():
            if family not in families:
                add(f"aptitudes.{family}", "is not a known skill family")
            elif not 0 <= level <= APTITUDE_MAX:
                add(f"aptitudes.{family}", f"must be from 0 to {APTITUDE_MAX}")
    tracks = (
        known_track_codes(session) if {"preferences", "completed_tracks"} & data.keys() else set()
    )
    if "preferences" in data:
        known = _codes(session, Occupation.code) | tracks
        for code in _unknown(data["preferences"], known):
            add("preferences", f"{code!r} is not an occupation (ISCO-08) or track code")
        if len(set(data["preferences"])) != len(data["preferences"]):
            add("preferences", "lists a code more than once")
    if "completed_tracks" in data:
        for code in _unknown(data["completed_tracks"], tracks):
            add("completed_tracks", f"{code!r} is not a known track code")
    towns = _codes(session, Town.code) if {"willing_towns", "avoid_towns"} & data.keys() else set()
    for field in ("willing_towns", "avoid_towns"):
        for code in _unknown(data.get(field, ()), towns):
            add(field, f"{code!r} is not a known town code")
    both = set(data.get("willing_towns", ())) & set(data.get("avoid_towns", ()))
    if both:
        add("avoid_towns", f"{', '.join(sorted(both))} also listed in willing_towns")
    return problems


def find_survivor(session: Session, principal: Principal, survivor_id: int) -> Survivor:
    """The survivor, if the principal may see it; otherwise ``NotFound`` (never 403)."""
    return _visible(principal, session.get(Survivor, survivor_id))


# Recommending reads one survivor per request: a Core statement built once.
_SURVIVOR_ROW = select(Survivor.__table__).where(Survivor.__table__.c.id == bindparam("id"))


def find_survivor_row(session: Session, principal: Principal, survivor_id: int) -> Row[Any]:
    """``find_survivor`` as a plain row (for the hot path: no ORM object is built)."""
    return _visible(principal, session.execute(_SURVIVOR_ROW, {"id": survivor_id}).first())


SurvivorLike = TypeVar("SurvivorLike", Survivor, Row[Any])


def _visible(principal: Principal, survivor: SurvivorLike | None) -> SurvivorLike:
    if survivor is None or not may_see(principal, survivor.org_id):
        raise NotFound("There is no survivor with this id in your organisation.")
    return survivor


def _check(session: Session, data: Mapping[str, Any]) -> None:
    problems = survivor_problems(session, data)
    if problems:
        fields = ", ".join(dict.fromkeys(p["field"] for p in problems))
        raise Unprocessable(f"The survivor record has invalid fields: {fields}", problems)


def case_code_taken(session: Session, org_id: int, case_code: str, but: int | None) -> bool:
    stmt = select(Survivor.id).where(Survivor.org_id == org_id, Survivor.case_code == case_code)
    if but is not None:
        stmt = stmt.where(Survivor.id != but)
    return session.scalar(stmt) is not None


def _duplicate(case_code: str) -> Conflict:
    return Conflict(
        "Your organisation already has a survivor with this case code.",
        [{"field": "case_code", "message": "already used by another survivor of your NGO"}],
    )


def create_survivor(session: Session, principal: Principal, data: Mapping[str, Any]) -> Survivor:
    """Validate and store a new survivor of the counsellor's NGO."""
    missing = [f for f in REQUIRED if f not in data]
    if missing:
        raise Unprocessable(
            f"Missing fields: {', '.join(missing)}",
            [{"field": f, "message": "is required"} for f in missing],
        )
    _check(session, data)
    values = {**DEFAULTS, **{k: v for k, v in data.items() if k in SURVIVOR_FIELDS}}
    org_id = own_org(principal)
    with unit_of_work(session):
        if case_code_taken(session, org_id, values["case_code"], None):
            raise _duplicate(values["case_code"])
        given = values.pop("consent_share_with_employers")
        survivor = Survivor(org_id=org_id, **values)
        session.add(survivor)
        try:
            session.flush()
        except IntegrityError as exc:  # a concurrent insert of the same case code
            raise _duplicate(values["case_code"]) from exc
        if given:
            _consent_from_record(session, principal, survivor, given=True)
        audit(session, principal, "create", "survivor", survivor.id, survivor.org_id)
    return survivor


def read_survivor(session: Session, principal: Principal, survivor_id: int) -> Survivor:
    """One survivor record, audited."""
    with unit_of_work(session):
        survivor = find_survivor(session, principal, survivor_id)
        audit(session, principal, "read", "survivor", survivor.id, survivor.org_id)
    return survivor


def update_survivor(
    session: Session, principal: Principal, survivor_id: int, changes: Mapping[str, Any]
) -> Survivor:
    """Change some fields of a survivor of the counsellor's NGO."""
    survivor = find_survivor(session, principal, survivor_id)
    _check(session, changes)
    with unit_of_work(session):
        code = changes.get("case_code")
        if code is not None and case_code_taken(session, survivor.org_id, code, survivor.id):
            raise _duplicate(code)
        for key, value in changes.items():
            if key in SURVIVOR_FIELDS and key != "consent_share_with_employers":
                setattr(survivor, key, value)
        try:
            session.flush()
        except IntegrityError as exc:  # a concurrent change to the same case code
            raise _duplicate(code or survivor.case_code) from exc
        given = changes.get("consent_share_with_employers")
        if given is not None and given != survivor.consent_share_with_employers:
            _consent_from_record(session, principal, survivor, given=given)
        audit(session, principal, "update", "survivor", survivor.id, survivor.org_id)
    return survivor


def _consent_from_record(
    session: Session, principal: Principal, survivor: Survivor, *, given: bool
) -> None:
    # The record's flag is the consent history's newest entry: a change through it is
    # kept as an entry of unknown method (and, for a minor, no guardian's agreement).
    add_consent(
        session,
        survivor,
        given=given,
        method=None,
        guardian_consented=False,
        note="changed on the survivor record",
        user_id=principal.user_id,
    )


def list_survivors(
    session: Session,
    principal: Principal,
    limit: int,
    cursor: str | None,
    case_code_contains: str | None = None,
) -> tuple[Sequence[Survivor], str | None]:
    """A page of the NGO's survivors (every NGO's for an admin), optionally those whose
    case code contains a text (any case); each one read is audited."""
    stmt = select(Survivor)
    if principal.role != "admin":
        stmt = stmt.where(Survivor.org_id == principal.org_id)
    if case_code_contains:
        stmt = stmt.where(Survivor.case_code.icontains(case_code_contains, autoescape=True))
    with unit_of_work(session):
        items, next_cursor = paginate(session, stmt, Survivor.id, limit, cursor)
        for survivor in items:
            audit(session, principal, "read", "survivor", survivor.id, survivor.org_id)
    return items, next_cursor
