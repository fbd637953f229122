"""Placements, follow-ups and closure through the HTTP API: the schedule, the
living-wage and safety flags, the list of what is due, a repeated submission stored
once, and the rule for closing a case as reintegrated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from api import create_app
from api.auth import issue_token
from api.services.survivors import today_utc
from api.store.models import AuditEvent, FollowUp
from tests.api.casework_factories import SVR_LIVING_WAGE, Case
from tests.api.catalog_factories import track_body
from tests.conftest import database_url

FOUND_JOB = {"occupation": "7231", "town": "SVR", "employer_name": "Uncle's garage"}


@pytest.fixture
def case(client, token) -> Case:
    return Case(client, token)


def days_ago(n: int) -> str:
    return (today_utc() - timedelta(days=n)).isoformat()


def test_a_job_lists_its_follow_ups_at_1_3_6_and_12_months_and_training_none(case) -> None:
    survivor = case.survivor()
    job = case.place(survivor, started_on="2026-01-31", **FOUND_JOB)
    assert job["follow_ups_due"] == ["2026-02-28", "2026-04-30", "2026-07-31", "2027-01-31"]
    case.post(
        "/tracks",
        track_body(),
        case.surveyor,
    )
    training = case.place(survivor, kind="training", track_code="motorcycle-repair-svr")
    assert training["follow_ups_due"] == [] and training["track_code"] == "motorcycle-repair-svr"
    listed = case.get(f"/survivors/{survivor}/placements", case.counsellor)["items"]
    assert [p["kind"] for p in listed] == ["training", "job"]  # by start
    problem = case.follow_up(training["id"], status=422)
    assert "not training" in problem["detail"]


def test_the_schedule_is_a_deployment_setting(template_database, tmp_path, token) -> None:

    app = create_app(
        {
            "DATABASE_URL": database_url(template_database, tmp_path),
            "RATELIMIT_ENABLED": False,
            "FOLLOW_UP_MONTHS": (2, 24),
        }
    )
    with app.app_context():
        db = app.extensions["pathways.db"].sessions()
        tokens = {
            role: issue_token(db, "Svay Rieng Shelter (test)", role) for role in ("counsellor",)
        }
        db.commit()
        db.close()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens['counsellor']}"}
    survivor = client.post(
        "/api/v1/survivors",
        json={
            "case_code": "S-1",
            "birth_year": 1990,
            "home_province": "KH-20",
            "literacy": "basic",
        },
        headers=headers,
    ).get_json()["id"]
    job = client.post(
        "/api/v1/placements",
        json={"survivor_id": survivor, "kind": "job", "started_on": "2026-01-05", **FOUND_JOB},
        headers=headers,
    ).get_json()
    assert job["follow_ups_due"] == ["2026-03-05", "2028-01-05"]
    app.extensions["pathways.db"].engine.dispose()


def test_an_income_below_the_towns_living_wage_needs_support_with_the_gap(case) -> None:
    case.season()
    job = case.place(case.survivor(), **FOUND_JOB)
    low = case.follow_up(job["id"], monthly_income=60)
    assert low["flags"] == ["needs_support"]
    assert low["living_wage_usd_month"] == SVR_LIVING_WAGE
    assert low["gap_usd_month"] == SVR_LIVING_WAGE - 60
    assert low["month"] == 1
    # 20,000 riel a day, 26 days, 4,000 riel a dollar: US$130, above the living wage.
    enough = case.follow_up(
        job["id"], date="2026-04-05", monthly_income=20000, income_unit="day", currency="KHR"
    )
    assert enough["monthly_income_usd"] == 130.0
    assert enough["flags"] == [] and enough["gap_usd_month"] is None
    assert enough["month"] == 3


def test_a_safety_concern_is_urgent_and_listed_first_then_overdue_then_by_date(case) -> None:
    case.season()
    soon = case.place(case.survivor(), started_on=days_ago(25), **FOUND_JOB)  # due in ~5 days
    late = case.place(case.survivor(), started_on=days_ago(45), **FOUND_JOB)  # overdue
    unsafe = case.place(case.survivor(), started_on=days_ago(20), **FOUND_JOB)
    case.follow_up(unsafe["id"], date=days_ago(1), safety_concern=True, month=1, monthly_income=200)
    # The urgent case's next follow-up is months away: a wider window lists it.
    due = case.get("/follow-ups/due?within_days=90", case.counsellor)["items"]
    order = [(i["placement_id"], i["month"]) for i in due]
    assert order[0] == (unsafe["id"], 3) and due[0]["flags"] == ["urgent"]
    assert order[1] == (late["id"], 1) and due[1]["overdue"] is True
    assert (soon["id"], 1) in order[2:]
    near = case.get("/follow-ups/due", case.counsellor)["items"]
    assert {(i["placement_id"], i["month"]) for i in near} == {(late["id"], 1), (soon["id"], 1)}
    assert case.get("/follow-ups/due", case.other_counsellor)["items"] == []


def test_a_follow_up_submitted_twice_with_one_key_is_stored_once(case, session) -> None:
    job = case.place(case.survivor(), **FOUND_JOB)
    first = case.follow_up(job["id"], key="visit-2026-02-05-a")
    again = case.follow_up(job["id"], key="visit-2026-02-05-a")
    assert again == first
    count = session.scalar(select(func.count()).select_from(FollowUp))
    assert count == 1
    problem = case.follow_up(job["id"], key="visit-2026-02-05-a", monthly_income=999, status=422)
    assert problem["errors"][0]["field"] == "Idempotency-Key"


def test_a_follow_up_before_the_start_is_refused(case) -> None:
    job = case.place(case.survivor(), started_on="2026-03-01", **FOUND_JOB)
    problem = case.follow_up(job["id"], date="2026-02-01", status=422)
    assert problem["errors"][0]["field"] == "date"


def test_another_ngo_never_sees_a_placement(case) -> None:
    job = case.place(case.survivor(), **FOUND_JOB)
    case.get(f"/placements/{job['id']}", case.other_counsellor, status=404)
    case.follow_up(job["id"], status=201)
    headers = case.other_counsellor
    case.post(
        f"/placements/{job['id']}/follow-ups",
        {"date": "2026-02-05", "employed": True},
        headers,
        404,
    )
    case.post(
        f"/placements/{job['id']}/end", {"ended_on": "2026-03-01", "reason": "moved"}, headers, 404
    )


def test_a_placement_on_a_vacancy_claims_a_position_and_its_end_frees_it(case) -> None:
    vacancy = case.vacancy(positions=1)
    job = case.place(case.survivor(), vacancy_id=vacancy)
    case.place(case.survivor(), vacancy_id=vacancy, status=409)
    case.refer(vacancy, case.survivor(), status=409)
    ended = case.post(
        f"/placements/{job['id']}/end",
        {"ended_on": "2026-05-01", "reason": "pay_too_low"},
        case.counsellor,
        200,
    )
    assert ended["ended_on"] == "2026-05-01" and ended["end_reason"] == "pay_too_low"
    case.refer(vacancy, case.survivor())


def test_a_job_without_a_vacancy_names_what_is_missing(case) -> None:
    problem = case.place(case.survivor(), occupation="7231", status=422)
    assert problem["errors"][0]["field"] == "town"
    problem = case.place(case.survivor(), kind="training", vacancy_id=1, status=422)
    assert {e["field"] for e in problem["errors"]} == {"vacancy_id"}


def test_an_own_business_keeps_its_costs_support_and_loan(case) -> None:
    business = {
        "occupation": "7531",
        "town": "SVR",
        "startup_cost_usd": 300,
        "support_usd": 125,
        "loan_usd": 50,
        "loan_interest_month": 0.1,
        "loan_months": 6,
    }
    made = case.place(case.survivor(), kind="self_employment", self_employment=business)
    assert made["self_employment"] == business
    assert made["town"] == "SVR" and len(made["follow_ups_due"]) == 4


def _in_work_for_a_year(case: Case, *incomes: float) -> tuple[int, int]:
    survivor = case.survivor()
    job = case.place(survivor, started_on=days_ago(400), **FOUND_JOB)
    for n, income in enumerate(incomes):
        case.follow_up(job["id"], date=days_ago(300 - 100 * n), monthly_income=income)
    return survivor, job["id"]


def test_reintegrated_needs_a_year_in_work_and_two_livable_follow_ups(case) -> None:
    case.season()
    short = case.survivor()
    case.place(short, started_on=days_ago(100), **FOUND_JOB)
    problem = case.post(
        f"/survivors/{short}/closure", {"reason": "reintegrated"}, case.counsellor, 422
    )
    fields = [e["message"] for e in problem["errors"]]
    assert any("12 months are needed" in m for m in fields)
    assert any("follow-up" in m for m in fields)

    low, _ = _in_work_for_a_year(case, 150, 60)
    problem = case.post(
        f"/survivors/{low}/closure", {"reason": "reintegrated"}, case.counsellor, 422
    )
    assert "below the living wage" in problem["detail"]

    good, _ = _in_work_for_a_year(case, 60, 150, 150)
    closed = case.post(
        f"/survivors/{good}/closure",
        {"reason": "reintegrated", "note": "own room"},
        case.counsellor,
    )
    assert closed["reason"] == "reintegrated" and closed["survivor_id"] == good
    case.post(f"/survivors/{good}/closure", {"reason": "died"}, case.counsellor, 409)
    case.refer(case.vacancy(), good, status=422)


def test_follow_ups_exactly_at_the_living_wage_count_as_livable(case) -> None:
    case.season()
    survivor, job = _in_work_for_a_year(case, SVR_LIVING_WAGE, SVR_LIVING_WAGE)
    listed = case.get(f"/placements/{job}/follow-ups", case.counsellor)["items"]
    assert [f["flags"] for f in listed] == [[], []]
    closed = case.post(
        f"/survivors/{survivor}/closure", {"reason": "reintegrated"}, case.counsellor
    )
    assert closed["reason"] == "reintegrated"


def test_other_closure_reasons_need_no_income(case, session) -> None:
    survivor = case.survivor()
    closed = case.post(f"/survivors/{survivor}/closure", {"reason": "untraceable"}, case.counsellor)
    assert closed["reason"] == "untraceable"
    case.post(f"/survivors/{survivor}/closure", {"reason": "gone"}, case.counsellor, 422)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "closure")).all()
    assert actions == ["close"]


def test_every_placement_and_follow_up_read_and_write_is_audited(case, session) -> None:
    job = case.place(case.survivor(), **FOUND_JOB)
    case.get(f"/placements/{job['id']}", case.counsellor)
    follow_up = case.follow_up(job["id"])
    case.get(f"/placements/{job['id']}/follow-ups", case.counsellor)
    rows = session.execute(
        select(AuditEvent.entity, AuditEvent.action)
        .where(AuditEvent.entity.in_(["placement", "follow_up"]))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("placement", "create"),
        ("placement", "read"),
        ("follow_up", "create"),
        ("follow_up", "read"),
    ]
    assert follow_up["placement_id"] == job["id"]
