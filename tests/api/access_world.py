"""A world for the access matrix: every actor of issue 15 and one record of every kind
owned by the first organisation of each kind ("A"), with a twin owned by another ("B").

Actors: anonymous, counsellor_a (the owning NGO), counsellor_b (another NGO),
employer_a (vetted, owns vacancy_a and the referrals to it), employer_unvetted
(a pending profile), employer_b (vetted, owns vacancy_b), surveyor, admin.
"""

from __future__ import annotations

from typing import Any

from tests.api.builders import job
from tests.api.casework_factories import SVR_COSTS, THIS_YEAR
from tests.api.catalog_factories import register_employer, track_body, vacancy_body, vet
from tests.conftest import auth

ACTORS = (
    "anonymous",
    "counsellor_a",
    "counsellor_b",
    "employer_a",
    "employer_unvetted",
    "employer_b",
    "surveyor",
    "admin",
)

SHELTER_A, SHELTER_B = "Shelter A (matrix)", "Shelter B (matrix)"
SURVEY_NGO = "Survey NGO (matrix)"
# A job found without a referral (the placement needs no vacancy).
JOB = {"occupation": "7231", "town": "SVR", "employer_name": "a market stall"}


class AccessWorld:
    """Tokens per actor, and the ids of the records the matrix's URLs point at."""

    def __init__(self, client: Any, token: Any) -> None:
        self.client = client
        self.headers: dict[str, dict[str, str]] = {
            "anonymous": {},
            "counsellor_a": auth(token("counsellor", org=SHELTER_A)),
            "counsellor_b": auth(token("counsellor", org=SHELTER_B)),
            "employer_a": auth(token("employer", org="Garage A (matrix)")),
            "employer_unvetted": auth(token("employer", org="Salon (matrix)")),
            "employer_b": auth(token("employer", org="Hotel B (matrix)")),
            "surveyor": auth(token("surveyor", org=SURVEY_NGO)),
            "admin": auth(token("admin", org="Operator (matrix)")),
        }
        self.spare_token_prefix = token("counsellor", org=SHELTER_A, user="spare")[:11]
        self.ids: dict[str, Any] = {}
        self._build()

    def call(self, actor: str, method: str, url: str, body: Any = None) -> Any:
        """``url`` under /api/v1, as ``actor``."""
        return self.client.open(
            f"/api/v1{url}", method=method, json=body, headers=self.headers[actor]
        )

    def _ok(self, actor: str, method: str, url: str, body: Any = None) -> Any:
        response = self.call(actor, method, url, body)
        assert response.status_code in (200, 201), (url, response.get_json())
        return response.get_json()

    def _build(self) -> None:
        h = self.headers
        season = {
            "label": "2026",
            "khr_per_usd": 4000,
            "minimum_wage_usd_month": 50,
            "living_wage_usd_month": 88.75,
        }
        published = self._ok("surveyor", "POST", "/seasons", season)["id"]
        costs = {"town": "SVR", **SVR_COSTS, "currency": "USD"}
        self._ok(
            "surveyor",
            "POST",
            f"/seasons/{published}/survey",
            {"table": "living_costs", "rows": [costs]},
        )
        mechanics = job("SVR", "7231", 150, 200, openings=5)
        self._ok(
            "surveyor",
            "POST",
            f"/seasons/{published}/survey",
            {"table": "jobs", "rows": [mechanics]},
        )
        self._ok("surveyor", "POST", f"/seasons/{published}/publish", {})
        draft = self._ok("surveyor", "POST", "/seasons", {**season, "label": "2027"})["id"]
        self._ok(
            "surveyor", "POST", f"/seasons/{draft}/survey", {"table": "jobs", "rows": [mechanics]}
        )
        self._ok("surveyor", "POST", "/tracks", track_body())
        employer_a = register_employer(self.client, h["employer_a"], name="Garage A (matrix)")
        vet(self.client, h["admin"], employer_a)
        employer_b = register_employer(self.client, h["employer_b"], name="Hotel B (matrix)")
        vet(self.client, h["admin"], employer_b)
        unvetted = register_employer(self.client, h["employer_unvetted"], name="Salon (matrix)")
        vacancy_a = self._ok("employer_a", "POST", "/vacancies", vacancy_body(positions=5))["id"]
        vacancy_b = self._ok("employer_b", "POST", "/vacancies", vacancy_body(positions=5))["id"]
        vacancy_unvetted = self._ok("employer_unvetted", "POST", "/vacancies", vacancy_body())["id"]
        survivors = {}
        for org in ("a", "b"):
            actor = f"counsellor_{org}"
            survivor = self._ok(actor, "POST", "/survivors", survivor_body(f"MX-{org.upper()}-1"))
            sid = survivors[org] = survivor["id"]
            consent = {"given": True, "method": "written", "guardian_consented": False}
            self._ok(actor, "POST", f"/survivors/{sid}/consents", consent)
            vacancy = vacancy_a if org == "a" else vacancy_b
            self.ids[f"referral_{org}"] = self._ok(
                actor, "POST", f"/vacancies/{vacancy}/referrals", {"survivor_id": sid}
            )["id"]
            self.ids[f"recommendation_{org}"] = self._ok(
                actor, "POST", f"/survivors/{sid}/recommendations", {"limit": 3}
            )["id"]
            self.ids[f"allocation_{org}"] = self._ok(
                actor, "POST", "/allocations", {"survivor_ids": [sid]}
            )["id"]
            placement = self._ok(
                actor,
                "POST",
                "/placements",
                {"survivor_id": sid, "kind": "job", "started_on": "2026-01-05", **JOB},
            )["id"]
            self.ids[f"placement_{org}"] = placement
            self._ok(
                actor,
                "POST",
                f"/placements/{placement}/follow-ups",
                {"date": "2026-02-05", "employed": True, "monthly_income": 150},
            )
        # The avoid list: one town, where no one is sent (not a town the world works in).
        self.ids["avoid_entry"] = self._ok(
            "admin", "POST", "/avoid-list", {"kind": "town", "town": "SHV", "reason": "test"}
        )["id"]
        # A second survivor of A, never referred: the one new referrals and closures use.
        spare = self._ok("counsellor_a", "POST", "/survivors", survivor_body("MX-A-2"))["id"]
        consent = {"given": True, "method": "written", "guardian_consented": False}
        self._ok("counsellor_a", "POST", f"/survivors/{spare}/consents", consent)
        self.ids.update(
            survivor_a=survivors["a"],
            survivor_b=survivors["b"],
            survivor_spare=spare,
            season_published=published,
            season_draft=draft,
            track="motorcycle-repair-svr",
            employer_a=employer_a,
            employer_b=employer_b,
            employer_unvetted=unvetted,
            vacancy_a=vacancy_a,
            vacancy_b=vacancy_b,
            vacancy_unvetted=vacancy_unvetted,
            token_prefix=self.spare_token_prefix,
            model_version="no-such-model",  # none is trained in this world
        )


def survivor_body(case_code: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_code": case_code,
        "birth_year": THIS_YEAR - 24,
        "gender": "female",
        "home_province": "KH-20",
        "literacy": "basic",
        "aptitudes": {"mechanical": 4},
        "notes": "a note that never leaves the NGO",
    }
    body.update(overrides)
    return body
