"""On a Khmer page, every sentence a person reads is Khmer: the engine's reasons, the
law checks, a survey's rows to fix and a refused closure included.

What may stay in Latin letters: codes, numbers, units, and the names of people, employers
and training tracks (the catalog names tracks in English only).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from sqlalchemy import select

from api.store.models import Employer, Survivor, Track
from tests.api.builders import COSTS_2008, SHELTER, World, job
from tests.conftest import csrf, drop_in, sign_in

# Three English words in a row make a sentence a Khmer reader cannot read.
ENGLISH = re.compile(r"[A-Za-z][a-z'-]+(?:[ ,;:]+[A-Za-z][a-z'-]+){2,}")


class _MainText(HTMLParser):
    """The text a person reads in ``<main>`` (not scripts, styles or attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "main" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def english_left(page: str, names: tuple[str, ...] = ()) -> list[str]:
    """The English runs of words in the page's main text, once names are taken out."""
    reader = _MainText()
    reader.feed(page)
    text = " ".join(" ".join(reader.parts).split())
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return ENGLISH.findall(text)


def _sample_counsellor(client, runner, user) -> None:
    assert runner.invoke(args=["load-sample"]).exit_code == 0
    sign_in(client, user("counsellor", org="Svay Rieng Shelter"))


def _names(session) -> tuple[str, ...]:
    """The training tracks' and the employers' names: they are names, not sentences."""
    return (*session.scalars(select(Track.name)), *session.scalars(select(Employer.name)))


def test_the_sample_s_recommendation_pages_in_khmer_have_no_english_sentence(
    client, runner, user, session
) -> None:
    _sample_counsellor(client, runner, user)
    names = _names(session)
    for survivor in session.scalars(select(Survivor)):
        page = client.get(f"/survivors/{survivor.id}?lang=km")
        made = client.post(f"/survivors/{survivor.id}", data={"csrf_token": csrf(page)})
        text = made.get_data(as_text=True)
        assert '<html lang="km">' in text
        assert english_left(text, names) == [], (survivor.case_code, english_left(text, names))


def test_a_flagged_town_an_unlivable_job_and_an_excluded_track_are_said_in_khmer(
    client, token, user, session
) -> None:
    world = World(client, token)
    costs = {**COSTS_2008, "POI": (40.0, 30.0, 30.0)}
    world.season(
        [job("SVR", "8153", 40, 45), job("POI", "5131", 150, 180), job("SVR", "5131", 100, 120)],
        costs=costs,
    )
    world.track("waiting-tables", "SVR", "hospitality", ["5131"], min_literacy="functional")
    survivor = world.survivor(
        preferences=["5131", "8153"],
        aptitudes={"hospitality": 3, "textile": 2},
        relocation="anywhere",
    )
    sign_in(client, user("counsellor", org=SHELTER))
    page = client.get(f"/survivors/{survivor}?lang=km")
    text = client.post(f"/survivors/{survivor}", data={"csrf_token": csrf(page)}).get_data(
        as_text=True
    )
    assert "ប៉ោយប៉ែត ជាទីក្រុងកាស៊ីណូ" in text  # the flagged town, by its Khmer name
    assert "ទាបជាងប្រាក់ឈ្នួលសមរម្យនៅស្វាយរៀង" in text  # the unlivable garment job
    assert "ត្រូវការកម្រិតអក្ខរកម្ម អាចប្រើបាន" in text  # the track its literacy rules out
    assert english_left(text, _names(session)) == []
    page = client.get(f"/survivors/{survivor}?lang=en")
    english = client.post(f"/survivors/{survivor}", data={"csrf_token": csrf(page)})
    runs = english_left(english.get_data(as_text=True), _names(session))
    assert any("below the living wage" in run for run in runs)  # the check can fail


def _post(client, path: str, data: dict, **kw):
    page = client.get(path)
    return client.post(path, data={**data, "csrf_token": csrf(page)}, **kw)


def test_the_vacancy_form_in_khmer_says_the_law_and_the_schema_in_khmer(client, user) -> None:
    sign_in(client, user("employer", org="Golden Wheel Garage"))
    client.get("/?lang=km")
    registered = _post(client, "/employer", {"name": "Golden Wheel Garage", "town": "SVR"})
    assert registered.status_code == 302
    vacancy = {
        "occupation": "7231",
        "town": "SVR",
        "pay": "180",
        "currency": "USD",
        "pay_unit": "month",
        "positions": "0",
        "min_age": "14",
        "description": "x" * 2001,
    }
    response = _post(client, "/employer/vacancies/new", vacancy)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="positions-error">[^<]*ត្រូវតែធំជាង ឬស្មើ 1', text)
    assert re.search(r'id="description-error">[^<]*ប្រវែងអតិបរមា 2000', text)
    law = _post(client, "/employer/vacancies/new", {**vacancy, "positions": "2", "description": ""})
    law_text = law.get_data(as_text=True)
    assert re.search(r'id="min_age-error">[^<]*ក្រោម ១៥ ឆ្នាំ', law_text)
    for page in (text, law_text):
        assert english_left(page, ("Golden Wheel Garage",)) == []


BAD_JOBS = (
    "town,occupation,employment,venue,pay_min,pay_max,pay_unit,currency,openings\n"
    "PNH,7531,wage,market,200,150,month,USD,3\n"
    "Siem Reep,5141,wage,tourist,150,250,month,USD,-2\n"
)


def test_a_survey_s_rows_to_fix_are_said_in_khmer(client, user) -> None:
    sign_in(client, user("surveyor", org="Survey NGO"))
    client.get("/?lang=km")
    season = {
        "label": "2027-dry",
        "khr_per_usd": "4100",
        "minimum_wage_usd_month": "210",
        "living_wage_usd_month": "180",
    }
    assert _post(client, "/seasons", season).status_code == 302
    page = client.get("/seasons")
    season_id = re.search(r"/seasons/(\d+)/survey", page.get_data(as_text=True)).group(1)
    response = drop_in(client, season_id, BAD_JOBS)
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "ទីក្រុងមិនស្គាល់ 'Siem Reep'; តើអ្នកចង់មានន័យថា SRP (Siem Reap) ឬ?" in text
    assert "pay_min ធំជាង pay_max" in text
    # The town's name the surveyor typed and the one suggested are names.
    assert english_left(text, ("Siem Reep", "Siem Reap")) == []
    bad_season = _post(client, "/seasons", {**season, "label": "2027-wet", "khr_per_usd": "0"})
    assert bad_season.status_code == 422
    assert english_left(bad_season.get_data(as_text=True)) == []


def test_a_refused_closure_is_said_in_khmer(client, runner, user, session) -> None:
    _sample_counsellor(client, runner, user)
    survivor = session.scalar(select(Survivor).where(Survivor.case_code == "SRS-2026-002"))
    path = f"/survivors/{survivor.id}/case?lang=km"
    refused = client.post(
        f"/survivors/{survivor.id}/close",
        data={"reason": "reintegrated", "csrf_token": csrf(client.get(path))},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "ករណីនេះមិនទាន់អាចបិទថាបានធ្វើសមាហរណកម្មបានទេ" in text
    assert "មិនទាន់មានការងារ ឬអាជីវកម្មផ្ទាល់ខ្លួនត្រូវបានកត់ត្រាទេ" in text
    assert english_left(text, _names(session)) == []
