"""The market the matcher reads, and two seasons compared, on hand-made seasons."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from market_survey.diff import diff_csv, diff_jobs, safe_cell
from market_survey.ingest import parse_jobs, parse_living_costs, rows_frame
from market_survey.snapshot import build_snapshot, living_costs, market
from tests.market_survey.builders import job, params, references

REFS = references()


def jobs(*rows: dict[str, object]) -> pd.DataFrame:
    return parse_jobs(rows_frame(list(rows)), REFS, params())


def test_market_means_pay_midpoints_and_sums_openings_per_key() -> None:
    season = jobs(
        job(pay_min=200, pay_max=220, openings=10, source="a"),
        job(pay_min=240, pay_max=260, openings=5, source="b"),
        job(town="SRP", occupation="5131", venue="tourist", pay_min=80, pay_max=130, openings=7),
    )
    snap = build_snapshot(
        1,
        params(),
        season,
        parse_living_costs(
            rows_frame([{"town": "PNH", "food": 60, "room": 40, "other": 20, "currency": "USD"}]),
            REFS,
            params(),
        ),
    )
    m = market(snap)
    garment = m.loc[("PNH", "8153", "wage", "industrial")]
    assert garment["pay_usd_month"] == pytest.approx(230.0)
    assert garment["openings"] == 15
    assert garment["rows"] == 2
    assert m.loc[("SRP", "5131", "wage", "tourist"), "pay_usd_month"] == pytest.approx(105.0)


def test_a_town_without_a_living_cost_row_costs_the_living_wage() -> None:
    lc = parse_living_costs(
        rows_frame([{"town": "PNH", "food": 60, "room": 40, "other": 20, "currency": "USD"}]),
        REFS,
        params(),
    )
    snap = build_snapshot(1, params(living_wage_usd_month=250.0), jobs(job()), lc)
    costs = living_costs(snap, ["PNH", "KEP"])
    assert costs.loc["PNH", "total_usd_month"] == pytest.approx(120.0)
    assert bool(costs.loc["PNH", "surveyed"])
    assert costs.loc["KEP", "total_usd_month"] == pytest.approx(250.0)
    assert not bool(costs.loc["KEP", "surveyed"])


def test_diff_names_added_removed_and_changed_keys() -> None:
    before = jobs(
        job(pay_min=200, pay_max=220, openings=10),  # PNH garment: changes
        job(town="SVR", pay_min=190, pay_max=190, openings=3),  # removed
        job(
            town="SRP", occupation="5131", venue="tourist", pay_min=100, pay_max=100, openings=4
        ),  # unchanged
    )
    after = jobs(
        job(pay_min=210, pay_max=238, openings=12),
        job(town="SRP", occupation="5131", venue="tourist", pay_min=100, pay_max=100, openings=4),
        job(
            town="KEP",
            occupation="5141",
            employment="self",
            venue="tourist",
            pay_min=150,
            pay_max=250,
            openings=2,
        ),  # added
    )
    d = diff_jobs(after, before)
    assert d["added"] == [
        {
            "town": "KEP",
            "occupation": "5141",
            "employment": "self",
            "venue": "tourist",
            "pay_usd_month": 200.0,
            "openings": 2,
        }
    ]
    assert d["removed"] == [
        {
            "town": "SVR",
            "occupation": "8153",
            "employment": "wage",
            "venue": "industrial",
            "pay_usd_month": 190.0,
            "openings": 3,
        }
    ]
    assert d["changed"] == [
        {
            "town": "PNH",
            "occupation": "8153",
            "employment": "wage",
            "venue": "industrial",
            "pay_usd_month": {"before": 210.0, "after": 224.0},
            "openings": {"before": 10, "after": 12},
        }
    ]


def test_a_season_compared_with_itself_has_no_changes() -> None:
    s = jobs(job(), job(town="SRP"))
    assert diff_jobs(s, s) == {"added": [], "removed": [], "changed": []}


def test_diff_csv_is_safe_to_open_in_a_spreadsheet() -> None:
    d = {
        "added": [
            {
                "town": '=HYPERLINK("x")',
                "occupation": "+1",
                "employment": "-2",
                "venue": "@SUM(A1)",
                "pay_usd_month": -3.5,
                "openings": 2,
            }
        ],
        "removed": [],
        "changed": [],
    }
    rows = list(csv.reader(io.StringIO(diff_csv(d))))
    assert rows[0][0] == "change"
    assert rows[1][:5] == ["added", '\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)"]
    assert rows[1][6] == "-3.5"  # a number stays a number
    assert safe_cell("\tcmd") == "'\tcmd"
    assert safe_cell("Siem Reap") == "Siem Reap"
