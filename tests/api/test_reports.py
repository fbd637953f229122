"""Outcome reports through the HTTP API and the CLI: an NGO sees its own placements, an
admin everyone's, an employer only those at its own business; no shown count stands for
fewer people than the minimum cell (a deployment setting, 5 here so that a test builds
few cases); CSV and SVG carry the same protected figures; every report read is audited."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from api import create_app
from api.services.survivors import today_utc
from api.store.models import AuditEvent
from casework import round_down
from tests.api.builders import assert_problem
from tests.api.casework_factories import OTHER_SHELTER, SHELTER, SVR_LIVING_WAGE, Case
from tests.conftest import database_url

MIN_CELL = 5
COUNTS = ("placed", "followed_up_12m", "in_work_3m", "in_work_6m", "in_work_12m")
GARAGE, SALON, UNCLE = "Golden Wheel Garage", "Lucky Salon", "Uncle's garage"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def app(template_database: str, tmp_path) -> Iterator[Flask]:
    application = create_app(
        {
            "DATABASE_URL": database_url(template_database, tmp_path),
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "REPORT_MIN_CELL": MIN_CELL,
        }
    )
    yield application
    application.extensions["pathways.db"].engine.dispose()


def days_ago(n: int) -> str:
    return (today_utc() - timedelta(days=n)).isoformat()


class Outcomes:
    """Placements of two NGOs at two employers' vacancies and one found job, with the
    true count of every group, to compare the published figures against."""

    def __init__(self, case: Case) -> None:
        self.case = case
        case.season()
        self.garage = case.vacancy(positions=30)
        self.salon = case.vacancy(positions=30, employer="other_employer")
        # true[(who, group)] = {count: people}
        self.true: dict[tuple[str, str], dict[str, int]] = {}
        self._place("mine", GARAGE, 6, vacancy_id=self.garage, income=150)
        self._place("mine", SALON, 5, vacancy_id=self.salon, income=60)
        self._place("mine", UNCLE, 2, occupation="7231", town="SVR", employer_name=UNCLE)
        self._place("theirs", GARAGE, 5, vacancy_id=self.garage, headers=case.other_counsellor)

    def _place(
        self,
        who: str,
        group: str,
        n: int,
        *,
        income: float | None = None,
        headers: dict[str, str] | None = None,
        **job: Any,
    ) -> None:
        headers = headers or self.case.counsellor
        for _ in range(n):
            survivor = self.case.survivor(headers=headers)
            body = {"survivor_id": survivor, "kind": "job", "started_on": days_ago(200), **job}
            placement = self.case.post("/placements", body, headers)
            if income is not None:
                visit = {"date": days_ago(105), "month": 3, "employed": True}
                self.case.post(
                    f"/placements/{placement['id']}/follow-ups",
                    {**visit, "monthly_income": income},
                    headers,
                )
        counts = dict.fromkeys(COUNTS, 0)
        counts["placed"] = n
        counts["in_work_3m"] = n if income is not None else 0
        self.true[(who, group)] = counts

    def seen_by(self, *who: str) -> dict[str, dict[str, int]]:
        """The true counts per group of the placements of ``who``."""
        out: dict[str, dict[str, int]] = {}
        for (owner, group), counts in self.true.items():
            if owner in who:
                mine = out.setdefault(group, dict.fromkeys(COUNTS, 0))
                for c in COUNTS:
                    mine[c] += counts[c]
        return out


@pytest.fixture
def case(client, token) -> Case:
    return Case(client, token)


@pytest.fixture
def outcomes(case) -> Outcomes:
    return Outcomes(case)


def assert_protected(report: dict[str, Any], true: dict[str, dict[str, int]]) -> None:
    """Exactly the groups of ``true``; each count hidden, or the true count (at least
    the minimum cell) rounded down to 5; hidden cells flag their row as suppressed."""
    assert report["min_cell"] == MIN_CELL
    assert {r["group"] for r in report["rows"]} == set(true)
    total = {c: sum(t[c] for t in true.values()) for c in COUNTS}
    for row, counts in [*((r, true[r["group"]]) for r in report["rows"]), (report["total"], total)]:
        for c in COUNTS:
            if row[c] is None:
                assert row["suppressed"] is True
            else:
                assert counts[c] >= MIN_CELL, (row["group"], c, counts[c])
                assert row[c] == round_down(counts[c])
        if counts["placed"] < MIN_CELL:
            assert row["placed"] is None


def report(case: Case, headers: dict[str, str], by: str = "employer") -> dict[str, Any]:
    return case.get(f"/reports/outcomes?by={by}", headers)


def test_an_ngo_sees_its_own_placements_and_an_admin_everyones(case, outcomes) -> None:
    mine = report(case, case.counsellor)
    assert_protected(mine, outcomes.seen_by("mine"))
    rows = {r["group"]: r for r in mine["rows"]}
    assert rows[UNCLE]["placed"] is None  # two people
    assert rows[SALON]["placed"] is None  # else the total would give the two away
    assert rows[GARAGE]["placed"] == 5 and rows[GARAGE]["in_work_3m"] == 5
    assert rows[GARAGE]["median_income_usd_month"] == 150
    assert rows[GARAGE]["living_wage_usd_month"] == SVR_LIVING_WAGE
    theirs = report(case, case.other_counsellor)
    assert_protected(theirs, outcomes.seen_by("theirs"))
    everyone = report(case, case.admin)
    assert_protected(everyone, outcomes.seen_by("mine", "theirs"))
    assert {r["group"]: r["placed"] for r in everyone["rows"]}[GARAGE] == 10  # 11 people


def test_an_employer_sees_only_the_placements_at_its_own_business(case, outcomes) -> None:
    garage = report(case, case.employer)
    assert [r["group"] for r in garage["rows"]] == [GARAGE]
    assert garage["rows"][0]["placed"] == 10  # both NGOs' 11 people at the garage
    salon = report(case, case.other_employer, by="town")
    assert [r["group"] for r in salon["rows"]] == ["SVR"]
    assert salon["total"]["placed"] == 5  # the salon's five, not the garage's or the found job
    for by in ("track", "town", "season"):
        text = case.call("GET", f"/reports/outcomes?by={by}", case.employer, status=200)
        assert SALON not in text.get_data(as_text=True)


def test_every_grouping_protects_small_cells(case, outcomes) -> None:
    for by in ("track", "town", "employer", "season"):
        body = report(case, case.admin, by=by)
        assert body["by"] == by and body["rows"]
        for row in [*body["rows"], body["total"]]:
            for c in COUNTS:
                assert row[c] is None or (row[c] % 5 == 0 and row[c] >= round_down(MIN_CELL))
        everyone = sum(t["placed"] for t in outcomes.true.values())
        assert body["total"]["placed"] == round_down(everyone)


def test_the_csv_has_the_contract_columns_and_the_same_figures(case, outcomes) -> None:
    response = case.call(
        "GET", "/reports/outcomes?by=employer&format=csv", case.counsellor, None, 200
    )
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == [
        "group",
        "placed",
        "followed_up_12m",
        "in_work_3m",
        "in_work_6m",
        "in_work_12m",
        "median_income_usd_month",
        "living_wage_usd_month",
        "share_livable",
        "suppressed",
    ]
    body = report(case, case.counsellor)
    assert [r["group"] for r in rows] == [*(r["group"] for r in body["rows"]), "all"]
    for line, row in zip(rows, [*body["rows"], body["total"]], strict=True):
        for c in COUNTS:
            assert line[c] == ("" if row[c] is None else str(row[c]))


def test_the_chart_draws_shown_figures_and_marks_hidden_ones(case, outcomes) -> None:
    response = case.call(
        "GET", "/reports/outcomes?by=employer&format=svg", case.counsellor, None, 200
    )
    assert response.mimetype == "image/svg+xml"
    svg = ET.fromstring(response.get_data(as_text=True))
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    words = [t.text for t in svg.iter(f"{SVG}text")]
    assert GARAGE in words and UNCLE in words and SALON in words
    tips = [t.text or "" for t in svg.iter(f"{SVG}title")]
    assert "5 of 5 placed" in tips  # the garage at 3 months: its shown counts
    assert any(t.startswith("median $150.00 a month; living wage $110.00") for t in tips)
    assert words.count("hidden") >= 2  # the salon's and the found job's placed counts
    assert not any("of 6" in t or "of 2" in t for t in tips)  # never a true small count


def test_a_group_name_cannot_inject_markup_into_the_chart(case) -> None:
    case.season()
    name = '<script>alert(1)</script> & "Co"'
    for _ in range(MIN_CELL):
        body = {"survivor_id": case.survivor(), "kind": "job", "started_on": days_ago(10)}
        case.post(
            "/placements",
            {**body, "occupation": "7231", "town": "SVR", "employer_name": name},
            case.counsellor,
        )
    text = case.call("GET", "/reports/outcomes?by=employer&format=svg", case.counsellor, None, 200)
    svg = text.get_data(as_text=True)
    assert "<script" not in svg
    assert [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")].count(name[:23] + "\u2026") == 1


def test_every_report_read_is_audited_as_the_callers(case, session) -> None:
    for headers in (case.counsellor, case.admin, case.employer):
        report(case, headers)
    case.call("GET", "/reports/outcomes?format=csv", case.counsellor, None, 200)
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.org_id, AuditEvent.user_id)
        .where(AuditEvent.entity == "outcome_report")
        .order_by(AuditEvent.id)
    ).all()
    assert [r.action for r in rows] == ["read"] * 4
    assert rows[1].org_id is None  # the admin's covers every NGO
    assert rows[0].org_id == rows[3].org_id is not None and rows[0].user_id is not None


@pytest.mark.parametrize(
    ("query", "field"), [("by=region", "by"), ("format=pdf", "format"), ("by=", "by")]
)
def test_a_bad_grouping_or_format_is_a_422_naming_it(case, query, field) -> None:
    response = case.call("GET", f"/reports/outcomes?{query}", case.counsellor)
    problem = assert_problem(response, 422)
    assert [e["field"] for e in problem["errors"]] == [field]


def test_a_surveyor_gets_no_report(case) -> None:
    assert_problem(case.call("GET", "/reports/outcomes", case.surveyor), 403)


# --- the command line ---------------------------------------------------------------


def test_the_cli_report_is_the_admins_report_as_csv_and_one_ngos_with_org(
    case, outcomes, runner
) -> None:
    result = runner.invoke(args=["report", "--by", "employer", "--format", "csv"])
    assert result.exit_code == 0, result.output
    api = case.call("GET", "/reports/outcomes?by=employer&format=csv", case.admin, None, 200)
    assert result.stdout == api.get_data(as_text=True)
    result = runner.invoke(args=["report", "--by", "town", "--org", OTHER_SHELTER])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["by"] == "town" and [r["group"] for r in body["rows"]] == ["SVR"]
    assert body["total"]["placed"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--by", "region"], "--by must be one of track, town, employer, season"),
        (["report", "--format", "xlsx"], "--format must be one of json, csv, svg"),
        (["report", "--org", "Nobody's Shelter"], "there is no organisation"),
        (["follow-ups-due", "--org", "Nobody's Shelter"], "there is no organisation"),
        (["follow-ups-due", "--org", SHELTER, "--within-days", "-1"], "--within-days"),
    ],
)
def test_cli_bad_input_is_one_line_and_fails(runner, args, message) -> None:
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


def test_cli_follow_ups_due_lists_urgent_first_then_overdue(case, runner) -> None:
    case.season()
    found = {"kind": "job", "occupation": "7231", "town": "SVR", "employer_name": UNCLE}
    late = case.place(case.survivor(), **{**found, "started_on": days_ago(45)})
    unsafe = case.place(case.survivor(), **{**found, "started_on": days_ago(20)})
    case.follow_up(unsafe["id"], date=days_ago(1), month=1, monthly_income=40, safety_concern=True)
    result = runner.invoke(args=["follow-ups-due", "--org", SHELTER, "--within-days", "90"])
    assert result.exit_code == 0, result.output
    header, *lines, summary = result.stdout.strip().splitlines()
    assert header.split() == [
        "due_on",
        "month",
        "state",
        "flags",
        "gap_usd_month",
        "placement",
        "survivor",
    ]
    rows = [line.split() for line in lines]
    # placement, month, state, flags, gap
    assert [(r[5], r[1], r[2]) for r in rows] == [
        (str(unsafe["id"]), "3", "due"),
        (str(late["id"]), "1", "overdue"),
        (str(late["id"]), "3", "due"),
    ]
    assert set(rows[0][3].split(",")) == {"urgent", "needs_support"}
    assert rows[0][4] == f"{SVR_LIVING_WAGE - 40:.2f}" and rows[1][3:5] == ["-", "-"]
    assert summary == "3 follow-ups: 1 overdue, 1 urgent."
    other = runner.invoke(args=["follow-ups-due", "--org", OTHER_SHELTER])
    assert other.exit_code == 0 and "No follow-up" in other.stdout
