"""The audit trail: every read and write of a survivor's data and every refused request
leaves a row naming who, in which role and organisation, did what to which record; no
row can be changed or deleted, by the app or in the database; admins read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from api.store.models import AuditEvent, Organisation, User
from api.store.models.audit import AuditImmutable
from tests.api.builders import assert_problem
from tests.api.casework_factories import Case


@pytest.fixture
def case(client, token) -> Case:
    return Case(client, token)


def _rows(session, **where):
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, name) == value)
    return session.scalars(stmt).all()


def _org_id(session, name: str) -> int:
    return session.scalar(select(Organisation.id).where(Organisation.name == name))


def test_a_read_names_the_actor_its_role_and_both_organisations(case, session) -> None:
    survivor = case.survivor(consent=False)
    case.get(f"/survivors/{survivor}", case.counsellor)
    row = _rows(session, entity="survivor", entity_id=survivor, action="read")[-1]
    shelter = _org_id(session, "Svay Rieng Shelter (test)")
    assert row.role == "counsellor" and row.status is None
    assert row.actor_org_id == shelter and row.org_id == shelter
    assert session.get(User, row.user_id).org_id == shelter
    assert row.at.replace(tzinfo=row.at.tzinfo or UTC) - datetime.now(UTC) < timedelta(minutes=1)


def test_refused_requests_for_a_survivor_leave_a_row_each(case, session) -> None:
    survivor = case.survivor(consent=False)
    before = len(_rows(session, action="refused"))
    case.call("GET", f"/survivors/{survivor}", {}, status=401)
    case.call("GET", f"/survivors/{survivor}", case.employer, status=403)
    case.call("GET", f"/survivors/{survivor}", case.other_counsellor, status=404)
    case.call("PATCH", f"/survivors/{survivor}", case.other_counsellor, {"notes": "x"}, status=404)
    case.call("GET", "/survivors/987654", case.counsellor, status=404)
    refused = _rows(session, action="refused")[before:]
    assert [(r.status, r.role, r.entity, r.entity_id) for r in refused] == [
        (401, None, "survivor", survivor),
        (403, "employer", "survivor", survivor),
        (404, "counsellor", "survivor", survivor),
        (404, "counsellor", "survivor", survivor),
        (404, "counsellor", "survivor", 987654),
    ]
    other = _org_id(session, "Poipet Shelter (test)")
    assert refused[2].actor_org_id == other
    assert all(r.org_id is None for r in refused)  # whose record it is stays unsaid


def test_a_refused_referral_placement_or_follow_up_is_recorded_too(case, session) -> None:
    case.season()
    vacancy = case.vacancy()
    survivor = case.survivor()
    referral = case.refer(vacancy, survivor)["id"]
    placement = case.place(survivor, occupation="7231", town="SVR", employer_name="a stall")["id"]
    case.call("GET", f"/referrals/{referral}", case.other_employer, status=404)
    case.call("GET", f"/placements/{placement}", case.other_counsellor, status=404)
    case.call("GET", f"/placements/{placement}/follow-ups", case.surveyor, status=403)
    refused = _rows(session, action="refused")
    assert [(r.entity, r.entity_id, r.status) for r in refused[-3:]] == [
        ("referral", referral, 404),
        ("placement", placement, 404),
        ("placement", placement, 403),
    ]


def test_a_refusal_elsewhere_is_not_a_survivor_record_and_leaves_no_row(case, session) -> None:
    before = len(_rows(session))
    case.call("GET", "/organisations", case.counsellor, status=403)
    case.call("GET", "/tracks/no-such-track", case.counsellor, status=404)
    assert len(_rows(session)) == before


def test_the_app_cannot_change_or_delete_an_audit_row(case, session) -> None:
    case.survivor(consent=False)
    row = _rows(session)[0]
    row.action = "nothing happened"
    with pytest.raises(AuditImmutable):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEvent, row.id))
    with pytest.raises(AuditImmutable):
        session.flush()
    session.rollback()
    for statement in (update(AuditEvent).values(action="x"), delete(AuditEvent)):
        with pytest.raises(AuditImmutable):
            session.execute(statement)
        session.rollback()
    assert session.get(AuditEvent, row.id).action == "create"


def test_the_database_refuses_to_change_or_delete_an_audit_row(case, app) -> None:
    """Below the ORM, as the app's database role: a trigger raises (both databases)."""
    case.survivor(consent=False)
    engine = app.extensions["pathways.db"].engine
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with engine.connect() as conn, pytest.raises(DBAPIError, match="never changed"):
            conn.execute(text(statement))
    with engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_events")).scalars().all()
    assert actions and "x" not in actions


def test_admins_filter_the_trail_and_page_through_it(case, session) -> None:
    first = case.survivor(consent=False)
    second = case.survivor(consent=False)
    for _ in range(3):
        case.get(f"/survivors/{first}", case.counsellor)
    case.call("GET", f"/survivors/{second}", case.other_counsellor, status=404)
    body = case.get(f"/audit?survivor_id={first}&action=read", case.admin)
    assert [(i["entity_id"], i["action"]) for i in body["items"]] == [(first, "read")] * 3
    assert body["items"][0]["role"] == "counsellor"
    shelter = _org_id(session, "Svay Rieng Shelter (test)")
    assert {i["organisation"] for i in body["items"]} == {shelter}
    refused = case.get("/audit?action=refused", case.admin)["items"]
    assert [(i["entity_id"], i["status"]) for i in refused] == [(second, 404)]
    other = _org_id(session, "Poipet Shelter (test)")
    assert case.get(f"/audit?organisation={other}", case.admin)["items"] == refused

    page = case.get("/audit?entity=survivor&limit=2", case.admin)
    seen = [i["id"] for i in page["items"]]
    while page["next_cursor"]:
        page = case.get(f"/audit?entity=survivor&limit=2&cursor={page['next_cursor']}", case.admin)
        seen += [i["id"] for i in page["items"]]
    everything = [r.id for r in _rows(session, entity="survivor")]
    assert seen == everything and len(seen) > 2

    later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert case.get(f"/audit?from={later}", case.admin)["items"] == []
    assert len(case.get(f"/audit?to={later}", case.admin)["items"]) == min(50, len(_rows(session)))


def test_a_bad_filter_is_a_422_naming_it(case) -> None:
    problem = assert_problem(case.call("GET", "/audit?from=yesterday", case.admin), 422)
    assert problem["errors"][0]["field"] == "from"
    problem = assert_problem(case.call("GET", "/audit?actor=-1", case.admin), 422)
    assert problem["errors"][0]["field"] == "actor"
