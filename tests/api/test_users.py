"""Users who sign in on the pages: an admin creates them (API or CLI), tokens stay."""

from __future__ import annotations

from sqlalchemy import select

from api.store.models import AuditEvent, User
from tests.api.builders import assert_problem
from tests.conftest import Login, sign_in


def test_an_admin_creates_a_user_of_their_organisation_who_can_sign_in(client, token, auth) -> None:
    admin = auth(token("admin", org="Svay Rieng Shelter"))
    response = client.post(
        "/api/v1/users",
        json={"username": "Sophea", "role": "counsellor", "password": "a long password"},
        headers=admin,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["username"] == "sophea" and body["org"] == "Svay Rieng Shelter"
    assert "password" not in body
    assert sign_in(client, Login("sophea", "a long password")).status_code == 302
    assert client.get("/survivors").status_code == 200


def test_a_bad_user_is_422_naming_each_field_and_nothing_is_written(
    client, session, token, auth
) -> None:
    admin = auth(token("admin", org="Svay Rieng Shelter"))
    response = client.post(
        "/api/v1/users",
        json={"username": "no spaces!", "role": "counsellor", "password": "short"},
        headers=admin,
    )
    problem = assert_problem(response, 422)
    assert {e["field"] for e in problem["errors"]} == {"username", "password"}
    assert session.scalar(select(User).where(User.role == "counsellor")) is None


def test_a_username_is_taken_once_across_organisations(client, token, auth) -> None:
    first = auth(token("admin", org="Shelter A"))
    second = auth(token("admin", org="Shelter B", user="admin-b"))
    user = {"username": "dara", "role": "counsellor", "password": "a long password"}
    assert client.post("/api/v1/users", json=user, headers=first).status_code == 201
    assert_problem(client.post("/api/v1/users", json=user, headers=second), 409)


def test_only_an_admin_creates_users(client, token, auth) -> None:
    counsellor = auth(token("counsellor"))
    user = {"username": "dara", "role": "admin", "password": "a long password"}
    assert_problem(client.post("/api/v1/users", json=user, headers=counsellor), 403)


def test_create_user_reads_the_password_from_standard_input(client, runner, session) -> None:
    result = runner.invoke(
        args=["create-user", "--org", "Shelter B", "--role", "surveyor", "--username", "vanna"],
        input="a long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "vanna" in result.output and "a long password" not in result.output
    assert sign_in(client, Login("vanna", "a long password")).status_code == 302
    assert session.scalar(select(AuditEvent).where(AuditEvent.entity == "user")) is not None


def test_create_user_with_a_short_password_fails_in_one_line(runner, session) -> None:
    result = runner.invoke(
        args=["create-user", "--org", "Shelter B", "--role", "surveyor", "--username", "vanna"],
        input="short\n",
    )
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert session.scalar(select(User).where(User.username == "vanna")) is None


def test_demo_users_print_a_working_password_for_each_role_every_run(client, runner) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    for _ in range(2):  # a second run gives new passwords to the same users
        result = runner.invoke(args=["demo-users"])
        assert result.exit_code == 0, result.output
        rows = [line.split() for line in result.output.splitlines()[1:]]
        logins = {row[0]: Login(row[1], row[2]) for row in rows}
        assert set(logins) == {"counsellor", "employer", "surveyor", "admin"}
    assert sign_in(client, logins["counsellor"]).status_code == 302
    assert "SRS-2026-001" in client.get("/survivors").get_data(as_text=True)
