"""Case work on the counsellor's pages: refer from a recommendation, take up the offer,
record a follow-up, see what is due (urgent first) and close the case."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from api.services.survivors import today_utc
from api.store.models import Closure, Placement, Referral, Survivor, Vacancy
from tests.conftest import csrf, sign_in


def test_a_referral_becomes_a_job_its_follow_up_is_due_and_the_case_closes(
    client, runner, session, token, auth, user
) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    sign_in(client, user("counsellor", org="Svay Rieng Shelter"))
    survivor = session.scalar(select(Survivor).where(Survivor.case_code == "SRS-2026-002"))
    path = f"/survivors/{survivor.id}"
    page = client.get(path)
    made = client.post(path, data={"csrf_token": csrf(page)}).get_data(as_text=True)
    refer = re.search(r'name="vacancy_id" value="(\d+)"', made)
    assert refer, "a recommendation with a vacancy offers a referral"
    response = client.post(
        f"{path}/referrals", data={"vacancy_id": refer.group(1), "csrf_token": csrf(page)}
    )
    assert response.status_code == 302
    case = client.get(f"{path}/case").get_data(as_text=True)
    assert "waiting for the employer" in case

    referral = session.scalar(select(Referral).where(Referral.survivor_id == survivor.id))
    employer = auth(token("employer", org=referral_employer_org(session, referral)))
    decided = client.post(
        f"/api/v1/referrals/{referral.id}/decision", json={"decision": "accept"}, headers=employer
    )
    assert decided.status_code == 200, decided.get_json()

    page = client.get(f"{path}/case")
    assert "Take up this offer" in page.get_data(as_text=True)
    start = today_utc() - timedelta(days=70)  # the first follow-up is overdue now
    response = client.post(
        f"{path}/placements",
        data={
            "referral_id": str(referral.id),
            "started_on": start.isoformat(),
            "csrf_token": csrf(page),
        },
    )
    assert response.status_code == 302
    due = client.get("/follow-ups").get_data(as_text=True)
    assert "SRS-2026-002" in due and "overdue" in due

    placement = session.scalar(select(Placement).where(Placement.survivor_id == survivor.id))
    page = client.get(f"{path}/case")
    response = client.post(
        f"{path}/placements/{placement.id}/follow-ups",
        data={
            "date": today_utc().isoformat(),
            "employed": "0",
            "monthly_income": "0",
            "safety_concern": "1",
            "csrf_token": csrf(page),
        },
    )
    assert response.status_code == 302
    case = client.get(f"{path}/case").get_data(as_text=True)
    assert "urgent" in case
    assert re.search(r"\$0 a month · \$\d+ short of the living wage here \(\$\d+\)", case)

    page = client.get(f"{path}/case")
    refused = client.post(
        f"{path}/close", data={"reason": "reintegrated", "csrf_token": csrf(page)}
    )
    assert refused.status_code == 422  # no income has lasted
    assert "cannot close as reintegrated" in refused.get_data(as_text=True)
    assert session.scalar(select(Closure).where(Closure.survivor_id == survivor.id)) is None
    closed = client.post(f"{path}/close", data={"reason": "untraceable", "csrf_token": csrf(page)})
    assert closed.status_code == 302
    assert "The case was closed" in client.get(f"{path}/case").get_data(as_text=True)


def referral_employer_org(session, referral: Referral) -> str:
    vacancy = session.get(Vacancy, referral.vacancy_id)
    return vacancy.employer.organisation.name


def test_a_refused_referral_says_why_in_the_pages_language(
    client, runner, session, token, auth, user
) -> None:
    """Bavet Moto Service takes mechanics from 18: a 16-year-old is refused, and the
    counsellor reads her age against the vacancy's, in Khmer."""
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    young = session.scalar(select(Survivor).where(Survivor.case_code == "SRS-2026-001"))
    vacancy = session.scalar(select(Vacancy).where(Vacancy.min_age == 18).limit(1))
    assert young is not None and vacancy is not None
    counsellor = auth(token("counsellor", org="Svay Rieng Shelter"))
    consent = {"given": True, "method": "written", "guardian_consented": True}
    recorded = client.post(
        f"/api/v1/survivors/{young.id}/consents", json=consent, headers=counsellor
    )
    assert recorded.status_code == 201, recorded.get_json()
    sign_in(client, user("counsellor", org="Svay Rieng Shelter"))
    path = f"/survivors/{young.id}"
    page = client.get(f"{path}?lang=km")
    refused = client.post(
        f"{path}/referrals", data={"vacancy_id": str(vacancy.id), "csrf_token": csrf(page)}
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "មិនអាចបញ្ជូនជនរងគ្រោះទៅមុខតំណែងទំនេរនេះបានទេ៖ អាចមានអាយុ" in text
    assert "តម្រូវឱ្យមានអាយុ 18 ឆ្នាំ" in text
    assert "the vacancy needs" not in text
    assert session.scalar(select(Referral.id).where(Referral.survivor_id == young.id)) is None
