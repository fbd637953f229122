"""The log canary (issue 16, "done when"): no failed write leaves a survivor's data in the
logs.

Every kind of write that fails (a body that is not JSON, one with a NUL, a field too
long, a race on the unique case code, a taken code, a survey upload past a cap or with
bad cells, the page forms, an unexpected error inside a write) is sent with canary
values in the survivor's fields; afterwards neither the captured log records nor what
the process wrote to its stdout and stderr (where gunicorn's log goes) holds any of them.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest

from tests.conftest import auth, csrf, sign_in
from tests.market_survey.builders import csv_bytes, job

URL = "/api/v1/survivors"
CODE = "CANARY-2026-001"
TAKEN = "CANARY-2026-002"
NOTE = "CANARY-NOTE: she fears her recruiter in Bavet"
CANARIES = ("CANARY-2026", "CANARY-NOTE", "fears her recruiter")


def survivor(**changes: Any) -> dict[str, Any]:
    body = {
        "case_code": CODE,
        "birth_year": 2008,
        "gender": "female",
        "home_province": "KH-20",
        "literacy": "basic",
        "notes": NOTE,
    }
    return body | changes


@pytest.fixture
def canary_log(caplog, capfd):
    """Everything logged or printed while the test runs, checked for canaries at the end."""
    caplog.set_level(logging.DEBUG)
    yield
    out, err = capfd.readouterr()
    for text in (caplog.text, out, err):
        for canary in CANARIES:
            assert canary not in text, canary


def test_no_failed_write_logs_a_survivor_field(app, client, token, canary_log, monkeypatch) -> None:
    headers = auth(token("counsellor", org="Shelter A"))
    taken = client.post(URL, json=survivor(case_code=TAKEN, notes="first"), headers=headers)
    assert taken.status_code == 201
    existing = client.post(URL, json=survivor(case_code="OTHER-1", notes="x"), headers=headers)
    other = existing.get_json()["id"]

    def post(body: Any, **kw: Any) -> int:
        return client.post(URL, headers=headers, **kw, **body).status_code

    # A body that is not JSON, or a deeply nested one.
    assert (
        post(
            {"data": '{"case_code": "' + CODE + '", "notes": "' + NOTE},
            content_type="application/json",
        )
        == 400
    )
    assert (
        post({"data": "[" * 5000 + '"' + NOTE + '"' + "]" * 5000}, content_type="application/json")
        == 400
    )
    # Fields the schema refuses, a NUL, a number that is not finite.
    assert post({"json": survivor(notes=NOTE + "\x00")}) == 422
    assert post({"json": survivor(notes=NOTE * 1000)}) == 422
    assert post({"json": survivor(case_code=CODE + "\n")}) == 422
    assert post({"json": survivor(birth_year=float("inf"))}) in (400, 422)
    # The unique case code: taken (found by the check) and raced (found by the database).
    assert post({"json": survivor(case_code=TAKEN)}) == 409
    patch = f"{URL}/{other}"
    assert (
        client.patch(patch, json={"case_code": TAKEN, "notes": NOTE}, headers=headers).status_code
        == 409
    )
    monkeypatch.setattr("api.services.survivors.case_code_taken", lambda *_args: False)
    assert post({"json": survivor(case_code=TAKEN)}) == 409
    assert (
        client.patch(patch, json={"case_code": TAKEN, "notes": NOTE}, headers=headers).status_code
        == 409
    )
    monkeypatch.undo()

    # An unexpected error inside the write: a 500, logged, with the survivor's fields not.
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the audit store is down")

    monkeypatch.setattr("api.services.survivors.audit", broken)
    assert post({"json": survivor(case_code="CANARY-2026-003")}) == 500
    monkeypatch.undo()


def test_no_failed_upload_or_page_form_logs_a_canary(app, client, token, user, canary_log) -> None:
    surveyor = token("surveyor", org="Market Survey Network")
    headers = auth(surveyor)
    season = client.post(
        "/api/v1/seasons",
        json={
            "label": "canary",
            "khr_per_usd": 4000,
            "minimum_wage_usd_month": 210,
            "living_wage_usd_month": 250,
        },
        headers=headers,
    ).get_json()["id"]

    def upload(data: bytes, name: str = "jobs.csv") -> int:
        response = client.post(
            f"/api/v1/seasons/{season}/survey",
            data={"table": "jobs", "file": (io.BytesIO(data), name)},
            headers=headers,
            content_type="multipart/form-data",
        )
        return response.status_code

    # A surveyor who pasted a case note where a source belongs, in every failing way.
    assert upload(csv_bytes([job(town="Nowhere", source=NOTE)])) == 422
    assert upload(csv_bytes([job(source=NOTE + "\x00")])) == 422
    assert upload(csv_bytes([job(source=NOTE * 100)])) == 422
    assert upload(csv_bytes([job(pay_min="1e999", source=NOTE)])) == 422
    assert upload(csv_bytes([job(source=NOTE)], header=[*job(), "Source"])) == 422
    assert upload(csv_bytes([job(source=NOTE)]) + b"," * 200_000 + b"\n") == 413
    assert upload(NOTE.encode() + b"\x00PK", "survey.xlsx") == 422
    rows = client.post(
        f"/api/v1/seasons/{season}/survey",
        json={"table": "jobs", "rows": [job(source=NOTE + "\ud800")]},
        headers=headers,
    )
    assert rows.status_code == 422

    sign_in(client, user("surveyor", org="Market Survey Network"))
    form = {
        "label": CODE,
        "khr_per_usd": "nan",
        "minimum_wage_usd_month": "210",
        "living_wage_usd_month": NOTE,
        "csrf_token": csrf(client.get("/seasons")),
    }
    assert client.post("/seasons", data=form).status_code == 422
    page_upload = {
        "file": (io.BytesIO(csv_bytes([job(source=NOTE + "\x00")])), "jobs.csv"),
        "table": "jobs",
        "csrf_token": csrf(client.get("/seasons")),
    }
    response = client.post(
        f"/seasons/{season}/survey", data=page_upload, content_type="multipart/form-data"
    )
    assert response.status_code == 422
