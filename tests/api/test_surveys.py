"""Seasons and surveys over HTTP and the CLI: all or nothing, published is forever."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from api.services import surveys as service
from api.store.models import Season, SurveyJob, SurveyLivingCost
from tests.market_survey.builders import csv_bytes, job

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "seasons"
SEASON = {
    "label": "2026-test",
    "khr_per_usd": 4000,
    "minimum_wage_usd_month": 210,
    "living_wage_usd_month": 250,
}


ORG = ("--org", "Market Survey Network")


@pytest.fixture
def surveyor(token, auth) -> dict[str, str]:
    return auth(token("surveyor", org="Market Survey Network"))


@pytest.fixture
def season_id(client, surveyor) -> int:
    response = client.post("/api/v1/seasons", json=SEASON, headers=surveyor)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def upload_csv(client, headers, season_id: int, data: bytes, table: str = "jobs") -> Any:
    return client.post(
        f"/api/v1/seasons/{season_id}/survey",
        data={"table": table, "file": (io.BytesIO(data), f"{table}.csv")},
        headers=headers,
        content_type="multipart/form-data",
    )


def counts(session, season_id: int) -> tuple[int, int]:
    session.expire_all()
    jobs = session.scalar(
        select(func.count()).select_from(SurveyJob).where(SurveyJob.season_id == season_id)
    )
    costs = session.scalar(
        select(func.count())
        .select_from(SurveyLivingCost)
        .where(SurveyLivingCost.season_id == season_id)
    )
    return jobs, costs


GOOD_JOBS = csv_bytes(
    [
        job(),
        job(
            town="Siem Reap",
            occupation="Waiter",
            venue="tourist",
            pay_min="10,000",
            pay_max="15,000",
            pay_unit="day",
            currency="KHR",
            openings="12",
        ),
    ]
)
GOOD_COSTS = csv_bytes(
    [{"town": "PNH", "food": "240,000", "room": "160,000", "other": "", "currency": "KHR"}]
)


def test_a_surveyor_creates_a_draft_season(client, surveyor) -> None:
    response = client.post("/api/v1/seasons", json=SEASON, headers=surveyor)
    assert response.status_code == 201
    body = response.json
    assert (body["status"], body["label"], body["working_days_per_month"]) == (
        "draft",
        "2026-test",
        26.0,
    )
    assert (body["jobs_rows"], body["living_cost_rows"]) == (0, 0)
    again = client.post("/api/v1/seasons", json=SEASON, headers=surveyor)
    assert again.status_code == 409
    assert again.json["errors"][0]["field"] == "label"


def test_only_surveyors_and_admins_write_but_every_role_reads(
    client, token, auth, season_id
) -> None:
    counsellor = auth(token("counsellor"))
    assert (
        client.post(
            "/api/v1/seasons", json={**SEASON, "label": "x"}, headers=counsellor
        ).status_code
        == 403
    )
    assert upload_csv(client, counsellor, season_id, GOOD_JOBS).status_code == 403
    assert client.post("/api/v1/seasons", json=SEASON).status_code == 401
    assert client.get(f"/api/v1/seasons/{season_id}", headers=counsellor).status_code == 200
    employer = auth(token("employer", org="A business"))
    assert client.get("/api/v1/seasons", headers=employer).status_code == 200


def test_another_organisations_surveyor_cannot_change_a_draft(
    client, token, auth, season_id, session
) -> None:
    other = auth(token("surveyor", org="Another NGO"))
    assert upload_csv(client, other, season_id, GOOD_JOBS).status_code == 403
    assert counts(session, season_id) == (0, 0)
    admin = auth(token("admin", org="Pathways Operator"))
    assert upload_csv(client, admin, season_id, GOOD_JOBS).status_code == 200


def test_upload_normalises_to_dollars_per_month(client, surveyor, season_id) -> None:
    response = upload_csv(client, surveyor, season_id, GOOD_JOBS)
    assert response.status_code == 200, response.json
    assert (response.json["table"], response.json["accepted"]) == ("jobs", 2)
    costs = upload_csv(client, surveyor, season_id, GOOD_COSTS, "living_costs")
    assert costs.json["accepted"] == 1
    jobs = client.get(f"/api/v1/seasons/{season_id}/jobs", headers=surveyor).json["items"]
    waiter = next(j for j in jobs if j["occupation"] == "5131")
    # 10,000 riel a day x 26 days / 4,000 riel per dollar
    assert (waiter["town"], waiter["pay_min_usd_month"], waiter["pay_max_usd_month"]) == (
        "SRP",
        65.0,
        97.5,
    )
    living = client.get(f"/api/v1/seasons/{season_id}/living_costs", headers=surveyor).json
    assert living["items"][0] == {
        "id": living["items"][0]["id"],
        "town": "PNH",
        "food_usd_month": 60.0,
        "room_usd_month": 40.0,
        "other_usd_month": 0.0,
    }
    season = client.get(f"/api/v1/seasons/{season_id}", headers=surveyor).json
    assert (season["jobs_rows"], season["living_cost_rows"]) == (2, 1)


def test_a_reupload_replaces_that_table(client, surveyor, season_id, session) -> None:
    upload_csv(client, surveyor, season_id, GOOD_JOBS)
    upload_csv(client, surveyor, season_id, GOOD_COSTS, "living_costs")
    upload_csv(client, surveyor, season_id, csv_bytes([job(town="KEP")]))
    assert counts(session, season_id) == (1, 1)


BAD_INPUTS: list[tuple[str, bytes, str, int | None, str]] = [
    (
        "missing column",
        csv_bytes([job()], header=["town", "occupation"]),
        "pay_min",
        None,
        "missing column",
    ),
    ("unknown column", csv_bytes([{**job(), "wage": "1"}]), "wage", None, "unknown column"),
    ("empty file", b"", "file", None, "empty"),
    ("undecodable", "town\nSiem Reap\n".encode("utf-16"), "file", None, "UTF-8"),
    ("unknown town", csv_bytes([job(), job(town="Kampott")]), "town", 2, "did you mean KPT"),
    (
        "unknown occupation",
        csv_bytes([job(occupation="Barbre")]),
        "occupation",
        1,
        "did you mean 5141",
    ),
    ("pay not above 0", csv_bytes([job(pay_min="0")]), "pay_min", 1, "more than 0"),
    (
        "pay_min above pay_max",
        csv_bytes([job(pay_min="300", pay_max="250")]),
        "pay_min",
        1,
        "more than pay_max",
    ),
    ("bad unit", csv_bytes([job(pay_unit="hour")]), "pay_unit", 1, "hour"),
    ("bad currency", csv_bytes([job(currency="THB")]), "currency", 1, "THB"),
    ("openings not whole", csv_bytes([job(openings="1.5")]), "openings", 1, "whole number"),
    ("openings negative", csv_bytes([job(openings="-2")]), "openings", 1, "negative"),
    (
        "startup on a wage row",
        csv_bytes([job(startup_cost="50")]),
        "startup_cost",
        1,
        "self-employment",
    ),
    ("duplicate rows", csv_bytes([job(), job()]), "row", 2, "repeats row 1"),
]


@pytest.mark.parametrize(
    ("data", "field", "row", "says"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_refused_with_row_and_column_and_nothing_is_written(
    client, surveyor, season_id, session, data: bytes, field: str, row: int | None, says: str
) -> None:
    assert upload_csv(client, surveyor, season_id, GOOD_JOBS).status_code == 200
    response = upload_csv(client, surveyor, season_id, data)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert set(problem) >= {"type", "title", "status", "detail", "errors"}
    matching = [e for e in problem["errors"] if e["field"] == field and e.get("row") == row]
    assert matching, problem["errors"]
    assert says in matching[0]["message"]
    assert counts(session, season_id) == (2, 0)  # the earlier upload is untouched


def test_a_file_over_the_size_limit_is_413(app, client, surveyor, season_id, session) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 2000
    big = csv_bytes([job(source=f"row {i}") for i in range(100)])
    response = upload_csv(client, surveyor, season_id, big)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    json_response = client.post(
        f"/api/v1/seasons/{season_id}/survey",
        json={"table": "jobs", "rows": [job(source=f"row {i}") for i in range(100)]},
        headers=surveyor,
    )
    assert json_response.status_code == 413
    assert counts(session, season_id) == (0, 0)


def test_a_csv_upload_must_name_its_table(client, surveyor, season_id) -> None:
    response = client.post(
        f"/api/v1/seasons/{season_id}/survey",
        data={"file": (io.BytesIO(GOOD_JOBS), "survey.csv")},
        headers=surveyor,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "table"


def test_json_rows_upload(client, surveyor, season_id) -> None:
    response = client.post(
        f"/api/v1/seasons/{season_id}/survey",
        json={"table": "jobs", "rows": [job(pay_min=50, pay_max=60, pay_unit="week")]},
        headers=surveyor,
    )
    assert response.status_code == 200, response.json
    jobs = client.get(f"/api/v1/seasons/{season_id}/jobs", headers=surveyor).json["items"]
    assert jobs[0]["pay_min_usd_month"] == round(50 * 52 / 12, 2)


def test_a_workbook_uploads_both_tables_or_neither(client, surveyor, season_id, session) -> None:
    data = (SAMPLE / "2026" / "survey.xlsx").read_bytes()
    response = client.post(
        f"/api/v1/seasons/{season_id}/survey",
        data={"file": (io.BytesIO(data), "survey.xlsx")},
        headers=surveyor,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    assert response.json["tables"] == {"jobs": 238, "living_costs": 15}
    assert counts(session, season_id) == (238, 15)


def test_publish_freezes_the_season(client, surveyor, season_id, session) -> None:
    empty = client.post(f"/api/v1/seasons/{season_id}/publish", json={}, headers=surveyor)
    assert empty.status_code == 422  # needs at least one jobs row
    upload_csv(client, surveyor, season_id, GOOD_JOBS)
    anyway = {"allow_towns_without_living_costs": True}
    published = client.post(f"/api/v1/seasons/{season_id}/publish", json=anyway, headers=surveyor)
    assert published.status_code == 200
    assert published.json["status"] == "published"
    assert published.json["published_at"]
    assert upload_csv(client, surveyor, season_id, csv_bytes([job(town="KEP")])).status_code == 409
    assert client.delete(f"/api/v1/seasons/{season_id}", headers=surveyor).status_code == 409
    again = client.post(f"/api/v1/seasons/{season_id}/publish", json={}, headers=surveyor)
    assert again.status_code == 409
    assert counts(session, season_id) == (2, 0)
    current = client.get("/api/v1/seasons/current", headers=surveyor).json
    assert (current["id"], current["stale"]) == (season_id, False)


def test_publish_refuses_towns_without_living_costs_unless_asked(
    client, surveyor, season_id, session
) -> None:
    upload_csv(client, surveyor, season_id, GOOD_JOBS)
    upload_csv(client, surveyor, season_id, GOOD_COSTS, "living_costs")  # PNH only
    refused = client.post(f"/api/v1/seasons/{season_id}/publish", json={}, headers=surveyor)
    assert refused.status_code == 422
    assert "Siem Reap" in refused.json["detail"]
    assert [e["town"] for e in refused.json["errors"]] == ["SRP"]
    assert client.get(f"/api/v1/seasons/{season_id}", headers=surveyor).json["status"] == "draft"
    assert client.get("/api/v1/seasons/current", headers=surveyor).status_code == 404
    anyway = {"allow_towns_without_living_costs": True}
    published = client.post(f"/api/v1/seasons/{season_id}/publish", json=anyway, headers=surveyor)
    assert published.status_code == 200
    assert client.get("/api/v1/seasons/current", headers=surveyor).json["id"] == season_id


def test_publish_takes_no_unknown_field(client, surveyor, season_id) -> None:
    upload_csv(client, surveyor, season_id, GOOD_JOBS)
    response = client.post(
        f"/api/v1/seasons/{season_id}/publish", json={"force": True}, headers=surveyor
    )
    assert response.status_code == 422
    assert client.get(f"/api/v1/seasons/{season_id}", headers=surveyor).json["status"] == "draft"


def test_a_draft_can_be_deleted(client, surveyor, season_id, session) -> None:
    upload_csv(client, surveyor, season_id, GOOD_JOBS)
    assert client.delete(f"/api/v1/seasons/{season_id}", headers=surveyor).status_code == 204
    assert client.get(f"/api/v1/seasons/{season_id}", headers=surveyor).status_code == 404
    assert counts(session, season_id) == (0, 0)


def test_no_current_season_until_one_is_published(client, surveyor, season_id) -> None:
    assert client.get("/api/v1/seasons/current", headers=surveyor).status_code == 404
    assert client.get("/api/v1/health").json["current_season"] is None


def test_an_old_current_season_is_stale_in_seasons_current_and_health(
    app, client, surveyor
) -> None:
    old = date.today() - timedelta(days=400)
    body = {
        **SEASON,
        "label": "old",
        "starts_on": str(old - timedelta(days=60)),
        "ends_on": str(old),
    }
    sid = client.post("/api/v1/seasons", json=body, headers=surveyor).json["id"]
    upload_csv(client, surveyor, sid, GOOD_JOBS)
    client.post(
        f"/api/v1/seasons/{sid}/publish",
        json={"allow_towns_without_living_costs": True},
        headers=surveyor,
    )
    current = client.get("/api/v1/seasons/current", headers=surveyor).json
    assert (current["age_days"], current["stale"], current["stale_after_months"]) == (400, True, 9)
    health = client.get("/api/v1/health").json["current_season"]
    assert (health["label"], health["stale"]) == ("old", True)
    app.extensions["pathways.services"] = replace(
        app.extensions["pathways.services"], season_stale_months=24
    )
    assert client.get("/api/v1/seasons/current", headers=surveyor).json["stale"] is False


def test_diff_between_two_seasons_as_json_and_csv(client, surveyor) -> None:
    ids = []
    for label, rows in (
        ("before", [job(pay_min="200", pay_max="220"), job(town="SVR")]),
        (
            "after",
            [
                job(pay_min="210", pay_max="238", openings="45"),
                job(town="KEP", occupation="5131", venue="tourist", source="=cmd|' /C calc'!A0"),
            ],
        ),
    ):
        sid = client.post(
            "/api/v1/seasons", json={**SEASON, "label": label}, headers=surveyor
        ).json["id"]
        assert upload_csv(client, surveyor, sid, csv_bytes(rows)).status_code == 200
        ids.append(sid)
    before, after = ids
    d = client.get(f"/api/v1/seasons/{after}/diff?against={before}", headers=surveyor).json
    assert (d["season"]["label"], d["against"]["label"]) == ("after", "before")
    assert [(a["town"], a["occupation"]) for a in d["added"]] == [("KEP", "5131")]
    assert [(r["town"], r["pay_usd_month"]) for r in d["removed"]] == [("SVR", 224.0)]
    assert d["changed"] == [
        {
            "town": "PNH",
            "occupation": "8153",
            "employment": "wage",
            "venue": "industrial",
            "pay_usd_month": {"before": 210.0, "after": 224.0},
            "openings": {"before": 40, "after": 45},
        }
    ]
    response = client.get(
        f"/api/v1/seasons/{after}/diff?against={before}&format=csv", headers=surveyor
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {r["change"] for r in rows} == {"added", "removed", "changed"}
    missing = client.get(f"/api/v1/seasons/{after}/diff?against=9999", headers=surveyor)
    assert missing.status_code == 404


def test_both_sample_seasons_load_published_and_twice_changes_nothing(
    runner, client, token, auth, session
) -> None:
    for _ in range(2):
        result = runner.invoke(args=["load-sample"])
        assert result.exit_code == 0, result.output
    seasons = session.scalars(select(Season).order_by(Season.label)).all()
    assert [(s.label, s.status) for s in seasons] == [("2008", "published"), ("2026", "published")]
    headers = auth(token("counsellor"))
    current = client.get("/api/v1/seasons/current", headers=headers).json
    assert (current["label"], current["jobs_rows"], current["living_cost_rows"]) == (
        "2026",
        238,
        15,
    )
    s2008 = next(s for s in seasons if s.label == "2008")
    assert (
        client.get(f"/api/v1/seasons/{s2008.id}", headers=headers).json["living_wage_usd_month"]
        == 88.75
    )


def test_the_snapshot_of_a_published_season_is_built_once(
    runner, session, client, surveyor, season_id
) -> None:
    runner.invoke(args=["load-sample"])
    first = service.get_snapshot(session)
    assert first.params.label == "2026"
    assert len(first.jobs) == 238 and len(first.living_costs) == 15
    assert service.get_snapshot(session) is first
    upload_csv(client, surveyor, season_id, GOOD_JOBS)
    draft = service.get_snapshot(session, season_id)
    assert service.get_snapshot(session, season_id) is not draft
    assert len(draft.jobs) == 2


def test_cli_import_needs_a_draft_or_create(runner, session, surveyor, tmp_path) -> None:
    jobs = tmp_path / "jobs.csv"
    jobs.write_bytes(GOOD_JOBS)
    result = runner.invoke(args=["import-survey", "--season", "new", *ORG, str(jobs)])
    assert result.exit_code != 0
    assert "--create" in result.output
    assert session.scalar(select(func.count()).select_from(Season)) == 0
    result = runner.invoke(
        args=[
            "import-survey",
            "--season",
            "new",
            *ORG,
            "--create",
            "--khr-per-usd",
            "4000",
            "--minimum-wage",
            "210",
            "--living-wage",
            "250",
            str(jobs),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "2 jobs rows" in result.output
    season = session.scalar(select(Season).where(Season.label == "new"))
    assert season is not None and season.status == "draft"


def test_cli_import_of_a_bad_file_fails_in_one_line_and_writes_nothing(
    runner, session, surveyor, tmp_path
) -> None:
    bad = tmp_path / "jobs.csv"
    bad.write_bytes(csv_bytes([job(), job(town="Kampott")]))
    result = runner.invoke(
        args=[
            "import-survey",
            "--season",
            "bad",
            *ORG,
            "--create",
            "--khr-per-usd",
            "4000",
            "--minimum-wage",
            "210",
            "--living-wage",
            "250",
            str(bad),
        ]
    )
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "row 2" in lines[0] and "town" in lines[0] and "KPT" in lines[0]
    assert session.scalar(select(func.count()).select_from(Season)) == 0
