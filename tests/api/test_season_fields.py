"""A new season's figures and a draft's owner, whichever way they come in (issue 16: 7, 8).

The page form and the command line load the API's schema: a number that is not finite
is refused there as it is in a JSON body; the command names the draft's organisation,
and a draft nobody owns is left to the admins.
"""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from api.store.models import Organisation, Season
from tests.conftest import csrf, sign_in
from tests.market_survey.builders import csv_bytes, job

ORG = "Market Survey Network"
# These drafts hold jobs alone: publishing them names that on purpose.
JOBS_ONLY = {"allow_towns_without_living_costs": True}
CREATE = ["--create", "--khr-per-usd", "4000", "--minimum-wage", "210", "--living-wage", "250"]


def seasons_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Season))


@pytest.mark.parametrize("value", ["inf", "1e999", "nan", "-Infinity"])
def test_the_season_form_refuses_a_non_finite_number(client, token, user, session, value) -> None:
    tok = token("surveyor", org=ORG)
    sign_in(client, user("surveyor", org=ORG))
    response = client.post(
        "/seasons",
        data={
            "label": "2027-dry",
            "khr_per_usd": value,
            "minimum_wage_usd_month": "210",
            "living_wage_usd_month": value,
            "csrf_token": csrf(client.get("/seasons")),
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "khr_per_usd" in page and "living_wage_usd_month" in page
    assert seasons_count(session) == 0
    listed = client.get("/api/v1/seasons", headers={"Authorization": f"Bearer {tok}"})
    json.loads(listed.get_data(as_text=True))  # strict JSON: no bare Infinity or NaN
    assert listed.json["items"] == []


def test_the_season_form_still_takes_thousands_commas(client, user, session) -> None:
    sign_in(client, user("surveyor", org=ORG))
    response = client.post(
        "/seasons",
        data={
            "label": "2027-wet",
            "khr_per_usd": "4,100",
            "minimum_wage_usd_month": "210",
            "living_wage_usd_month": "250.5",
            "csrf_token": csrf(client.get("/seasons")),
        },
    )
    assert response.status_code == 302
    season = session.scalar(select(Season).where(Season.label == "2027-wet"))
    assert (season.khr_per_usd, season.living_wage_usd_month) == (4100.0, 250.5)
    assert season.org_id is not None


@pytest.mark.parametrize(
    "body", ['{"khr_per_usd": Infinity', '{"khr_per_usd": NaN', '{"khr_per_usd": 1e999']
)
def test_a_json_body_with_a_non_finite_number_is_422(client, token, auth, session, body) -> None:
    data = body + ', "label": "x", "minimum_wage_usd_month": 210, "living_wage_usd_month": 250}'
    response = client.post(
        "/api/v1/seasons",
        data=data,
        headers=auth(token("surveyor", org=ORG)),
        content_type="application/json",
    )
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["field"] == "khr_per_usd"
    assert seasons_count(session) == 0


@pytest.mark.parametrize("flag", ["--khr-per-usd", "--minimum-wage", "--living-wage"])
def test_the_command_refuses_a_non_finite_figure_in_one_line(
    runner, token, session, tmp_path, flag
) -> None:
    token("surveyor", org=ORG)
    jobs = tmp_path / "jobs.csv"
    jobs.write_bytes(csv_bytes([job()]))
    options = list(CREATE)
    options[options.index(flag) + 1] = "inf"
    result = runner.invoke(
        args=["import-survey", "--season", "s", "--org", ORG, *options, str(jobs)]
    )
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0] and "infinity" in lines[0]
    assert seasons_count(session) == 0


def test_a_draft_from_the_command_belongs_to_its_organisation(
    runner, token, auth, client, session, tmp_path
) -> None:
    own = auth(token("surveyor", org=ORG))
    other = auth(token("surveyor", org="Another Survey NGO"))
    jobs = tmp_path / "jobs.csv"
    jobs.write_bytes(csv_bytes([job()]))
    result = runner.invoke(
        args=["import-survey", "--season", "s", "--org", ORG, *CREATE, str(jobs)]
    )
    assert result.exit_code == 0, result.output
    season = session.scalar(select(Season).where(Season.label == "s"))
    owner = session.scalar(select(Organisation.id).where(Organisation.name == ORG))
    assert season.org_id == owner
    path = f"/api/v1/seasons/{season.id}"
    assert client.post(f"{path}/publish", json={}, headers=other).status_code == 403
    assert client.delete(path, headers=other).status_code == 403
    assert client.post(f"{path}/publish", json=JOBS_ONLY, headers=own).status_code == 200


@pytest.mark.parametrize(
    ("org", "expected"),
    [("No Such NGO", "there is no organisation 'No Such NGO'"), ("Shelter A", "has no surveyor")],
)
def test_the_command_needs_a_surveying_organisation(
    runner, token, session, tmp_path, org, expected
) -> None:
    token("counsellor", org="Shelter A")
    jobs = tmp_path / "jobs.csv"
    jobs.write_bytes(csv_bytes([job()]))
    missing = runner.invoke(args=["import-survey", "--season", "s", *CREATE, str(jobs)])
    assert missing.exit_code != 0 and "--org" in missing.output
    result = runner.invoke(
        args=["import-survey", "--season", "s", "--org", org, *CREATE, str(jobs)]
    )
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]
    assert seasons_count(session) == 0


def test_a_draft_nobody_owns_is_for_admins_only(client, token, auth, session) -> None:
    orphan = Season(
        label="orphan",
        status="draft",
        khr_per_usd=4000.0,
        working_days_per_month=26.0,
        minimum_wage_usd_month=210.0,
        living_wage_usd_month=250.0,
        org_id=None,
    )
    session.add(orphan)
    session.commit()
    surveyor = auth(token("surveyor", org=ORG))
    admin = auth(token("admin", org="Operator"))
    path = f"/api/v1/seasons/{orphan.id}"
    upload = {"table": "jobs", "file": (io.BytesIO(csv_bytes([job()])), "jobs.csv")}
    refused = client.post(
        f"{path}/survey", data=upload, headers=surveyor, content_type="multipart/form-data"
    )
    assert refused.status_code == 403
    assert "only an admin" in refused.json["detail"]
    assert client.post(f"{path}/publish", json={}, headers=surveyor).status_code == 403
    assert client.delete(path, headers=surveyor).status_code == 403
    upload = {"table": "jobs", "file": (io.BytesIO(csv_bytes([job()])), "jobs.csv")}
    accepted = client.post(
        f"{path}/survey", data=upload, headers=admin, content_type="multipart/form-data"
    )
    assert accepted.status_code == 200, accepted.json
    assert client.post(f"{path}/publish", json=JOBS_ONLY, headers=admin).status_code == 200


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_any_json_body_with_a_non_finite_number_is_422_naming_it(
    client, token, auth, value
) -> None:
    headers = auth(token("counsellor"))
    response = client.post(
        "/api/v1/survivors",
        data='{"case_code": "SRS-2026-001", "age": 19, "aptitudes": {"x": ' + value + "}}",
        headers=headers,
        content_type="application/json",
    )
    assert response.status_code == 422, response.json
    assert {"field": "aptitudes.x", "message": "must be a finite number"} in response.json["errors"]
