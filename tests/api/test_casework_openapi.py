"""The OpenAPI document tells the truth about case work: every status that a referral,
placement, follow-up, closure, consent or report operation answered in a real session
is documented for that operation (errors as problem+json), and the fields it sends are
typed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import request, request_finished

from tests.api.casework_factories import Case

PROBLEM = "#/components/schemas/Problem"
FOUND_JOB = {"occupation": "7231", "town": "SVR", "employer_name": "Uncle's garage"}


@pytest.fixture
def case(client, token) -> Case:
    return Case(client, token)


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([^>]+)>", r"{\1}", rule)


def _session(case: Case) -> None:
    """A counsellor's, an employer's and an admin's day, with their mistakes."""
    case.season()
    vacancy = case.vacancy(positions=1)
    survivor, other, shy = case.survivor(), case.survivor(), case.survivor(consent=False)
    case.call("GET", f"/survivors/{shy}/consents", case.counsellor, status=200)
    case.call("POST", f"/survivors/{survivor}/consents", case.counsellor, {"given": 1}, 422)
    case.call("GET", f"/survivors/{survivor}/consents", case.other_counsellor, status=404)
    referral = case.refer(vacancy, survivor)
    case.refer(vacancy, other, status=409)
    case.refer(vacancy, shy, status=422)
    case.refer(vacancy + 1000, other, status=404)
    case.call("POST", f"/vacancies/{vacancy}/referrals", case.employer, {"survivor_id": 1}, 403)
    case.call("POST", f"/vacancies/{vacancy}/referrals", {}, {"survivor_id": 1}, 401)
    case.client.post(
        f"/api/v1/vacancies/{vacancy}/referrals",
        data="{not json",
        headers={**case.counsellor, "Content-Type": "application/json"},
    )
    case.call("GET", f"/vacancies/{vacancy}/referrals", case.employer, status=200)
    case.call("GET", f"/vacancies/{vacancy}/referrals?limit=0", case.employer, status=422)
    case.call("GET", "/referrals", case.counsellor, status=200)
    case.call("GET", f"/referrals/{referral['id']}", case.other_counsellor, status=404)
    case.decide(referral["id"], "maybe", status=422)
    case.decide(referral["id"], "accept")
    case.decide(referral["id"], "accept", status=409)
    case.call("GET", f"/referrals/{referral['id']}", case.employer, status=200)
    version = case.get(f"/vacancies/{vacancy}", case.employer)["version"]
    case.call(
        "PATCH",
        f"/vacancies/{vacancy}",
        {**case.employer, "If-Match": str(version)},
        {"positions_filled": 1},
        409,  # the accepted referral holds the one position
    )
    case.call("PATCH", f"/vacancies/{vacancy}", case.employer, {"positions": 1}, 428)
    second = case.refer(case.vacancy(positions=2), other)
    case.post(f"/referrals/{second['id']}/withdraw", {"reason": "moved"}, case.counsellor, 200)
    case.post(f"/referrals/{second['id']}/withdraw", {"reason": "moved"}, case.counsellor, 409)
    case.post(f"/referrals/{second['id']}/withdraw", {}, case.counsellor, 422)
    job = case.place(survivor, referral_id=referral["id"])
    case.place(other, referral_id=referral["id"], status=422)
    case.place(other, vacancy_id=vacancy, status=409)
    case.place(other + 1000, status=404, **FOUND_JOB)
    case.call("GET", f"/placements/{job['id']}", case.counsellor, status=200)
    case.call("GET", f"/placements/{job['id']}", case.other_counsellor, status=404)
    case.call("GET", f"/survivors/{survivor}/placements", case.counsellor, status=200)
    case.call("GET", f"/survivors/{survivor}/placements", case.other_counsellor, status=404)
    case.follow_up(job["id"], month=1)
    case.follow_up(job["id"], month=1, status=409)
    case.follow_up(job["id"], monthly_income=-1, status=422)
    case.follow_up(job["id"] + 1000, status=404)
    case.call("GET", f"/placements/{job['id']}/follow-ups", case.counsellor, status=200)
    case.call("GET", f"/placements/{job['id']}/follow-ups", case.other_counsellor, status=404)
    case.call("GET", "/follow-ups/due", case.counsellor, status=200)
    case.call("GET", "/follow-ups/due?within_days=999", case.counsellor, status=422)
    case.call("GET", "/follow-ups/due", case.employer, status=403)
    end = {"ended_on": "2026-06-01", "reason": "pay_too_low"}
    case.post(f"/placements/{job['id']}/end", end, case.counsellor, 200)
    case.post(f"/placements/{job['id']}/end", end, case.counsellor, 409)
    case.post(f"/placements/{job['id']}/end", {"reason": "bored"}, case.counsellor, 422)
    case.post(f"/placements/{job['id'] + 1000}/end", end, case.counsellor, 404)
    case.post(f"/survivors/{survivor}/closure", {"reason": "reintegrated"}, case.counsellor, 422)
    case.post(f"/survivors/{survivor}/closure", {"reason": "moved"}, case.counsellor, 422)
    case.post(f"/survivors/{survivor}/closure", {"reason": "untraceable"}, case.counsellor, 201)
    case.post(f"/survivors/{survivor}/closure", {"reason": "died"}, case.counsellor, 409)
    case.post(f"/survivors/{shy}/closure", {"reason": "died"}, case.other_counsellor, 404)
    for query, status in (("", 200), ("?format=csv", 200), ("?format=svg", 200), ("?by=x", 422)):
        case.call("GET", f"/reports/outcomes{query}", case.admin, status=status)
    case.call("GET", "/reports/outcomes", case.surveyor, status=403)
    case.call("GET", "/reports/outcomes", {}, status=401)


CASEWORK = re.compile(r"referrals|placements|follow-ups|closure|consents|reports|vacancies/\{")


def test_every_status_a_casework_operation_answered_is_documented(app, case, client) -> None:
    answered: set[tuple[str, str, int, str]] = set()

    def record(sender: Any, response: Any, **_extra: Any) -> None:
        if request.url_rule is not None:
            answered.add(
                (request.method, request.url_rule.rule, response.status_code, response.mimetype)
            )

    with request_finished.connected_to(record, app):
        _session(case)
    spec = client.get("/api/v1/openapi.json").get_json()
    checked = 0
    for method, rule, status, mimetype in sorted(answered):
        path = _path(rule)
        if not CASEWORK.search(path):
            continue
        documented = spec["paths"][path][method.lower()]["responses"]
        assert str(status) in documented, f"{method} {path} answered {status}, undocumented"
        content = documented[str(status)].get("content", {})
        assert mimetype in content, f"{method} {path} {status}: {mimetype} is undocumented"
        if status >= 400:
            assert content[mimetype]["schema"] == {"$ref": PROBLEM}
        checked += 1
    statuses = {status for _, rule, status, _ in answered if CASEWORK.search(_path(rule))}
    assert statuses >= {200, 201, 400, 401, 403, 404, 409, 422, 428}, statuses
    assert checked > 40


def test_the_fields_case_work_sends_are_typed(client) -> None:
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("Referral", "Placement", "FollowUp", "Due", "Closure", "Consent", "ReportRow"):
        for field, prop in schemas[name]["properties"].items():
            assert "type" in prop or "$ref" in prop, f"{name}.{field} has no type"
    row = schemas["ReportRow"]["properties"]
    assert row["living_wage_usd_month"]["nullable"] is True
    placement = schemas["Placement"]["properties"]
    assert placement["follow_ups_due"]["items"] == {"type": "string", "format": "date"}
    assert set(placement["self_employment"]["properties"]) >= {"startup_cost_usd", "loan_usd"}
