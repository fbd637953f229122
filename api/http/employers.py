"""Employers and vacancies: employers register and post, admins vet, counsellors read."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.config import current_config
from api.errors import BadRequest, PreconditionRequired
from api.http.caching import no_store
from api.http.fields import Text, UtcDateTime
from api.services import employers as service
from api.services.employers import EmployerIn, VacancyCreate, VacancyPatch
from api.store.db import get_session
from api.store.models import Employer, Vacancy
from api.store.models.catalog import VETTING_STATUSES
from api.store.pagination import PageArgs, page_schema

blp = Blueprint("employers", __name__, url_prefix="/api/v1", description="Employers and vacancies")


blp.after_request(no_store)


class VettingIn(ma.Schema):
    status = Text(required=True, validate=ma.validate.OneOf(("vetted", "rejected", "suspended")))
    note = Text(required=True, validate=ma.validate.Length(min=1, max=2000))
    approved_for_risk = ma.fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={"description": "explicit approval for exploitation-risk occupations"},
    )


class EmployerSchema(ma.Schema):
    id = ma.fields.Integer()
    organisation = ma.fields.Function(lambda e: e.organisation.name)
    name = Text()
    town = Text()
    sector = Text()
    contact = Text()
    vetting = Text()
    vetting_note = Text(metadata={"description": "Admins only"})
    decided_by = ma.fields.Integer(allow_none=True, metadata={"description": "Admins only"})
    decided_at = UtcDateTime(allow_none=True)
    approved_for_risk = ma.fields.Boolean()
    created_at = UtcDateTime()

    @ma.post_dump
    def _internal_to_admins(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        # The vetting note and who decided are the admins' own ("suspended: police
        # inquiry" must not tip an employer off); others see the decision only.
        if current_principal().role != "admin":
            for name in INTERNAL_FIELDS:
                data.pop(name, None)
        return data


INTERNAL_FIELDS = ("vetting_note", "decided_by")


class EmployerQuery(PageArgs):
    vetting = Text(load_default=None, validate=ma.validate.OneOf(VETTING_STATUSES))


class VacancySchema(ma.Schema):
    id = ma.fields.Integer()
    employer_id = ma.fields.Integer()
    employer = ma.fields.Function(lambda v: {"id": v.employer.id, "name": v.employer.name})
    occupation = Text()
    town = Text()
    pay = ma.fields.Float()
    pay_unit = Text()
    currency = Text()
    pay_usd_month = ma.fields.Float()
    positions = ma.fields.Integer()
    positions_filled = ma.fields.Integer()
    positions_left = ma.fields.Integer()
    status = Text()
    provides_food = ma.fields.Boolean()
    provides_room = ma.fields.Boolean()
    min_age = ma.fields.Integer()
    night_shift = ma.fields.Boolean()
    hires_from_track = ma.fields.Function(
        lambda v: v.hires_from_track.code if v.hires_from_track else None
    )
    description = Text()
    review = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "Lure review: null, held (never offered until an admin clears "
            "it), cleared or rejected",
        },
    )
    version = ma.fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class VacancyQuery(PageArgs):
    town = Text(load_default=None)
    occupation = Text(load_default=None)


# --- employers -----------------------------------------------------------------------


@blp.post("/employers")
@blp.arguments(EmployerIn)
@blp.response(201, EmployerSchema)
@require_roles("employer")
def register_employer(body: dict[str, Any]) -> Employer:
    """Register your business (one profile per organisation); it starts pending."""
    return service.register_employer(get_session(), current_principal(), body)


@blp.get("/employers")
@blp.arguments(EmployerQuery, location="query")
@blp.response(200, page_schema(EmployerSchema, "EmployerPage"))
@require_roles("admin", "employer", "counsellor")
def list_employers(args: dict[str, Any]) -> dict[str, Any]:
    """Employers you may see: an admin all, an employer its own, a counsellor vetted."""
    return service.list_employers(
        get_session(), current_principal(), args["limit"], args["cursor"], args["vetting"]
    )


@blp.get("/employers/<int:employer_id>")
@blp.response(200, EmployerSchema)
@require_roles("admin", "employer", "counsellor")
def get_employer(employer_id: int) -> Employer:
    """One employer you may see."""
    return service.get_employer(get_session(), current_principal(), employer_id)


@blp.post("/employers/<int:employer_id>/vetting")
@blp.arguments(VettingIn)
@blp.response(200, EmployerSchema)
@require_roles("admin")
def vet_employer(body: dict[str, Any], employer_id: int) -> Employer:
    """Vet, reject or suspend an employer, with a note."""
    return service.vet_employer(get_session(), current_principal(), employer_id, body)


# --- vacancies -----------------------------------------------------------------------


def _with_etag(vacancy: Vacancy) -> tuple[Vacancy, dict[str, str]]:
    return vacancy, {"ETag": service.etag(vacancy.version)}


def _expected_version() -> int:
    """The version in ``If-Match``: ``3``, ``"3"`` or ``W/"3"``."""
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        raise PreconditionRequired(
            "Changing a vacancy needs the header If-Match: <version> (its ETag).",
            [{"field": "If-Match", "message": "missing"}],
        )
    value = raw.strip().removeprefix("W/").strip('"')
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not re.fullmatch("[0-9]{1,18}", value):
        raise BadRequest(
            "If-Match must carry the vacancy's version, as its ETag gives it.",
            [{"field": "If-Match", "message": f"not a version: {raw!r}"}],
        )
    return int(value)


@blp.post("/vacancies")
@blp.arguments(VacancyCreate)
@blp.response(201, VacancySchema)
@require_roles("employer")
def create_vacancy(body: dict[str, Any]) -> tuple[Vacancy, dict[str, str]]:
    """Post a vacancy; it is offered only once your business is vetted."""
    return _with_etag(
        service.create_vacancy(get_session(), current_principal(), current_config(), body)
    )


@blp.get("/vacancies")
@blp.arguments(VacancyQuery, location="query")
@blp.response(200, page_schema(VacancySchema, "VacancyPage"))
@require_roles("admin", "employer", "counsellor")
def list_vacancies(args: dict[str, Any]) -> dict[str, Any]:
    """An employer's own vacancies; a counsellor's: vetted employers' open ones with room."""
    return service.list_vacancies(
        get_session(), current_principal(), args["limit"], args["cursor"], args
    )


@blp.get("/vacancies/<int:vacancy_id>")
@blp.response(200, VacancySchema)
@require_roles("admin", "employer", "counsellor")
def get_vacancy(vacancy_id: int) -> tuple[Vacancy, dict[str, str]]:
    """One vacancy you may see, with its version as ETag."""
    return _with_etag(service.get_vacancy(get_session(), current_principal(), vacancy_id))


@blp.patch("/vacancies/<int:vacancy_id>")
@blp.arguments(VacancyPatch)
@blp.response(200, VacancySchema, headers={"ETag": {"schema": {"type": "string"}}})
@blp.alt_response(428, description="No If-Match header")
@blp.doc(
    parameters=[
        {
            "in": "header",
            "name": "If-Match",
            "required": True,
            "schema": {"type": "string"},
            "description": "The version you read (its ETag); stale: 409, missing: 428",
        }
    ]
)
@require_roles("employer", "admin")
def update_vacancy(body: dict[str, Any], vacancy_id: int) -> tuple[Vacancy, dict[str, str]]:
    """Change your vacancy; send If-Match with the version you read (stale: 409; fewer
    positions than open referrals and placements take: 409)."""
    session, principal = get_session(), current_principal()
    service.get_vacancy(session, principal, vacancy_id)  # another's is 404 before any 428
    version = _expected_version()
    vacancy = service.update_vacancy(
        session, principal, current_config(), vacancy_id, version, body
    )
    return _with_etag(vacancy)
