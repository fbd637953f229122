"""Builders for catalog and employer test data (plain dicts and API calls)."""

from __future__ import annotations

from typing import Any

NGO = "Svay Rieng Skills (test)"


def track_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "motorcycle-repair-svr",
        "name": "Motorcycle repair",
        "town": "SVR",
        "skill_family": "mechanical",
        "occupations": ["7231"],
        "duration_months": 8,
        "seats": 10,
        "next_start": "2027-01-11",
        "cost_usd": 260,
        "min_age": 15,
        "min_literacy": "none",
    }
    body.update(overrides)
    return body


def vacancy_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "occupation": "7231",
        "town": "SVR",
        "pay": 200,
        "pay_unit": "month",
        "currency": "USD",
        "positions": 2,
        "provides_food": True,
        "provides_room": False,
        "min_age": 16,
        "night_shift": False,
        "description": "Motorcycle mechanic",
    }
    body.update(overrides)
    return body


def register_employer(
    client: Any, headers: dict[str, str], name: str = "Golden Wheel Garage", town: str = "SVR"
) -> int:
    response = client.post(
        "/api/v1/employers",
        json={"name": name, "town": town, "sector": "garage", "contact": "owner"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    employer_id: int = response.get_json()["id"]
    return employer_id


def vet(
    client: Any, admin: dict[str, str], employer_id: int, status: str = "vetted", **extra: Any
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/employers/{employer_id}/vetting",
        json={"status": status, "note": "visited the workshop", **extra},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def post_vacancy(client: Any, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/vacancies", json=vacancy_body(**overrides), headers=headers)
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body
