"""A counsellor's day in a real browser, in Khmer and English, on a desk and a phone:
sign in, record a survivor, see the recommendations with their charts, allocate a cohort.

The form fields are named after the API's fields, so the same steps fill them in either
language; the words a person reads are checked in the page's language.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import check_page

# Each journey opens six pages and runs axe-core on each: about half a minute.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = {
    "en": {
        "new": "New survivor",
        "recommend": "Recommend pathways",
        "cohort": "Cohort allocation",
        "propose": "Propose an allocation",
        "confirm": "Confirm and reserve the seats",
        "reserved": "The seats are reserved.",
        "town": "Svay Rieng",
    },
    "km": {
        "new": "ជនរងគ្រោះថ្មី",
        "recommend": "ណែនាំផ្លូវ",
        "cohort": "ការបែងចែកកន្លែងសម្រាប់ក្រុម",
        "propose": "ស្នើការបែងចែក",
        "confirm": "បញ្ជាក់ និងកក់កន្លែង",
        "reserved": "កន្លែងត្រូវបានកក់ទុកហើយ។",
        "town": "ស្វាយរៀង",
    },
}


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_counsellor_records_a_survivor_and_allocates_a_cohort(
    page, site, width, runner, user, sign_in_browser, lang
) -> None:
    words = WORDS[lang]
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    sign_in_browser(page, user("counsellor", org="Svay Rieng Shelter"), lang)
    assert page.get_attribute("html", "lang") == lang
    check_page(page, width, f"journey-{lang}-1-survivors")

    page.get_by_role("link", name=words["new"], exact=True).click()
    page.fill("[name=case_code]", "SRS-2026-777")
    page.fill("[name=birth_year]", "2004")
    page.select_option("[name=home_province]", "KH-20")
    page.select_option("[name=literacy]", "basic")
    page.select_option("[name='aptitudes.mechanical']", "4")
    page.select_option("#wish-0", "motorcycle-repair-svr")
    page.check("[name=relocation][value=named]")
    page.check("[name=willing_towns][value=PNH]")
    page.check("[name=avoid_towns][value=BVT]")
    page.check("[name=consent_share_with_employers]")
    check_page(page, width, f"journey-{lang}-2-intake")
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "SRS-2026-777"
    assert words["town"] in page.inner_text("main")  # the province by name, in the language
    check_page(page, width, f"journey-{lang}-3-survivor")

    page.get_by_role("button", name=words["recommend"]).click()
    page.wait_for_load_state()
    first = page.locator(".card").first
    assert first.locator("svg.chart").is_visible()
    assert "KH-20" not in page.inner_text("main")
    check_page(page, width, f"journey-{lang}-4-recommendations")

    page.get_by_role("link", name=words["cohort"]).click()
    page.get_by_role("button", name=words["propose"]).click()
    page.wait_for_load_state()
    assert page.locator("table").first.is_visible()  # the figures against the status quo
    check_page(page, width, f"journey-{lang}-5-allocation")
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_load_state()
    assert words["reserved"] in page.inner_text("main")
    check_page(page, width, f"journey-{lang}-6-confirmed")
