"""The pages people use: sign in with a token, publish a season from a spreadsheet."""

import base64
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from api.store.models import PageSession
from tests.conftest import csrf, sign_in

SAMPLE_2026 = Path(__file__).resolve().parents[2] / "data" / "sample" / "seasons" / "2026"


def test_pages_ask_to_sign_in_first(client) -> None:
    response = client.get("/survivors")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_wrong_token_is_refused_on_the_sign_in_page(client) -> None:
    response = sign_in(client, "pw_not-a-real-token")
    assert response.status_code == 401
    assert "unknown" in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(client, token) -> None:
    sign_in(client, token("surveyor", org="Survey NGO"))
    response = client.post("/seasons", data={"label": "2027"})
    assert response.status_code == 400


def test_sign_in_does_not_redirect_to_another_site(client, token) -> None:
    page = client.get("/login")
    response = client.post(
        "/login?next=//evil.example/x",
        data={"token": token("counsellor"), "csrf_token": csrf(page)},
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/x",  # a tab the browser drops: //evil.example/x
        "/%0d%0a/evil.example/x",  # CR/LF: dropped too (and once a 500)
        "/\\evil.example/x",  # a backslash the browser reads as a slash
        "https://evil.example/x",
        "//evil.example/x",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_sends_the_browser_to_another_host(client, token, target) -> None:
    page = client.get("/login")
    response = client.post(
        f"/login?next={target}", data={"token": token("counsellor"), "csrf_token": csrf(page)}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(client, token) -> None:
    page = client.get("/login")
    response = client.post(
        "/login?next=/survivors%3Fcursor%3Dabc",
        data={"token": token("counsellor"), "csrf_token": csrf(page)},
    )
    assert response.headers["Location"] == "/survivors?cursor=abc"


def test_signing_out_ends_the_page_session(client, token) -> None:
    sign_in(client, token("counsellor"))
    page = client.get("/survivors")
    assert page.status_code == 200
    client.post("/logout", data={"csrf_token": csrf(page)})
    assert client.get("/survivors").status_code == 302


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_copy_of_the_cookie_taken_before_sign_out_no_longer_works(app, client, token) -> None:
    sign_in(client, token("counsellor"))
    page = client.get("/survivors")
    copied = _cookie(client)
    client.post("/logout", data={"csrf_token": csrf(page)})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/survivors")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _age_sessions(app, **ago: timedelta) -> None:
    with app.extensions["pathways.db"].sessions() as db:
        for row in db.scalars(select(PageSession)):
            for column, delta in ago.items():
                setattr(row, column, getattr(row, column) - delta)
        db.commit()


def test_a_page_session_ends_after_the_idle_period(app, client, token) -> None:
    sign_in(client, token("counsellor"))
    assert client.get("/survivors").status_code == 200
    idle = timedelta(minutes=app.config["PAGE_SESSION_IDLE_MINUTES"] + 1)
    _age_sessions(app, last_seen_at=idle)
    assert client.get("/survivors").status_code == 302


def test_a_page_session_ends_after_its_lifetime_however_busy(app, client, token) -> None:
    sign_in(client, token("counsellor"))
    lifetime = timedelta(hours=app.config["PAGE_SESSION_HOURS"], minutes=1)
    _age_sessions(app, created_at=lifetime)  # used a moment ago, but signed in long ago
    assert client.get("/survivors").status_code == 302


def test_a_busy_page_session_stays_signed_in(app, client, token) -> None:
    sign_in(client, token("counsellor"))
    idle = timedelta(minutes=app.config["PAGE_SESSION_IDLE_MINUTES"] - 1)
    for _ in range(3):  # each request counts as activity
        _age_sessions(app, last_seen_at=idle, created_at=idle)
        assert client.get("/survivors").status_code == 200


def test_revoking_the_token_ends_its_page_sessions(client, runner, token) -> None:
    tok = token("counsellor")
    sign_in(client, tok)
    assert client.get("/survivors").status_code == 200
    assert runner.invoke(args=["revoke-token", tok[:11]]).exit_code == 0
    assert client.get("/survivors").status_code == 302


def test_the_cookie_holds_neither_the_token_nor_its_id(client, token) -> None:
    tok = token("counsellor")
    sign_in(client, tok)
    payload = _cookie(client).split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert tok.encode() not in decoded and b"token_id" not in decoded


def test_a_counsellor_page_is_not_for_an_employer(client, token) -> None:
    sign_in(client, token("employer", org="Garage"))
    assert client.get("/survivors").status_code == 403


def _create_draft(client, label: str) -> int:
    page = client.get("/seasons")
    response = client.post(
        "/seasons",
        data={
            "label": label,
            "khr_per_usd": "4,100",
            "minimum_wage_usd_month": "210",
            "living_wage_usd_month": "180",
            "csrf_token": csrf(page),
        },
    )
    assert response.status_code == 302
    page = client.get("/seasons").get_data(as_text=True)
    return int(re.search(r"/seasons/(\d+)/survey", page).group(1))


def test_a_surveyor_drops_in_a_workbook_and_it_is_published(client, token) -> None:
    sign_in(client, token("surveyor", org="Survey NGO"))
    season_id = _create_draft(client, "2027-dry")
    page = client.get("/seasons")
    response = client.post(
        f"/seasons/{season_id}/survey",
        data={
            "file": (io.BytesIO((SAMPLE_2026 / "survey.xlsx").read_bytes()), "survey.xlsx"),
            "publish": "1",
            "csrf_token": csrf(page),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Published: season 2027-dry" in text
    assert "kept as published" in text
    assert re.search(r"<td>[1-9][0-9]* jobs, 15 living costs</td>", text)


def test_a_bad_spreadsheet_lists_the_rows_to_fix_and_saves_nothing(client, token) -> None:
    sign_in(client, token("surveyor", org="Survey NGO"))
    season_id = _create_draft(client, "2027-wet")
    bad = (
        "town,occupation,employment,venue,pay_min,pay_max,pay_unit,currency,openings\n"
        "PNH,7531,wage,market,200,150,month,USD,3\n"
        "Siem Reep,5141,wage,tourist,150,250,month,USD,2\n"
    )
    page = client.get("/seasons")
    response = client.post(
        f"/seasons/{season_id}/survey",
        data={
            "file": (io.BytesIO(bad.encode()), "jobs.csv"),
            "table": "jobs",
            "publish": "1",
            "csrf_token": csrf(page),
        },
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved" in text
    assert "pay_min" in text  # row 1: pay_min above pay_max
    assert "Siem Reep" in text and "Siem Reap" in text  # row 2: did you mean
    assert "0 jobs" in client.get("/seasons").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/survivors", "/seasons"])
def test_pages_are_never_cached(client, token, path) -> None:
    sign_in(client, token("admin" if path == "/seasons" else "counsellor"))
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_the_counsellor_scene_motorbikes_for_a_16_year_old(client, runner, token) -> None:
    """The sample's 16-year-old who wants to repair motorbikes: the track in a town she
    accepts, the garage that hires its graduates, pay against food and a room there, and
    the 30-seat sewing class below it with its reason."""
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    sign_in(client, token("counsellor", org="Svay Rieng Shelter"))
    listing = client.get("/survivors").get_data(as_text=True)
    survivor_id = re.search(r'/survivors/(\d+)">SRS-2026-001', listing).group(1)
    page = client.get(f"/survivors/{survivor_id}")
    response = client.post(f"/survivors/{survivor_id}", data={"csrf_token": csrf(page)})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    cards = text.split('<div class="card')[1:]
    first = cards[0]
    assert "Motorcycle repair" in first and "Golden Wheel Garage" in first
    assert "committed to hire graduates" in first
    assert "<svg" in first and "living wage" in first  # earnings against costs, drawn
    # Sewing at aptitude 1, not a wish, is never above the wish she is good at; with
    # talent and wish together (issue 11) it may fall out of the first ten altogether.
    sewing = [i for i, card in enumerate(cards) if "Sewing in SVR" in card]
    assert all(i > 0 for i in sewing)
    if sewing:
        assert "Aptitude for textile: 1 of 5" in cards[sewing[0]]
