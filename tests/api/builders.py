"""Builders for the api tests: a world of seasons, tracks, vacancies and survivors made
through the HTTP API as its users would, and the problem+json check every test uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.conftest import auth

SHAPE = {"type", "title", "status", "detail", "errors"}


def assert_problem(response, status):
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert set(body) >= SHAPE
    assert body["status"] == status
    assert body["detail"]
    return body


THIS_YEAR = datetime.now(UTC).year
SURVEY_NGO = "Market Survey Network"
SHELTER = "Shelter A"

# The study's 2008 living costs (food, room, other) in US$ a month.
COSTS_2008 = {
    "SVR": (30.0, 20.0, 38.75),
    "BVT": (30.0, 20.0, 38.75),
    "PNH": (50.0, 40.0, 30.0),
    "SRP": (55.0, 35.0, 30.0),
    "BTB": (40.0, 25.0, 30.0),
}


class World:
    """A test's tokens and the calls that build its market, catalog and survivors."""

    def __init__(self, client: Any, token: Any) -> None:
        self.client = client
        self.token = token
        self.surveyor = auth(token("surveyor", org=SURVEY_NGO))
        self.counsellor = auth(token("counsellor", org=SHELTER))
        self.admin = auth(token("admin", org="Pathways Operator"))

    def post(self, url: str, body: Any, headers: dict[str, str], status: int = 201) -> Any:
        response = self.client.post(f"/api/v1{url}", json=body, headers=headers)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def season(
        self,
        jobs: list[dict[str, Any]],
        *,
        label: str = "2008",
        costs: dict[str, tuple[float, float, float]] = COSTS_2008,
        publish: bool = True,
    ) -> int:
        body = {
            "label": label,
            "khr_per_usd": 4000,
            "minimum_wage_usd_month": 50,
            "living_wage_usd_month": 88.75,
        }
        season_id = self.post("/seasons", body, self.surveyor)["id"]
        rows = [
            {"town": t, "food": f, "room": r, "other": o, "currency": "USD"}
            for t, (f, r, o) in costs.items()
        ]
        self.post(
            f"/seasons/{season_id}/survey",
            {"table": "living_costs", "rows": rows},
            self.surveyor,
            200,
        )
        self.post(
            f"/seasons/{season_id}/survey", {"table": "jobs", "rows": jobs}, self.surveyor, 200
        )
        if publish:
            self.post(f"/seasons/{season_id}/publish", {}, self.surveyor, 200)
        return int(season_id)

    def track(self, code: str, town: str, family: str, occupations: list[str], **kw: Any) -> None:
        body = {
            "code": code,
            "name": kw.pop("name", code.replace("-", " ").capitalize()),
            "town": town,
            "skill_family": family,
            "occupations": occupations,
            "duration_months": 6,
            "seats": 12,
            "next_start": "2027-01-15",
            "cost_usd": 300,
            "min_age": 15,
            "min_literacy": "none",
            **kw,
        }
        self.post("/tracks", body, self.surveyor)

    def vacancy(self, employer: str, occupation: str, town: str, pay: float, **kw: Any) -> int:
        tok = auth(self.token("employer", org=employer))
        profile = self.client.get("/api/v1/employers", headers=tok).get_json()["items"]
        if profile:
            employer_id = profile[0]["id"]
        else:
            body = {"name": employer, "town": town, "sector": "test", "contact": "test"}
            employer_id = self.post("/employers", body, tok)["id"]
            vet = {"status": "vetted", "note": "checked"}
            self.post(f"/employers/{employer_id}/vetting", vet, self.admin, 200)
        body = {
            "occupation": occupation,
            "town": town,
            "pay": pay,
            "pay_unit": "month",
            "currency": "USD",
            "positions": kw.pop("positions", 5),
            "min_age": kw.pop("min_age", 18),
            **kw,
        }
        return int(self.post("/vacancies", body, tok)["id"])

    def survivor(self, age: int = 20, **fields: Any) -> int:
        body = {
            "case_code": fields.pop("case_code", f"T-{age}-{len(fields)}-{id(fields)}"),
            "birth_year": THIS_YEAR - age,
            "home_province": "KH-20",
            "literacy": "basic",
            **fields,
        }
        return int(self.post("/survivors", body, self.counsellor)["id"])

    def recommend(self, survivor_id: int, headers: dict[str, str] | None = None, **body: Any):
        return self.client.post(
            f"/api/v1/survivors/{survivor_id}/recommendations",
            json=body,
            headers=headers or self.counsellor,
        )

    def items(self, survivor_id: int, **body: Any) -> dict[str, Any]:
        response = self.recommend(survivor_id, **body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()


def job(town: str, occupation: str, low: float, high: float, **kw: Any) -> dict[str, Any]:
    return {
        "town": town,
        "occupation": occupation,
        "employment": kw.get("employment", "wage"),
        "venue": kw.get("venue", "market"),
        "pay_min": low,
        "pay_max": high,
        "pay_unit": "month",
        "currency": "USD",
        "openings": kw.get("openings", 10),
        "startup_cost": kw.get("startup_cost", ""),
        "source": "test",
    }


def shop(town: str, occupation: str, low: float, high: float, venue: str, cost: float) -> dict:
    return job(town, occupation, low, high, employment="self", venue=venue, startup_cost=cost)
