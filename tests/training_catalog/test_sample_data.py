"""The shipped sample catalog obeys the catalog's own rules and the labour law."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from training_catalog import (
    LITERACY_LEVELS,
    SKILL_FAMILIES,
    Occupation,
    duration_class,
    reference,
    vacancy_law_violations,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def occupations() -> dict[str, Occupation]:
    return reference.occupations()


@pytest.fixture(scope="module")
def towns() -> set[str]:
    return set(reference.towns())


def test_every_training_the_study_names_is_offered():
    names = " ".join(row["name"].lower() for row in rows(SAMPLE / "tracks.csv"))
    for training in (
        "sewing", "fashion sewing", "tailoring", "electronics repair", "phone repair",
        "beauty salon", "haircutting", "car repair", "motorcycle repair",
        "english for hospitality", "khmer literacy", "basic computing", "cooking",
        "hotel housekeeping", "handicraft", "small business management",
        "vegetable growing", "pig and poultry raising",
    ):  # fmt: skip
        assert training in names, training


def test_tracks_use_known_codes_and_realistic_figures(occupations, towns):
    tracks = rows(SAMPLE / "tracks.csv")
    assert len({t["code"] for t in tracks}) == len(tracks)
    for track in tracks:
        assert track["town"] in towns
        assert track["skill_family"] in SKILL_FAMILIES
        assert set(track["occupations"].split()) <= occupations.keys()
        assert 4 <= int(track["seats"]) <= 30
        assert int(track["min_age"]) >= 12
        assert track["min_literacy"] in LITERACY_LEVELS
        assert date.fromisoformat(track["next_start"]).year == 2027
        duration_class(int(track["duration_months"]))


def test_catalog_spans_tourist_hubs_and_study_areas():
    by_code = {t["code"]: t for t in rows(SAMPLE / "tracks.csv")}
    assert {"PNH", "SRP", "SHV", "BTB", "KPT", "SVR", "SSP", "POI"} <= {
        t["town"] for t in by_code.values()
    }
    assert by_code["sewing-svr"]["seats"] == "30"
    assert by_code["khmer-literacy-svr"]["min_literacy"] == "none"
    classes = {duration_class(int(t["duration_months"])) for t in by_code.values()}
    assert classes == {"short", "mid", "long"}


def test_sample_vacancies_are_lawful_and_name_real_things(occupations, towns):
    employers = {e["organisation"]: e for e in rows(SAMPLE / "employers.csv")}
    tracks = {t["code"] for t in rows(SAMPLE / "tracks.csv")}
    vacancies = rows(SAMPLE / "vacancies.csv")
    for vacancy in vacancies:
        assert vacancy["employer"] in employers
        assert vacancy["town"] in towns
        assert not vacancy["hires_from_track"] or vacancy["hires_from_track"] in tracks
        assert float(vacancy["pay"]) > 0
        assert int(vacancy["positions"]) >= 1
        occupation = occupations[vacancy["occupation"]]
        night = vacancy["night_shift"] == "true"
        assert vacancy_law_violations(occupation, int(vacancy["min_age"]), night) == []
    statuses = {e["vetting"] for e in employers.values()}
    assert {"vetted", "pending"} <= statuses
    hired_from = {v["hires_from_track"] for v in vacancies}
    assert {"motorcycle-repair-svr", "english-hospitality-srp"} <= hired_from
