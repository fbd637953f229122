"""The learning loop on the sample: simulate, train, recommend with retention, allocate,
roll back; the registry is for admins only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from api import create_app
from api.auth import Principal
from api.config import service_config
from api.services.users import create_user
from api.store.models import FollowUp, OutcomeModelVersion, Survivor
from api.store.outcomes import MODELS
from tests.conftest import Login, PathwaysRunner, auth, csrf, database_url, sign_in

SHELTER = "Svay Rieng Shelter"
TODAY = "2026-11-01"


@pytest.fixture
def loop_app(template_database: str, tmp_path: Path) -> Iterator[Flask]:
    application = create_app(
        {
            "DATABASE_URL": database_url(template_database, tmp_path),
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "MODEL_FOLDER": str(tmp_path / "models"),
            "MIN_OUTCOMES": 150,
        }
    )
    MODELS.clear()
    yield application
    application.extensions["pathways.db"].engine.dispose()


def _token(app: Flask, role: str, org: str = SHELTER) -> str:
    from api.auth import issue_token  # noqa: PLC0415  (test helper, as conftest does)

    with app.extensions["pathways.db"].sessions() as session:
        value = issue_token(session, org, role, None)
        session.commit()
    return value


def _page_user(app: Flask, role: str) -> Login:
    """A person of the shelter who signs in on the pages, in ``role``."""
    login = Login(f"page-{role}", f"page-{role}-password")
    with app.extensions["pathways.db"].sessions() as session:
        create_user(
            session,
            Principal.operator(),
            service_config(app.config),
            username=login.username,
            role=role,
            password=login.password,
            org=SHELTER,
        )
    return login


def _first_survivor(app: Flask) -> int:
    with app.extensions["pathways.db"].sessions() as session:
        return int(
            session.scalar(select(Survivor.id).where(Survivor.case_code == "SRS-2026-003")) or 0
        )


@pytest.fixture
def trained(loop_app: Flask) -> tuple[Flask, FlaskClient, str]:
    """The sample, 300 simulated placements and a model trained on them (CLI)."""
    runner = PathwaysRunner(loop_app)
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    admin = _token(loop_app, "admin")
    client = loop_app.test_client()
    # Before any model: retention is absent and the response says why.
    counsellor = _token(loop_app, "counsellor")
    survivor = _first_survivor(loop_app)
    before = client.post(
        f"/api/v1/survivors/{survivor}/recommendations", json={}, headers=auth(counsellor)
    )
    assert before.status_code == 201
    body = before.get_json()
    assert all("retention" not in item["components"] for item in body["items"])
    assert "No outcome model is active" in body["notes"][0]
    assert client.get("/api/v1/models/current", headers=auth(admin)).status_code == 404

    simulated = runner.invoke(
        args=["simulate-outcomes", "--placements", "300", "--seed", "3", "--today", TODAY]
    )
    assert simulated.exit_code == 0, simulated.output
    assert "Simulated" in simulated.output
    result = runner.invoke(args=["train-model"])
    assert result.exit_code == 0, result.output
    assert "ROC AUC" in result.output
    return loop_app, client, admin


@pytest.mark.slow  # two trainings on 300 simulated placements: about 20 s on a quiet machine
def test_the_loop_runs_end_to_end_on_the_sample(trained) -> None:
    app, client, admin = trained
    with app.extensions["pathways.db"].sessions() as session:
        assert session.scalar(select(func.count(FollowUp.id))) > 300
        row = session.scalar(select(OutcomeModelVersion))
        assert row is not None and row.active
        version = row.version
    current = client.get("/api/v1/models/current", headers=auth(admin))
    assert current.status_code == 200
    card = current.get_json()["card"]
    assert card["version"] == version and "gender" not in card["features"]
    assert {"roc_auc", "brier", "ece"} <= set(card["metrics"])
    assert "placements_were_not_random" in card["selection"]
    folder = Path(app.config["MODEL_FOLDER"])
    assert json.loads((folder / f"{version}.json").read_text())["sha256"] == card["sha256"]

    counsellor = _token(app, "counsellor")
    survivor = _first_survivor(app)
    made = client.post(
        f"/api/v1/survivors/{survivor}/recommendations", json={}, headers=auth(counsellor)
    ).get_json()
    assert made["model_version"].endswith(f"outcomes-{version}")
    assert made["notes"] == []
    for item in made["items"]:
        assert 0.0 <= item["components"]["retention"] <= 1.0
        assert any(
            r.startswith("Chance of still being in work after a year") for r in item["reasons"]
        )

    allocation = client.post(
        "/api/v1/allocations", json={"survivor_ids": [survivor]}, headers=auth(counsellor)
    )
    assert allocation.status_code == 201, allocation.get_json()
    assert allocation.get_json()["objective"] == "expected_lasting_placements"

    # A second model, then activate it, then roll back to the first.
    runner = PathwaysRunner(app)
    again = runner.invoke(args=["train-model", "--no-activate", "--seed", "1"])
    assert again.exit_code == 0, again.output
    listed = client.get("/api/v1/models", headers=auth(admin)).get_json()["items"]
    assert len(listed) == 2
    newer, older = listed[0]["version"], listed[1]["version"]
    assert not listed[0]["active"] and listed[1]["active"]
    switched = client.post(f"/api/v1/models/{newer}/activate", headers=auth(admin))
    assert switched.status_code == 200 and switched.get_json()["active"]
    back = client.post(f"/api/v1/models/{older}/activate", headers=auth(admin))
    assert back.get_json()["version"] == older
    assert client.post("/api/v1/models/nope/activate", headers=auth(admin)).status_code == 404

    # A changed file no longer matches its card: the model is not loaded, and the
    # response says so instead of scoring with it.
    MODELS.clear()
    blob = Path(app.config["MODEL_FOLDER"]) / f"{older}.joblib"
    blob.write_bytes(blob.read_bytes() + b"x")
    counsellor = _token(app, "counsellor")
    made = client.post(
        f"/api/v1/survivors/{_first_survivor(app)}/recommendations",
        json={},
        headers=auth(counsellor),
    ).get_json()
    assert all("retention" not in item["components"] for item in made["items"])
    assert "could not be loaded" in made["notes"][0]


def test_the_registry_is_for_admins_only(loop_app: Flask) -> None:
    client = loop_app.test_client()
    for role in ("counsellor", "employer"):
        tok = _token(loop_app, role)
        for method, url in (
            ("GET", "/api/v1/models"),
            ("GET", "/api/v1/models/current"),
            ("POST", "/api/v1/models/o1/activate"),
            ("POST", "/api/v1/models/train"),
        ):
            response = client.open(url, method=method, json={}, headers=auth(tok))
            assert response.status_code == 403, (role, url)


def test_training_with_too_few_outcomes_is_a_422_naming_the_count(loop_app: Flask) -> None:
    client = loop_app.test_client()
    admin = _token(loop_app, "admin")
    response = client.post("/api/v1/models/train", json={}, headers=auth(admin))
    assert response.status_code in (409, 422)
    problem = response.get_json()
    assert response.content_type == "application/problem+json"
    assert "150" in problem["detail"] or "season" in problem["detail"].lower()
    bad = client.post("/api/v1/models/train", json={"seed": "x"}, headers=auth(admin))
    assert bad.status_code == 422
    assert client.get("/api/v1/models", headers=auth(admin)).get_json()["items"] == []


@pytest.mark.slow  # trains a second model on 300 simulated placements through the page
def test_an_admin_reads_the_model_trains_another_and_rolls_back_on_the_page(trained) -> None:
    app, client, _ = trained
    sign_in(client, _page_user(app, "admin"))
    with app.extensions["pathways.db"].sessions() as session:
        first = session.scalar(select(OutcomeModelVersion.version))
    page = client.get("/admin/models").get_data(as_text=True)
    assert f"In the score now: {first}" in page
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "Calibration: predicted against observed" in chart
    assert chart.count("<circle") >= 5  # the backtest's groups of placements
    assert "Gender: female" in page and "Age: under 18" in page and "ROC AUC" in page

    form = {"csrf_token": csrf(client.get("/admin/models"))}  # "activate" left unticked
    assert client.post("/admin/models/train", data=form).status_code == 302
    page = client.get("/admin/models").get_data(as_text=True)
    assert f"In the score now: {first}" in page
    with app.extensions["pathways.db"].sessions() as session:
        second = session.scalar(
            select(OutcomeModelVersion.version).where(OutcomeModelVersion.version != first)
        )
    assert f"Use {second} in the score" in page
    form = {"csrf_token": csrf(client.get("/admin/models"))}
    assert client.post(f"/admin/models/{second}/activate", data=form).status_code == 302
    assert f"In the score now: {second}" in client.get("/admin/models").get_data(as_text=True)
    missing = client.post("/admin/models/nope/activate", data=form)
    assert missing.status_code == 404 and "<nav" in missing.get_data(as_text=True)


@pytest.mark.slow  # trains on 300 simulated placements (the fixture)
def test_a_khmer_recommendation_page_says_what_the_model_expects_in_khmer(trained) -> None:
    app, client, _ = trained
    sign_in(client, _page_user(app, "counsellor"))
    survivor = _first_survivor(app)
    page = client.get(f"/survivors/{survivor}?lang=km")
    made = client.post(f"/survivors/{survivor}", data={"csrf_token": csrf(page)})
    text = made.get_data(as_text=True)
    assert '<html lang="km">' in text
    assert "ឱកាសនៅតែធ្វើការបន្ទាប់ពីមួយឆ្នាំ" in text
    assert "Chance of still being in work" not in text
    assert "Raises it most" not in text and "Lowers it most" not in text
