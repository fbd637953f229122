"""The shipped sample seasons parse cleanly, say what the paper says, and cover the market."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from market_survey.ingest import parse_jobs, parse_living_costs, read_path, read_workbook
from market_survey.snapshot import market_by_key
from market_survey.types import SeasonParams
from tests.market_survey.builders import references
from training_catalog import reference

SEASONS = Path(__file__).resolve().parents[2] / "data" / "sample" / "seasons"
REFS = references()


def season(label: str) -> tuple[SeasonParams, pd.DataFrame, pd.DataFrame]:
    folder = SEASONS / label
    meta = json.loads((folder / "season.json").read_text(encoding="utf-8"))
    params = SeasonParams(
        label=meta["label"],
        khr_per_usd=meta["khr_per_usd"],
        minimum_wage_usd_month=meta["minimum_wage_usd_month"],
        living_wage_usd_month=meta["living_wage_usd_month"],
        working_days_per_month=meta["working_days_per_month"],
    )
    jobs = parse_jobs(read_path(folder / "jobs.csv")["jobs"], REFS, params)
    costs = parse_living_costs(read_path(folder / "living_costs.csv")["living_costs"], REFS, params)
    return params, jobs, costs


def test_2008_season_has_the_papers_figures() -> None:
    params, jobs, costs = season("2008")
    assert (params.khr_per_usd, params.minimum_wage_usd_month) == (4000, 50)
    assert params.living_wage_usd_month == pytest.approx(88.75)
    m = market_by_key(jobs)
    garment = m.loc[("PNH", "8153", "wage", "industrial")]
    assert (garment["pay_min_usd_month"], garment["pay_max_usd_month"]) == (40, 45)
    assert m.loc[("SVR", "7531", "self", "market"), "pay_usd_month"] == pytest.approx(70)
    assert m.loc[("SVR", "5141", "self", "market"), "pay_usd_month"] == pytest.approx(73)
    assert m.loc[("SVR", "7318", "wage", "home"), "pay_usd_month"] == pytest.approx(32.5)
    assert costs["food_usd_month"].between(15, 30).all()
    assert costs["room_usd_month"].between(15, 50).all()
    assert {"SVR", "SSP", "POI", "PNH", "SRP", "SHV"} <= set(jobs["town"])


def test_2026_season_covers_every_town_and_safe_occupation() -> None:
    _, jobs, costs = season("2026")
    towns = reference.towns().values()
    safe = {o.code for o in reference.occupations().values() if not o.exploitation_risk}
    assert set(costs["town"]) == {t.code for t in towns}
    assert set(jobs["occupation"]) == safe
    for hub in (t.code for t in towns if t.tourist_hub):
        tourist = jobs[(jobs["town"] == hub) & (jobs["venue"] == "tourist")]
        assert set(tourist["employment"]) == {"wage", "self"}, hub


def test_2026_provincial_self_employment_pays_less_than_in_tourist_hubs() -> None:
    _, jobs, _ = season("2026")
    mid = (jobs["pay_min_usd_month"] + jobs["pay_max_usd_month"]) / 2
    self_jobs = jobs.assign(mid=mid)[jobs["employment"] == "self"]
    for occupation in ("7531", "5141"):
        rows = self_jobs[self_jobs["occupation"] == occupation]
        provincial = rows[rows["venue"].isin(["market", "home"]) & ~rows["town"].isin(["PNH"])]
        tourist = rows[rows["venue"] == "tourist"]
        assert provincial["mid"].mean() < tourist["mid"].mean()


def test_every_estimate_is_labelled_and_every_figure_has_a_source() -> None:
    for label in ("2008", "2026"):
        for table in ("jobs", "living_costs"):
            with (SEASONS / label / f"{table}.csv").open(encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    assert row["source"].strip(), (label, table, row)


def test_the_xlsx_copy_of_2026_reads_the_same_as_its_csv() -> None:
    params, jobs, costs = season("2026")
    sheets = read_workbook((SEASONS / "2026" / "survey.xlsx").read_bytes())
    pd.testing.assert_frame_equal(parse_jobs(sheets["jobs"], REFS, params), jobs)
    pd.testing.assert_frame_equal(parse_living_costs(sheets["living_costs"], REFS, params), costs)


def test_a_workbook_without_survey_sheets_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from market_survey.errors import SurveyError

    book = Workbook()
    book.active.title = "Sheet1"  # type: ignore[union-attr]
    path = tmp_path / "other.xlsx"
    book.save(path)
    with pytest.raises(SurveyError) as exc:
        read_workbook(path.read_bytes())
    assert "no sheet named jobs" in exc.value.errors[0]["message"]
