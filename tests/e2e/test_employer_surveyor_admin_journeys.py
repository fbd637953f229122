"""The employer's, the surveyor's and the administrator's journeys in a real browser, in
Khmer and English, on a desk and a phone.

Fields are found by their names (the API's), so the same steps work in either language;
the words a person reads are checked in the page's language.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from api.auth import Principal
from api.services.employers import register_employer
from api.store.models import Organisation
from tests.api.casework_factories import SHELTER, Case
from tests.e2e.conftest import check_page

# Each journey opens four to six pages and runs axe-core on each.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE_2026 = Path(__file__).resolve().parents[2] / "data" / "sample" / "seasons" / "2026"
BAD_JOBS = (
    "town,occupation,employment,venue,pay_min,pay_max,pay_unit,currency,openings\n"
    "PNH,7531,wage,market,200,150,month,USD,3\n"
    "Siem Reep,5141,wage,tourist,150,250,month,USD,2\n"
)
WORDS = {
    "en": {
        "pending": "waiting for an administrator",
        "post": "Post a vacancy",
        "under_15": "Nobody under 15",
        "article": "art. 177",
        "posted": "The vacancy is posted.",
        "town": "Svay Rieng",
        "saved_nothing": "Nothing was saved.",
        "review": "Review and publish 2027-dry",
        "publish": "Publish 2027-dry",
        "published": "Published: season 2027-dry",
        "vetted": "vetted",
        "save_decision": "Save the decision",
        "avoided_bavet": "Town: Bavet",
        "no_model": "No model is in the score",
        "skill": "Mechanics and driving (4/5)",
        "accepted": "Accepted.",
        "declined": "Declined.",
        "offered": "offered: the employer accepts",
        "declined_case": "declined by the employer",
    },
    "km": {
        "pending": "កំពុងរង់ចាំអ្នកគ្រប់គ្រង",
        "post": "ដាក់ប្រកាសមុខតំណែងទំនេរ",
        "under_15": "ក្រោម ១៥ ឆ្នាំ",
        "article": "មាត្រា 177",
        "posted": "មុខតំណែងទំនេរត្រូវបានដាក់ប្រកាស។",
        "town": "ស្វាយរៀង",
        "saved_nothing": "គ្មានអ្វីត្រូវបានរក្សាទុកទេ។",
        "review": "ពិនិត្យ និងផ្សព្វផ្សាយ 2027-dry",
        "publish": "ផ្សព្វផ្សាយ 2027-dry",
        "published": "បានផ្សព្វផ្សាយ៖ រដូវ 2027-dry",
        "vetted": "បានត្រួតពិនិត្យ",
        "save_decision": "រក្សាទុកសេចក្តីសម្រេច",
        "avoided_bavet": "ទីក្រុង៖ បាវិត",
        "no_model": "គ្មានគំរូក្នុងពិន្ទុទេ",
        "skill": "មេកានិច (4/5)",
        "accepted": "បានទទួលយក។",
        "declined": "បានបដិសេធ។",
        "offered": "បានផ្តល់ជូន៖ និយោជកទទួលយក",
        "declined_case": "និយោជកបានបដិសេធ",
    },
}
LANGS = ["en", "km"]


@pytest.mark.parametrize("lang", LANGS)
def test_an_employer_registers_and_posts_a_vacancy(
    page, site, width, user, sign_in_browser, lang
) -> None:
    words = WORDS[lang]
    sign_in_browser(page, user("employer", org="Golden Wheel Garage"), lang)
    page.wait_for_url("**/employer")
    check_page(page, width, f"employer-{lang}-1-register")
    page.fill("[name=name]", "Golden Wheel Garage")
    page.select_option("[name=town]", "SVR")
    page.fill("[name=sector]", "motorbike repair")
    page.click("main button[type=submit]")
    assert words["pending"] in page.inner_text("main")
    check_page(page, width, f"employer-{lang}-2-pending")

    page.get_by_role("link", name=words["post"]).click()
    page.select_option("[name=occupation]", "7231")
    page.select_option("[name=town]", "SVR")
    page.fill("[name=pay]", "180")
    page.fill("[name=positions]", "2")
    page.fill("[name=min_age]", "14")
    page.click("main button[type=submit]")
    beside = page.locator("#min_age-error")
    assert words["under_15"] in beside.inner_text() and words["article"] in beside.inner_text()
    assert page.get_attribute("[name=min_age]", "aria-describedby") == "min_age-error"
    check_page(page, width, f"employer-{lang}-3-law-check")

    page.fill("[name=min_age]", "18")
    page.click("main button[type=submit]")
    page.wait_for_url("**/employer")
    main = page.inner_text("main")
    assert words["posted"] in main and words["town"] in main
    check_page(page, width, f"employer-{lang}-4-posted")


@pytest.mark.parametrize("lang", LANGS)
def test_a_surveyor_fixes_an_upload_and_publishes(
    page, site, width, user, sign_in_browser, tmp_path, lang
) -> None:
    words = WORDS[lang]
    sign_in_browser(page, user("surveyor", org="Survey NGO"), lang)
    page.wait_for_url("**/seasons")
    page.fill("[name=label]", "2027-dry")
    page.fill("[name=living_wage_usd_month]", "180")
    page.click("form[action$='/seasons'] button[type=submit]")
    check_page(page, width, f"surveyor-{lang}-1-draft")

    bad = tmp_path / "jobs.csv"
    bad.write_text(BAD_JOBS)
    page.set_input_files("input[type=file]", str(bad))
    page.select_option("select[name=table]", "jobs")
    page.click("form[enctype] button[type=submit]")
    alert = page.get_by_role("alert")
    assert words["saved_nothing"] in alert.inner_text()
    assert "Siem Reap" in alert.inner_text()  # "did you mean" for the misspelt town
    assert alert.locator("table tbody tr").count() >= 2
    check_page(page, width, f"surveyor-{lang}-2-errors")

    page.set_input_files("input[type=file]", str(SAMPLE_2026 / "survey.xlsx"))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/seasons")
    page.get_by_role("link", name=words["review"]).click()
    check_page(page, width, f"surveyor-{lang}-3-review")
    page.get_by_role("button", name=words["publish"]).click()
    page.wait_for_url("**/seasons")
    assert words["published"] in page.inner_text("main")
    check_page(page, width, f"surveyor-{lang}-4-published")


@pytest.mark.parametrize("lang", LANGS)
def test_an_admin_vets_an_employer(page, site, width, user, sign_in_browser, lang) -> None:
    words = WORDS[lang]
    user("employer", org="Golden Wheel Garage")
    with site.app.extensions["pathways.db"].sessions() as db:
        org = db.query(Organisation).filter_by(name="Golden Wheel Garage").one()
        employer = Principal(user_id=None, org_id=org.id, org_name=org.name, role="employer")
        register_employer(db, employer, {"name": "Golden Wheel Garage", "town": "SVR"})
        db.commit()
    sign_in_browser(page, user("admin", org="Pathways Operator"), lang)
    page.wait_for_url("**/admin/employers")
    check_page(page, width, f"admin-{lang}-1-employers")
    page.check("[name=status][value=vetted]")
    page.fill("[name=note]", "visited the workshop")
    page.get_by_role("button", name=words["save_decision"]).click()
    page.wait_for_url("**/admin/employers")
    assert "visited the workshop" in page.inner_text("main")
    assert words["vetted"] in page.inner_text("main")
    check_page(page, width, f"admin-{lang}-2-vetted")
    page.goto(site.url("/admin/audit"))
    check_page(page, width, f"admin-{lang}-3-audit")
    page.goto(site.url("/admin/people"))
    page.fill("[name=org]", "Survey NGO")
    page.select_option("#token-role", "surveyor")
    page.click("form[action$='/tokens'] button[type=submit]")
    assert page.locator("code.token").inner_text().startswith("pw_")
    check_page(page, width, f"admin-{lang}-4-people")
    page.goto(site.url("/admin/safety"))
    page.check("[name=kind][value=town]")
    page.select_option("#avoid-town", "BVT")
    page.fill("[name=reason]", "scam compounds recruit here")
    page.click("form[action$='/avoid'] button[type=submit]")
    page.wait_for_url("**/admin/safety")
    assert words["avoided_bavet"] in page.inner_text("main")
    check_page(page, width, f"admin-{lang}-5-avoid-list")
    page.goto(site.url("/admin/models"))
    assert words["no_model"] in page.inner_text("main")
    check_page(page, width, f"admin-{lang}-6-models")


@pytest.mark.parametrize("lang", LANGS)
def test_a_surveyor_compares_the_sample_seasons_and_reads_the_tracks(
    page, site, width, runner, user, sign_in_browser, lang
) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    sign_in_browser(page, user("surveyor", org="Survey NGO"), lang)
    page.wait_for_url("**/seasons")
    check_page(page, width, f"surveyor-{lang}-5-sample-seasons")
    page.locator("a[href*='/diff?against=']").first.click()
    page.wait_for_url("**/diff?against=*")
    assert page.locator("svg.chart[role=img]").count() == 1
    assert page.locator("table.stack tbody tr").count() > 0
    check_page(page, width, f"surveyor-{lang}-6-diff")
    page.goto(site.url("/tracks"))
    check_page(page, width, f"surveyor-{lang}-7-tracks")


def _decide(page, referral_id: int, decision: str, reason: str) -> None:
    form = page.locator(f"form[action$='/employer/referrals/{referral_id}']")
    form.locator("[name=reason]").fill(reason)
    form.locator(f"button[value={decision}]").click()
    page.wait_for_url("**/employer")


@pytest.mark.parametrize("lang", LANGS)
def test_an_employer_accepts_one_referral_and_declines_another(
    page, site, width, client, token, user, sign_in_browser, lang
) -> None:
    words = WORDS[lang]
    case = Case(client, token)  # set up through the API: vetted employer, consent, referrals
    case.season()
    vacancy_id = case.vacancy()
    taken, turned_down = case.survivor(), case.survivor()
    accept = case.refer(vacancy_id, taken)["id"]
    decline = case.refer(vacancy_id, turned_down)["id"]

    sign_in_browser(page, user("employer", org="Golden Wheel Garage"), lang)
    page.wait_for_url("**/employer")
    main = page.inner_text("main")
    assert main.count(words["skill"]) == 2  # skills and training, by skill family
    for identity in ("SRS-T-001", "SRS-T-002", "case note", "female", "KH-20"):
        assert identity not in page.content()  # no case code, note, gender or home
    check_page(page, width, f"employer-{lang}-5-referrals")
    _decide(page, accept, "accept", "met the candidate")
    assert words["accepted"] in page.inner_text("main")
    _decide(page, decline, "decline", "no opening this month")
    assert words["declined"] in page.inner_text("main")
    assert page.locator("form[action*='/employer/referrals/']").count() == 0
    check_page(page, width, f"employer-{lang}-6-decided")

    page.context.clear_cookies()
    sign_in_browser(page, user("counsellor", org=SHELTER), lang)
    page.goto(site.url(f"/survivors/{taken}/case"))
    assert words["offered"] in page.inner_text("main")
    assert "met the candidate" in page.inner_text("main")
    check_page(page, width, f"counsellor-{lang}-case-offered")
    page.goto(site.url(f"/survivors/{turned_down}/case"))
    assert words["declined_case"] in page.inner_text("main")
    assert "no opening this month" in page.inner_text("main")
    check_page(page, width, f"counsellor-{lang}-case-declined")
