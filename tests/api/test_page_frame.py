"""The frame of every page: its language (asked, remembered, or the browser's), errors
as pages in that language with a way back, and pages light enough for a cheap phone."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from api.store.models import Survivor
from tests.conftest import csrf, sign_in

PAGE_BUDGET = 100 * 1024  # bytes of HTML, before the font and the style sheet


def test_the_language_is_asked_remembered_or_the_browser_s(client) -> None:
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    khmer_browser = client.get("/", headers={"Accept-Language": "km-KH,km;q=0.9,en;q=0.5"})
    assert '<html lang="km">' in khmer_browser.get_data(as_text=True)
    asked = client.get("/?lang=km")
    assert "lang=km" in asked.headers["Set-Cookie"]
    assert '<html lang="km">' in client.get("/").get_data(as_text=True)  # remembered
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_the_language_switch_keeps_the_page_and_its_query(client, user) -> None:
    sign_in(client, user("counsellor"))
    text = client.get("/survivors?q=SRS").get_data(as_text=True)
    assert 'href="/survivors?q=SRS&amp;lang=km" lang="km"' in text


@pytest.mark.parametrize(("lang", "title"), [("en", "No such page"), ("km", "គ្មានទំព័រនេះទេ")])
def test_an_unknown_page_is_a_page_in_the_language_with_a_way_back(client, lang, title) -> None:
    response = client.get(f"/nothing-here?lang={lang}")
    text = response.get_data(as_text=True)
    assert response.status_code == 404 and response.content_type.startswith("text/html")
    assert f"<h1>{title}</h1>" in text and 'href="/"' in text
    assert client.get("/api/v1/nothing-here").content_type == "application/problem+json"


def test_a_file_too_large_is_a_page_that_offers_the_form_again(app, client, user) -> None:
    sign_in(client, user("surveyor", org="Survey NGO"))
    page = client.get("/seasons?lang=km")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post(
        "/seasons/1/survey",
        data={"file": (io.BytesIO(b"x" * 4096), "big.csv"), "csrf_token": csrf(page)},
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "ឯកសារធំពេក" in text  # "The file is too large", in Khmer
    assert 'href="/seasons/1/survey"' not in text  # an address with no page of its own
    assert 'href="/"' in text


def test_a_survivor_of_another_ngo_is_a_not_found_page(client, runner, session, user) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    sign_in(client, user("counsellor", org="Banteay Meanchey Shelter"))
    other = session.scalar(select(Survivor).where(Survivor.case_code == "SRS-2026-001"))
    response = client.get(f"/survivors/{other.id}")
    assert response.status_code == 404
    assert "SRS-2026-001" not in response.get_data(as_text=True)


def test_the_heaviest_counsellor_page_stays_under_100_kb(client, runner, session, user) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    sign_in(client, user("counsellor", org="Svay Rieng Shelter"))
    survivor = session.scalar(select(Survivor).where(Survivor.case_code == "SRS-2026-001"))
    for lang in ("en", "km"):  # Khmer takes three bytes a letter
        page = client.get(f"/survivors/{survivor.id}?lang={lang}")
        made = client.post(f"/survivors/{survivor.id}", data={"csrf_token": csrf(page)})
        assert made.status_code == 200
        assert len(made.get_data()) < PAGE_BUDGET, len(made.get_data())
        form = client.get(f"/survivors/{survivor.id}/edit")
        assert len(form.get_data()) < PAGE_BUDGET, len(form.get_data())
