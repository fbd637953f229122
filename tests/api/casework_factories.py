"""Builders for case-work tests: a shelter, an employer with vacancies, a season with
living costs, survivors with consent, and the calls that refer, place and follow up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.api.builders import job
from tests.api.catalog_factories import post_vacancy, register_employer, vet
from tests.conftest import auth

THIS_YEAR = datetime.now(UTC).year
SHELTER = "Svay Rieng Shelter (test)"
OTHER_SHELTER = "Poipet Shelter (test)"
# Svay Rieng's living costs in the test season: food + room + other = US$110 a month.
SVR_COSTS = {"food": 60, "room": 30, "other": 20}
SVR_LIVING_WAGE = 110.0


class Case:
    """A test's tokens, and the calls a counsellor, an employer and an admin make."""

    def __init__(self, client: Any, token: Any) -> None:
        self.client = client
        self.counsellor = auth(token("counsellor", org=SHELTER))
        self.other_counsellor = auth(token("counsellor", org=OTHER_SHELTER))
        self.employer = auth(token("employer", org="Golden Wheel Garage"))
        self.other_employer = auth(token("employer", org="Lucky Salon"))
        self.admin = auth(token("admin", org="Pathways Operator"))
        self.surveyor = auth(token("surveyor", org="Svay Rieng Skills"))
        self._employers: dict[str, int] = {}
        self._cases = 0

    def call(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: Any = None,
        status: int | None = None,
    ) -> Any:
        response = self.client.open(f"/api/v1{url}", method=method, json=body, headers=headers)
        if status is not None:
            assert response.status_code == status, (response.status_code, response.get_json())
        return response

    def post(self, url: str, body: Any, headers: dict[str, str], status: int = 201) -> Any:
        return self.call("POST", url, headers, body, status).get_json()

    def get(self, url: str, headers: dict[str, str], status: int = 200) -> Any:
        return self.call("GET", url, headers, None, status).get_json()

    def season(self, living_wage: float = 88.75) -> int:
        body = {
            "label": "2026",
            "khr_per_usd": 4000,
            "minimum_wage_usd_month": 50,
            "living_wage_usd_month": living_wage,
        }
        season_id = self.post("/seasons", body, self.surveyor)["id"]
        self.post(
            f"/seasons/{season_id}/survey",
            {"table": "living_costs", "rows": [{"town": "SVR", **SVR_COSTS, "currency": "USD"}]},
            self.surveyor,
            200,
        )
        mechanics = job("SVR", "7231", 150, 200, openings=5)
        self.post(
            f"/seasons/{season_id}/survey",
            {"table": "jobs", "rows": [mechanics]},
            self.surveyor,
            200,
        )
        self.post(f"/seasons/{season_id}/publish", {}, self.surveyor, 200)
        return int(season_id)

    def vacancy(self, positions: int = 3, employer: str = "employer", **overrides: Any) -> int:
        headers = getattr(self, employer)
        if employer not in self._employers:
            name = "Golden Wheel Garage" if employer == "employer" else "Lucky Salon"
            self._employers[employer] = register_employer(self.client, headers, name=name)
            vet(self.client, self.admin, self._employers[employer])
        body = post_vacancy(self.client, headers, positions=positions, **overrides)
        return int(body["id"])

    def survivor(
        self,
        *,
        consent: bool = True,
        age: int = 22,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> int:
        self._cases += 1
        body = {
            "case_code": f"SRS-T-{self._cases:03d}",
            "birth_year": THIS_YEAR - age,
            "gender": "female",
            "home_province": "KH-20",
            "literacy": "basic",
            "aptitudes": {"mechanical": 4, "textile": 1},
            "notes": "case note that must never leave the NGO",
            **kw,
        }
        who = headers or self.counsellor
        survivor_id = int(self.post("/survivors", body, who)["id"])
        if consent:
            self.consent(survivor_id, given=True, guardian=age < 19, headers=who)
        return survivor_id

    def consent(
        self,
        survivor_id: int,
        *,
        given: bool,
        guardian: bool = False,
        headers: dict[str, str] | None = None,
        status: int = 201,
    ) -> Any:
        body = {"given": given, "method": "written", "guardian_consented": guardian}
        return self.post(
            f"/survivors/{survivor_id}/consents", body, headers or self.counsellor, status
        )

    def refer(self, vacancy_id: int, survivor_id: int, status: int = 201) -> Any:
        return self.post(
            f"/vacancies/{vacancy_id}/referrals",
            {"survivor_id": survivor_id},
            self.counsellor,
            status,
        )

    def decide(self, referral_id: int, decision: str, status: int = 200, **kw: Any) -> Any:
        headers = kw.pop("headers", self.employer)
        body = {"decision": decision, "reason": "met the candidate", **kw}
        return self.post(f"/referrals/{referral_id}/decision", body, headers, status)

    def place(self, survivor_id: int, status: int = 201, **body: Any) -> Any:
        body = {"survivor_id": survivor_id, "started_on": "2026-01-05", **body}
        body.setdefault("kind", "job")
        return self.post("/placements", body, self.counsellor, status)

    def follow_up(
        self, placement_id: int, status: int = 201, key: str | None = None, **body: Any
    ) -> Any:
        headers = dict(self.counsellor)
        if key is not None:
            headers["Idempotency-Key"] = key
        values = {"date": "2026-02-05", "employed": True, "monthly_income": 150, **body}
        return self.post(f"/placements/{placement_id}/follow-ups", values, headers, status)
