"""The frame in a real browser: sign-in, both languages, the Khmer font, error pages."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import check_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_counsellor_signs_in_in_either_language(page, site, width, user, lang) -> None:
    login = user("counsellor", org="Svay Rieng Shelter")
    page.goto(site.url(f"/?lang={lang}"))
    assert page.get_attribute("html", "lang") == lang
    check_page(page, width, f"sign-in-{lang}")
    page.get_by_label("ឈ្មោះអ្នកប្រើ" if lang == "km" else "Username").fill(login.username)
    page.get_by_label("ពាក្យសម្ងាត់" if lang == "km" else "Password").fill(login.password)
    page.get_by_role("button", name="ចូលប្រើ" if lang == "km" else "Sign in").click()
    page.wait_for_url("**/survivors")
    assert page.get_attribute("html", "lang") == lang  # the choice was remembered
    check_page(page, width, f"survivors-empty-{lang}")
    page.get_by_role("button", name="ចាកចេញ" if lang == "km" else "Sign out").click()
    page.goto(site.url("/survivors"))
    assert page.get_by_label("ឈ្មោះអ្នកប្រើ" if lang == "km" else "Username").is_visible()


def test_khmer_is_drawn_with_the_font_the_site_serves(page, site, width) -> None:
    page.goto(site.url("/?lang=km"))
    font = "16px 'Noto Sans Khmer'"
    loaded = page.evaluate(
        "async (font) => { await document.fonts.load(font, 'ក');"
        " return document.fonts.check(font, 'ក'); }",
        font,
    )
    assert loaded
    assert page.evaluate("[...document.fonts].some(f => f.status === 'loaded')")


def test_a_wrong_password_answers_in_the_page(page, site, width, user) -> None:
    login = user("counsellor")
    page.goto(site.url("/?lang=en"))
    page.get_by_label("Username").fill(login.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("That username and password")
    check_page(page, width, "sign-in-refused")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_an_unknown_address_is_a_page_with_a_way_back(page, site, width, lang) -> None:
    response = page.goto(site.url(f"/no-such-page?lang={lang}"))
    assert response.status == 404
    assert page.get_attribute("html", "lang") == lang
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == ("គ្មានទំព័រនេះទេ" if lang == "km" else "No such page")
    page.get_by_role("link", name="ត្រឡប់ទៅទំព័រដើម" if lang == "km" else "Back to the start").click()
    assert page.url.rstrip("/") == site.base
    check_page(page, width, f"not-found-{lang}")
