"""Survey uploads read under caps (issue 16: 3, 9, 14): a file never says how big it is.

Each upload here was a worker held for seconds at gigabytes, a 500, or a cell stored
as sent; now each stops early with a problem naming the cap, the row or the column,
and writes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from api.store.models import Season, SurveyJob
from market_survey.ingest import read_workbook
from tests.market_survey.builders import JOB_HEADER, csv_bytes, job

SEASON = {
    "label": "2026-caps",
    "khr_per_usd": 4000,
    "minimum_wage_usd_month": 210,
    "living_wage_usd_month": 250,
}
ORG = "Market Survey Network"


@pytest.fixture
def surveyor(token, auth) -> dict[str, str]:
    return auth(token("surveyor", org=ORG))


@pytest.fixture
def season_id(client, surveyor) -> int:
    response = client.post("/api/v1/seasons", json=SEASON, headers=surveyor)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def caps(app, **limits: Any) -> None:
    """Lower the app's reading caps (the settings' defaults are too big to reach fast)."""
    config = app.extensions["pathways.services"]
    app.extensions["pathways.services"] = replace(
        config, survey_limits=replace(config.survey_limits, **limits)
    )


def workbook(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "jobs"
    sheet.append(header or JOB_HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def edited(data: bytes, replacements: dict[bytes, bytes]) -> bytes:
    """The workbook with its parts' XML edited: what a crafted file holds."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            for pattern, replacement in replacements.items():
                body = re.sub(pattern, replacement, body)
            dst.writestr(info.filename, body)
    return out.getvalue()


def claiming(data: bytes, dimension: str, far_cell: str) -> bytes:
    """The workbook with its sheet's dimension rewritten to ``dimension``, and one value
    in ``far_cell`` (its last row), as the probe's 1,657-byte file had."""
    last_row = f'<row r="{re.sub(r"[A-Z]", "", far_cell)}"><c r="{far_cell}"><v>1</v></c></row>'
    crafted = edited(
        data,
        {
            rb'<dimension ref="[^"]*"': f'<dimension ref="{dimension}"'.encode(),
            rb"</sheetData>": f"{last_row}</sheetData>".encode(),
        },
    )
    with zipfile.ZipFile(io.BytesIO(crafted)) as archive:
        assert f'ref="{dimension}"'.encode() in archive.read("xl/worksheets/sheet1.xml")
    return crafted


def send(client, headers, season_id: int, data: bytes, name: str, table: str = "jobs") -> Any:
    # The body is encoded here: the test client's own encoding of a big file leaves its
    # temporary file open.
    boundary, body = encode_multipart({"table": table, "file": FileStorage(io.BytesIO(data), name)})
    return client.post(
        f"/api/v1/seasons/{season_id}/survey",
        data=body,
        headers=headers,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def stored_jobs(session, season_id: int) -> int:
    session.expire_all()
    return session.scalar(
        select(func.count()).select_from(SurveyJob).where(SurveyJob.season_id == season_id)
    )


def good_rows(n: int) -> list[list[Any]]:
    return [list(job(openings=str(i + 1)).values()) for i in range(n)]


def test_a_workbook_claiming_the_whole_sheet_is_read_as_what_it_holds(
    client, surveyor, season_id, session
) -> None:
    crafted = claiming(workbook(good_rows(2)), "A1:XFD1048576", "XFD1048576")
    assert len(crafted) < 10_000
    # Read as claimed, it was a million padded rows (and gigabytes once validated).
    assert read_workbook(crafted)["jobs"].shape == (2, len(JOB_HEADER))
    response = send(client, surveyor, season_id, crafted, "survey.xlsx")
    assert response.status_code == 200, response.json
    assert response.json["tables"] == {"jobs": 2}


def test_a_workbook_over_the_row_cap_is_413_naming_the_cap_and_the_command(
    app, client, surveyor, season_id, session
) -> None:
    caps(app, max_rows=50)
    response = send(client, surveyor, season_id, workbook(good_rows(51)), "survey.xlsx")
    assert response.status_code == 413, response.json
    assert response.mimetype == "application/problem+json"
    message = response.json["errors"][0]["message"]
    assert "more than 50 data rows" in message and "pathways import-survey" in message
    assert stored_jobs(session, season_id) == 0
    assert send(client, surveyor, season_id, workbook(good_rows(50)), "s.xlsx").status_code == 200


def test_a_csv_over_the_row_or_column_cap_is_413(app, client, surveyor, season_id, session) -> None:
    caps(app, max_rows=50, max_columns=12)
    many_rows = csv_bytes([job(openings=str(i + 1)) for i in range(51)])
    response = send(client, surveyor, season_id, many_rows, "jobs.csv")
    assert response.status_code == 413
    assert "more than 50 data rows" in response.json["errors"][0]["message"]
    wide = csv_bytes([job()], header=[*JOB_HEADER, "a", "b"])
    response = send(client, surveyor, season_id, wide, "jobs.csv")
    assert response.status_code == 413
    assert "more than 12 columns" in response.json["errors"][0]["message"]
    assert stored_jobs(session, season_id) == 0


def test_a_csv_line_of_millions_of_commas_stops_at_the_line(
    client, surveyor, season_id, session
) -> None:
    data = csv_bytes([job()]) + b"," * 31_000_000 + b"\n"
    response = send(client, surveyor, season_id, data, "jobs.csv")
    assert response.status_code == 413, response.json
    message = response.json["errors"][0]["message"]
    assert "line 3" in message and "60 columns" in message
    assert len(response.get_data()) < 2_000
    assert stored_jobs(session, season_id) == 0


def test_a_workbook_that_unpacks_past_the_cap_is_413(app, client, surveyor, season_id) -> None:
    caps(app, max_unpacked_bytes=1024)
    response = send(client, surveyor, season_id, workbook(good_rows(2)), "survey.xlsx")
    assert response.status_code == 413
    assert "unpacks to more than" in response.json["errors"][0]["message"]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_column_given_twice_is_422_naming_it(
    client, surveyor, season_id, session, kind: str
) -> None:
    header = [*JOB_HEADER, "Pay Min"]
    row = [*job().values(), "999"]
    if kind == "xlsx":
        data = workbook([row], header=header)
    else:
        text = io.StringIO()
        csv.writer(text).writerows([header, row])
        data = text.getvalue().encode()
    response = send(client, surveyor, season_id, data, f"survey.{kind}")
    assert response.status_code == 422, response.json
    problem = response.json["errors"][0]
    assert problem["field"] == "Pay Min"
    assert "twice" in problem["message"] and "columns 5 and 12" in problem["message"]
    assert stored_jobs(session, season_id) == 0


def upload_rows(client, headers, season_id: int, rows: list[dict[str, Any]], kind: str) -> Any:
    if kind == "xlsx":
        # openpyxl refuses to write a cell over 32,767 characters: the crafted file
        # gets its long cell by an edit of the sheet's XML.
        long = {r["source"] for r in rows if len(r["source"]) > 32_767}
        marked = [{**r, "source": "LONG-CELL"} if r["source"] in long else r for r in rows]
        data = workbook([list(r.values()) for r in marked])
        if long:
            data = edited(data, {b"LONG-CELL": long.pop().encode()})
        return send(client, headers, season_id, data, "survey.xlsx")
    if kind == "csv":
        return send(client, headers, season_id, csv_bytes(rows), "jobs.csv")
    return client.post(
        f"/api/v1/seasons/{season_id}/survey",
        json={"table": "jobs", "rows": rows},
        headers=headers,
    )


def cell_problems(response: Any) -> dict[tuple[int, str], str]:
    assert response.status_code == 422, response.json
    assert len(response.get_data()) < 2_000  # the cell is named, not echoed
    return {(p["row"], p["field"]): p["message"] for p in response.json["errors"]}


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_a_nul_character_in_a_cell_is_422_with_row_and_column(
    client, surveyor, season_id, session, kind: str
) -> None:
    # (An XLSX cannot hold one: XML has no NUL character, and openpyxl refuses it.)
    rows = [job(), job(openings="3", source="M15\x00 hidden")]
    problems = cell_problems(upload_rows(client, surveyor, season_id, rows, kind))
    assert "NUL" in problems[(2, "source")]
    assert stored_jobs(session, season_id) == 0


@pytest.mark.parametrize("kind", ["xlsx", "csv", "json"])
def test_a_30_mb_cell_is_422_with_row_and_column(
    client, surveyor, season_id, session, kind: str
) -> None:
    rows = [job(), job(openings="3"), job(openings="4", source="x" * 30_000_000)]
    problems = cell_problems(upload_rows(client, surveyor, season_id, rows, kind))
    assert "longer than 1000 characters" in problems[(3, "source")]
    assert stored_jobs(session, season_id) == 0


def test_a_non_finite_amount_in_a_file_is_422(client, surveyor, season_id, session) -> None:
    rows = [job(pay_max="1e999"), job(openings="7")]
    response = send(client, surveyor, season_id, csv_bytes(rows), "jobs.csv")
    assert response.status_code == 422
    problems = {(p["row"], p["field"]): p["message"] for p in response.json["errors"]}
    assert "not a finite number" in problems[(1, "pay_max")]
    data = (
        b'{"table": "jobs", "rows": [{"town": "PNH", "occupation": "8153", "employment": "wage",'
        b' "venue": "industrial", "pay_min": NaN, "pay_max": Infinity, "pay_unit": "month",'
        b' "currency": "USD", "openings": 4}]}'
    )
    response = client.post(
        f"/api/v1/seasons/{season_id}/survey",
        data=data,
        headers=surveyor,
        content_type="application/json",
    )
    assert response.status_code == 422, response.json
    fields = {p["field"] for p in response.json["errors"]}
    assert {"pay_min", "pay_max"} <= fields
    assert stored_jobs(session, season_id) == 0


def test_the_command_line_imports_past_the_row_cap(
    app, runner, session, surveyor, tmp_path
) -> None:
    caps(app, max_rows=5)
    jobs = tmp_path / "jobs.csv"
    jobs.write_bytes(csv_bytes([job(openings=str(i + 1)) for i in range(12)]))
    result = runner.invoke(
        args=[
            "import-survey",
            "--season",
            "big",
            "--org",
            ORG,
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
    assert "12 jobs rows" in result.output
    season = session.scalar(select(Season).where(Season.label == "big"))
    assert season is not None and stored_jobs(session, season.id) == 12
