"""The employer's, the surveyor's and the administrator's pages, through a test client."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from api.store.models import Employer, Referral, Vacancy
from tests.api.casework_factories import Case
from tests.conftest import csrf, sign_in


def _form(client, path: str, data: dict, page_path: str | None = None, **kw):
    page = client.get(page_path or path)
    return client.post(path, data={**data, "csrf_token": csrf(page)}, **kw)


def _register(client, name: str = "Golden Wheel Garage") -> None:
    response = _form(client, "/employer", {"name": name, "town": "SVR", "sector": "garage"})
    assert response.status_code == 302


VACANCY = {
    "occupation": "7231",
    "town": "SVR",
    "pay": "180",
    "currency": "USD",
    "pay_unit": "month",
    "positions": "2",
    "min_age": "18",
}


def test_an_employer_registers_and_waits_for_vetting(client, user) -> None:
    sign_in(client, user("employer", org="Golden Wheel Garage"))
    first = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Register your business" in first
    _register(client)
    home = client.get("/employer").get_data(as_text=True)
    assert "Golden Wheel Garage" in home and "waiting for an administrator" in home
    again = _form(client, "/employer", {"name": "Second", "town": "SVR"})
    assert again.status_code == 422
    assert "already has an employer profile" in again.get_data(as_text=True)


def test_registering_with_an_unknown_town_saves_nothing(client, user, session) -> None:
    sign_in(client, user("employer", org="Garage"))
    response = _form(client, "/employer", {"name": "Garage", "town": "NOWHERE"})
    assert response.status_code == 422
    assert "unknown town code" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Employer)) == 0


def test_a_vacancy_against_the_law_is_refused_beside_its_field(client, user, session) -> None:
    sign_in(client, user("employer", org="Golden Wheel Garage"))
    _register(client)
    bad = {**VACANCY, "min_age": "14"}
    response = _form(client, "/employer/vacancies/new", bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    beside = re.search(r'id="min_age-error">([^<]*)<', text)
    assert beside and "Nobody under 15" in beside.group(1) and "art. 177" in beside.group(1)
    assert 'aria-describedby="min_age-error"' in text
    assert session.scalar(select(func.count()).select_from(Vacancy)) == 0
    night = _form(
        client, "/employer/vacancies/new", {**VACANCY, "min_age": "16", "night_shift": "1"}
    )
    assert night.status_code == 422
    assert re.search(r'id="night_shift-error">[^<]*22:00', night.get_data(as_text=True))
    assert session.scalar(select(func.count()).select_from(Vacancy)) == 0


def test_a_vacancy_is_posted_and_edited(client, user, session) -> None:
    sign_in(client, user("employer", org="Golden Wheel Garage"))
    _register(client)
    assert _form(client, "/employer/vacancies/new", VACANCY).status_code == 302
    vacancy_id = session.scalar(select(Vacancy.id))
    home = client.get("/employer").get_data(as_text=True)
    assert "180 USD a month" in home and "0 of 2 filled" in home
    edit = f"/employer/vacancies/{vacancy_id}"
    page = client.get(edit)
    version = re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True)).group(1)
    response = client.post(
        edit, data={**VACANCY, "pay": "200", "version": version, "csrf_token": csrf(page)}
    )
    assert response.status_code == 302
    assert "200 USD a month" in client.get("/employer").get_data(as_text=True)
    stale = client.post(
        edit, data={**VACANCY, "pay": "250", "version": version, "csrf_token": csrf(page)}
    )
    assert stale.status_code == 422 and "changed since you read it" in stale.get_data(as_text=True)


def test_an_employer_sees_referrals_without_identity_and_decides(client, token, user) -> None:
    case = Case(client, token)
    case.season()
    vacancy_id = case.vacancy()
    survivor_id = case.survivor()
    referral_id = case.refer(vacancy_id, survivor_id)["id"]
    sign_in(client, user("employer", org="Golden Wheel Garage"))
    home = client.get("/employer").get_data(as_text=True)
    assert f"Referral {referral_id}" in home
    assert "SRS-T-001" not in home and "case note" not in home  # no identity, no notes
    assert "(4/5)" in home  # the mechanical aptitude, as a skill
    response = _form(
        client,
        f"/employer/referrals/{referral_id}",
        {"decision": "decline", "reason": "no opening this month"},
        page_path="/employer",
    )
    assert response.status_code == 302
    decided = case.get(f"/referrals/{referral_id}", case.counsellor)
    assert (decided["status"], decided["reason"]) == ("declined", "no opening this month")


def test_a_referral_to_another_employer_cannot_be_decided(client, token, user, session) -> None:
    case = Case(client, token)
    case.season()
    referral_id = case.refer(case.vacancy(), case.survivor())["id"]
    sign_in(client, user("employer", org="Lucky Salon"))
    response = _form(
        client, f"/employer/referrals/{referral_id}", {"decision": "accept"}, page_path="/employer"
    )
    assert response.status_code == 404
    assert session.get(Referral, referral_id).status == "pending"


JOBS_ONLY = (
    "town,occupation,employment,venue,pay_min,pay_max,pay_unit,currency,openings,source\n"
    "PNH,7531,wage,market,150,200,month,USD,3,test\n"
    "Siem Reap,5131,wage,tourist,160,240,month,USD,2,test\n"
)


def _draft_with_jobs(client, label: str) -> int:
    _form(
        client,
        "/seasons",
        {
            "label": label,
            "khr_per_usd": "4100",
            "minimum_wage_usd_month": "210",
            "living_wage_usd_month": "180",
        },
    )
    page = client.get("/seasons")
    season_id = int(re.search(r"/seasons/(\d+)/survey", page.get_data(as_text=True)).group(1))
    response = client.post(
        f"/seasons/{season_id}/survey",
        data={
            "file": (io.BytesIO(JOBS_ONLY.encode()), "jobs.csv"),
            "table": "jobs",
            "csrf_token": csrf(page),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return season_id


def test_publishing_jobs_without_living_costs_needs_a_confirmation(client, user) -> None:
    sign_in(client, user("surveyor", org="Survey NGO"))
    season_id = _draft_with_jobs(client, "2027-dry")
    review = client.get(f"/seasons/{season_id}/publish").get_data(as_text=True)
    assert "have no living costs" in review
    assert "Phnom Penh" in review and "Siem Reap" in review
    path = f"/seasons/{season_id}/publish"
    refused = _form(client, path, {})
    assert refused.status_code == 422
    assert "Not published" in refused.get_data(as_text=True)
    assert "draft" in client.get("/seasons").get_data(as_text=True)
    published = _form(client, path, {"allow_towns_without_living_costs": "1"})
    assert published.status_code == 302
    assert "kept as published" in client.get("/seasons").get_data(as_text=True)


def test_the_diff_of_two_seasons_names_towns_and_charts_pay(client, user) -> None:
    sign_in(client, user("surveyor", org="Survey NGO"))
    first = _draft_with_jobs(client, "2027-dry")
    _form(client, f"/seasons/{first}/publish", {"allow_towns_without_living_costs": "1"})
    _form(
        client,
        "/seasons",
        {
            "label": "2027-wet",
            "khr_per_usd": "4100",
            "minimum_wage_usd_month": "210",
            "living_wage_usd_month": "180",
        },
    )
    page = client.get("/seasons")
    second = int(re.search(r"/seasons/(\d+)/survey", page.get_data(as_text=True)).group(1))
    raised = JOBS_ONLY.replace("150,200", "250,300")  # Phnom Penh's sellers: +100
    client.post(
        f"/seasons/{second}/survey",
        data={
            "file": (io.BytesIO(raised.encode()), "jobs.csv"),
            "table": "jobs",
            "csrf_token": csrf(page),
        },
        content_type="multipart/form-data",
    )
    seasons = client.get("/seasons").get_data(as_text=True)
    assert f"/seasons/{second}/diff?against={first}" in seasons
    text = client.get(f"/seasons/{second}/diff?against={first}").get_data(as_text=True)
    assert "2027-wet against 2027-dry" in text
    assert "Phnom Penh" in text and "175 → 275" in text
    assert re.search(r"<svg[^>]*role=\"img\"", text) and "+100" in text
    assert client.get(f"/seasons/{second}/diff?against=999").status_code == 404
    assert client.get(f"/seasons/{second}/diff").status_code == 400


def test_an_admin_vets_an_employer_with_a_note(client, user, session) -> None:
    sign_in(client, user("employer", org="Golden Wheel Garage"))
    _register(client)
    client.post("/logout", data={"csrf_token": csrf(client.get("/employer"))})
    sign_in(client, user("admin", org="Pathways Operator"))
    page = client.get("/", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Golden Wheel Garage" in text and "pending" in text
    employer_id = session.scalar(select(Employer.id))
    path = f"/admin/employers/{employer_id}/vetting"
    no_note = _form(client, path, {"status": "vetted"}, page_path="/admin/employers")
    assert no_note.status_code == 422
    session.expire_all()
    assert session.get(Employer, employer_id).vetting == "pending"
    done = _form(client, path, {"status": "vetted", "note": "visited"}, "/admin/employers")
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Employer, employer_id).vetting == "vetted"
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "Audit log" in audit


def test_the_role_pages_are_for_their_roles(client, user) -> None:
    sign_in(client, user("counsellor"))
    for path in ("/employer", "/admin/employers", "/admin/audit", "/admin/people", "/tracks"):
        assert client.get(path).status_code == 403, path


def test_an_admin_adds_a_person_and_issues_and_revokes_a_token(client, user, session) -> None:
    sign_in(client, user("admin", org="Pathways Operator"))
    added = _form(
        client,
        "/admin/people/users",
        {"username": "sophea", "role": "counsellor", "password": "a long enough password"},
        page_path="/admin/people",
    )
    assert added.status_code == 302
    text = client.get("/admin/people").get_data(as_text=True)
    assert "signs in as sophea" in text
    taken = _form(
        client,
        "/admin/people/users",
        {"username": "sophea", "role": "counsellor", "password": "a long enough password"},
        page_path="/admin/people",
    )
    assert taken.status_code == 422 and "is taken" in taken.get_data(as_text=True)
    issued = _form(
        client,
        "/admin/people/tokens",
        {"org": "Survey NGO", "role": "surveyor", "user": "import script"},
        page_path="/admin/people",
    )
    token = re.search(r'<code class="token">([^<]+)</code>', issued.get_data(as_text=True))
    assert issued.status_code == 200 and token
    headers = {"Authorization": f"Bearer {token.group(1)}"}
    assert client.get("/api/v1/me", headers=headers).json["role"] == "surveyor"
    prefix = token.group(1)[:11]
    assert f"Token {prefix}" in client.get("/admin/people").get_data(as_text=True)
    revoked = _form(client, f"/admin/people/tokens/{prefix}/revoke", {}, page_path="/admin/people")
    assert revoked.status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_vacancy_form_refuses_what_the_api_refuses(client, user, token, auth) -> None:
    sign_in(client, user("employer", org="Golden Wheel Garage"))
    _register(client)
    bad = {"positions": "0", "pay": "1e999", "min_age": "100", "description": "x" * 2001}
    response = _form(client, "/employer/vacancies/new", {**VACANCY, **bad})
    assert response.status_code == 422
    shown = set(re.findall(r'id="(\w+)-error"', response.get_data(as_text=True)))
    body = {**VACANCY, "pay": "1e999", "positions": 0, "min_age": 100, "description": "x" * 2001}
    api = client.post(
        "/api/v1/vacancies", json=body, headers=auth(token("employer", org="Golden Wheel Garage"))
    )
    assert api.status_code == 422
    refused = {e["field"] for e in api.get_json()["errors"]}
    assert shown == refused == {"positions", "pay", "min_age", "description"}


def test_the_registration_form_refuses_what_the_api_refuses(client, user, token, auth, session):
    sign_in(client, user("employer", org="Golden Wheel Garage"))
    bad = {"name": "G" * 201, "town": "", "contact": "x" * 301}
    response = _form(client, "/employer", bad)
    assert response.status_code == 422
    shown = set(re.findall(r'id="(\w+)-error"', response.get_data(as_text=True)))
    api = client.post(
        "/api/v1/employers", json=bad, headers=auth(token("employer", org="Golden Wheel Garage"))
    )
    assert api.status_code == 422
    refused = {e["field"] for e in api.get_json()["errors"]}
    assert shown == refused == {"name", "town", "contact"}
    assert session.scalar(select(func.count()).select_from(Employer)) == 0
    khmer = _form(client, "/employer?lang=km", bad, page_path="/employer?lang=km")
    text = khmer.get_data(as_text=True)
    assert khmer.status_code == 422 and '<html lang="km">' in text
    assert "Longer than maximum length" not in text and "Shorter than minimum" not in text
