"""The scene Pathways is built toward, end to end in a real browser, in Khmer:

a counsellor on her phone records a 16-year-old who wants to repair motorbikes and
sees a motorcycle-repair track in her home town first, with a garage that hires its
graduates, what she would earn against what food and a room cost there, and the
sewing class with thirty free seats further down with why; she refers her with
consent; the garage sees her skills, never her name, and accepts; the follow-ups show
a livable income, and after a year the case closes as reintegrated.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from api.store.models import Track
from casework import add_months
from tests.e2e.conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHELTER = "Svay Rieng Shelter"
GARAGE = "Golden Wheel Garage (sample)"
CASE_CODE = "SRS-2026-916"


def _track_ends(site, code: str) -> date:
    with site.app.extensions["pathways.db"].sessions() as db:
        track = db.scalar(select(Track).where(Track.code == code))
        assert track is not None and track.next_start is not None
        return add_months(track.next_start, track.duration_months)


def test_the_scene_from_intake_to_a_lasting_income(
    page, site, width, runner, user, sign_in_browser
) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    counsellor, garage = user("counsellor", org=SHELTER), user("employer", org=GARAGE)

    # Intake, in Khmer.
    sign_in_browser(page, counsellor, "km")
    page.goto(site.url("/survivors/new"))
    page.fill("[name=case_code]", CASE_CODE)
    page.fill("[name=birth_year]", str(date.today().year - 16))
    page.select_option("[name=home_province]", "KH-20")
    page.select_option("[name=literacy]", "none")
    page.select_option("[name='aptitudes.mechanical']", "4")
    page.select_option("[name='aptitudes.textile']", "1")
    page.select_option("#wish-0", "motorcycle-repair-svr")
    page.check("[name=relocation][value=home_only]")
    page.check("[name=consent_share_with_employers]")
    page.check("[name=guardian_consented]")
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == CASE_CODE

    # The recommendations: the wish she is good at, in her home town, first.
    page.get_by_role("button", name="ណែនាំផ្លូវ").click()
    page.wait_for_load_state()
    cards = page.locator(".card")
    first = cards.first.inner_text()
    assert "Motorcycle repair" in first and "Golden Wheel Garage" in first
    assert "ស្វាយរៀង" in first  # Svay Rieng, by its Khmer name
    assert "Golden Wheel Garage បានប្តេជ្ញាជួលអ្នកបញ្ចប់វគ្គនេះ" in first  # it hires graduates
    assert "បំណងប្រាថ្នាទី 1 របស់ជនរងគ្រោះ" in first  # her first wish
    assert cards.first.locator("svg.chart").is_visible()  # earnings against living costs
    texts = [cards.nth(i).inner_text() for i in range(cards.count())]
    sewing = [i for i, t in enumerate(texts) if "Sewing" in t.splitlines()[0]]
    assert sewing and sewing[0] > 0  # the sewing class is there, and not first: why
    assert "ក្នុងចំណោម 5" in texts[sewing[0]]  # her aptitude for it, in the reasons
    assert "បំណងប្រាថ្នាទី" not in texts[sewing[0]]  # and she did not wish for it
    check_page(page, width, "scene-1-recommendations")

    # She refers her to the garage, with the consent she recorded.
    cards.first.locator("form[action$='/referrals'] button").click()
    page.wait_for_load_state()
    referred = page.inner_text("main")
    assert "បានបញ្ជូន៖ និយោជកឃើញជំនាញ" in referred  # referred: skills, never who she is
    assert "Golden Wheel Garage" in referred and "កំពុងរង់ចាំនិយោជក" in referred  # waiting
    check_page(page, width, "scene-2-referred")

    # The garage sees her skills, never who she is, and accepts.
    page.context.clear_cookies()
    sign_in_browser(page, garage, "km")
    page.goto(site.url("/employer"))
    main = page.inner_text("main")
    assert "មេកានិច (4/5)" in main
    assert _track_ends(site, "motorcycle-repair-svr").isoformat() in main  # available from
    assert CASE_CODE not in page.content()
    form = page.locator("form[action*='/employer/referrals/']").first
    form.locator("[name=reason]").fill("she can start after the course")
    form.locator("button[value=accept]").click()
    page.wait_for_url("**/employer")
    assert "បានទទួលយក។" in page.inner_text("main")
    check_page(page, width, "scene-3-accepted")

    # A year of work with two livable follow-ups, then the case closes.
    page.context.clear_cookies()
    sign_in_browser(page, counsellor, "km")
    page.goto(site.url("/survivors"))
    page.get_by_role("link", name=CASE_CODE).click()
    survivor_url = page.url.split("?")[0]
    page.goto(f"{survivor_url}/case")
    started = date.today() - timedelta(days=400)
    page.fill("[name=started_on]", started.isoformat())
    page.click("form[action$='/placements'] button[type=submit]")
    page.wait_for_load_state()
    for months in (3, 12):
        visit = page.locator("form[action*='/follow-ups']").first
        visit.locator("[name=date]").fill((started + timedelta(days=31 * months)).isoformat())
        visit.locator("[name=employed]").select_option("1")
        visit.locator("[name=monthly_income]").fill("230")
        visit.locator("button[type=submit]").click()
        page.wait_for_load_state()
    visits = page.locator(".card li").all_inner_texts()
    assert len(visits) == 2
    assert all("គ្រប់គ្រាន់សម្រាប់ការរស់នៅ" in v for v in visits)  # livable, both times
    check_page(page, width, "scene-4-followed-up")
    page.select_option("[name=reason]", "reintegrated")
    page.click("form[action$='/close'] button[type=submit]")
    page.wait_for_load_state()
    assert "ករណីត្រូវបានបិទ។" in page.inner_text("main")
    check_page(page, width, "scene-5-closed")
