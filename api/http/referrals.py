"""Referrals: counsellors refer consenting survivors, employers decide (API.md)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.http.caching import no_store
from api.http.fields import Text, UtcDateTime
from api.http.problems import problems
from api.services import referrals as service
from api.store.db import get_session
from api.store.pagination import PageArgs, page_schema

blp = Blueprint(
    "referrals",
    __name__,
    url_prefix="/api/v1",
    description="Referrals of survivors to vacancies (an employer sees no identity)",
)
blp.after_request(no_store)


class ReferralIn(ma.Schema):
    survivor_id = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1))


class DecisionIn(ma.Schema):
    decision = Text(required=True, validate=ma.validate.OneOf(("accept", "decline")))
    reason = Text(load_default="", validate=ma.validate.Length(max=2000))


class WithdrawIn(ma.Schema):
    reason = Text(required=True, validate=ma.validate.Length(min=1, max=2000))


class SkillSchema(ma.Schema):
    skill_family = ma.fields.String()
    level = ma.fields.Integer()


class TrainingSchema(ma.Schema):
    track = ma.fields.String()
    name = ma.fields.String()
    completed = ma.fields.Boolean()


class ReferralSchema(ma.Schema):
    """A counsellor sees the referral; an employer only id, vacancy_id, status, skills,
    training and available_from."""

    id = ma.fields.Integer()
    vacancy_id = ma.fields.Integer()
    survivor_id = ma.fields.Integer(metadata={"description": "Counsellors and admins only"})
    status = ma.fields.String(
        metadata={"enum": ["pending", "accepted", "declined", "withdrawn", "placed"]}
    )
    reason = ma.fields.String()
    skills = ma.fields.List(ma.fields.Nested(SkillSchema))
    training = ma.fields.List(ma.fields.Nested(TrainingSchema))
    available_from = ma.fields.Date()
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    updated_at = UtcDateTime()


ReferralPage = page_schema(ReferralSchema, "ReferralPage")


@blp.post("/vacancies/<int:vacancy_id>/referrals")
@blp.arguments(ReferralIn)
@blp.response(201, ReferralSchema)
@problems(blp, 404, 409)
@require_roles("counsellor")
def refer(body: dict[str, Any], vacancy_id: int) -> Any:
    """Refer a consenting survivor of your NGO (409: no position left; 422: no consent)."""
    return service.refer(get_session(), current_principal(), vacancy_id, body["survivor_id"])


@blp.get("/vacancies/<int:vacancy_id>/referrals")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ReferralPage)
@problems(blp, 404, 422)
@require_roles("counsellor", "employer", "admin")
def list_vacancy_referrals(args: dict[str, Any], vacancy_id: int) -> dict[str, Any]:
    """Referrals to a vacancy: an employer's to its own, a counsellor's of its NGO."""
    return service.list_referrals(
        get_session(), current_principal(), args["limit"], args["cursor"], vacancy_id
    )


@blp.get("/referrals")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ReferralPage)
@problems(blp, 422)
@require_roles("counsellor", "employer", "admin")
def list_referrals(args: dict[str, Any]) -> dict[str, Any]:
    """Referrals you may see, oldest first."""
    return service.list_referrals(get_session(), current_principal(), args["limit"], args["cursor"])


@blp.get("/referrals/<int:referral_id>")
@blp.response(200, ReferralSchema)
@problems(blp, 404)
@require_roles("counsellor", "employer", "admin")
def get_referral(referral_id: int) -> Any:
    """One referral you may see."""
    return service.read_referral(get_session(), current_principal(), referral_id)


@blp.post("/referrals/<int:referral_id>/decision")
@blp.arguments(DecisionIn)
@blp.response(200, ReferralSchema)
@problems(blp, 404, 409)
@require_roles("employer")
def decide(body: dict[str, Any], referral_id: int) -> Any:
    """Accept or decline a pending referral to your vacancy, with a reason."""
    return service.decide(get_session(), current_principal(), referral_id, body)


@blp.post("/referrals/<int:referral_id>/withdraw")
@blp.arguments(WithdrawIn)
@blp.response(200, ReferralSchema)
@problems(blp, 404, 409)
@require_roles("counsellor")
def withdraw(body: dict[str, Any], referral_id: int) -> Any:
    """Withdraw an open referral of your NGO; its position is free again."""
    return service.withdraw(get_session(), current_principal(), referral_id, body["reason"])
