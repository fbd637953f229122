"""Every bad survey input is refused with its row and column named, all at once."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from market_survey.errors import EmptyFile, SurveyError, Undecodable
from market_survey.ingest import (
    parse_jobs,
    parse_living_costs,
    read_csv_bytes,
    read_json_bytes,
    rows_frame,
)
from market_survey.types import JOB_COLUMNS, LIVING_COST_COLUMNS
from tests.market_survey.builders import csv_bytes, job, params, references

REFS = references()


def problems_of(data: bytes, table: str = "jobs") -> list[dict[str, Any]]:
    parse = parse_jobs if table == "jobs" else parse_living_costs
    with pytest.raises(SurveyError) as exc:
        parse(read_csv_bytes(data), REFS, params())
    return exc.value.errors


def only(problems: list[dict[str, Any]], row: int | None, field: str) -> str:
    found = [p for p in problems if p.get("row") == row and p["field"] == field]
    assert found, f"nothing on row {row} {field}: {problems}"
    return str(found[0]["message"])


def test_a_clean_table_becomes_exactly_the_normalised_columns() -> None:
    out = parse_jobs(read_csv_bytes(csv_bytes([job(), job(town="SRP")])), REFS, params())
    assert tuple(out.columns) == JOB_COLUMNS
    assert out["town"].tolist() == ["PNH", "SRP"]
    assert out["openings"].dtype == "int64"


def test_towns_and_occupations_by_code_english_or_khmer_name_any_case() -> None:
    rows = [
        job(town="srp", occupation="7531", source="1"),
        job(town="SIEM REAP", occupation="tailor, dressmaker", source="2"),
        job(town="សៀមរាប", occupation="ជាងកាត់ដេរ", source="3"),
        job(town="  Siem   Reap ", occupation="TAILOR, DRESSMAKER", source="4"),
    ]
    out = parse_jobs(read_csv_bytes(csv_bytes(rows)), REFS, params())
    assert set(out["town"]) == {"SRP"}
    assert set(out["occupation"]) == {"7531"}


def test_semicolons_and_a_byte_order_mark_are_read() -> None:
    data = csv_bytes(
        [job(pay_min="1.200.000", pay_max="1.300.000", currency="KHR")], sep=";", bom=True
    )
    out = parse_jobs(read_csv_bytes(data), REFS, params())
    assert out.loc[0, "pay_min_usd_month"] == pytest.approx(300.0)


def test_missing_columns_are_named() -> None:
    header = ["town", "occupation", "employment", "venue", "pay_min", "pay_max", "openings"]
    problems = problems_of(csv_bytes([job()], header=header))
    fields = {p["field"]: p["message"] for p in problems if "row" not in p}
    assert "missing column" in fields["pay_unit"]
    assert "missing column" in fields["currency"]


def test_unknown_columns_are_named_with_a_suggestion() -> None:
    row = job()
    row["openigns"] = row.pop("openings")
    problems = problems_of(csv_bytes([row]))
    assert "did you mean openings" in only(problems, None, "openigns")
    assert "missing column" in only(problems, None, "openings")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(EmptyFile):
        read_csv_bytes(b"")
    with pytest.raises(EmptyFile) as exc:
        parse_jobs(read_csv_bytes(",".join(job()).encode() + b"\r\n"), REFS, params())
    assert "no data rows" in exc.value.errors[0]["message"]


def test_text_that_is_not_utf8_is_refused_with_its_line() -> None:
    data = csv_bytes([job(), job(town="SRP")]).replace(b"SRP", "Sièm".encode("latin-1"))
    with pytest.raises(Undecodable) as exc:
        read_csv_bytes(data)
    assert "line 3" in exc.value.errors[0]["message"]


def test_unknown_town_and_occupation_get_did_you_mean() -> None:
    problems = problems_of(
        csv_bytes([job(), job(town="Siem Reep", occupation="Hairdreser"), job(town="Atlantis")])
    )
    assert "did you mean SRP (Siem Reap)" in only(problems, 2, "town")
    assert "did you mean 5141 (Hairdresser, barber)" in only(problems, 2, "occupation")
    assert "unknown town 'Atlantis'" in only(problems, 3, "town")


def test_a_misspelt_khmer_town_name_gets_a_suggestion() -> None:
    problems = problems_of(csv_bytes([job(town="សៀមរា")]))
    assert "SRP (Siem Reap)" in only(problems, 1, "town")


@pytest.mark.parametrize("pay", ["0", "-40"])
def test_pay_must_be_more_than_zero(pay: str) -> None:
    problems = problems_of(csv_bytes([job(), job(pay_min=pay)]))
    assert "more than 0" in only(problems, 2, "pay_min")


def test_pay_min_above_pay_max_is_refused() -> None:
    problems = problems_of(csv_bytes([job(pay_min="300", pay_max="200")]))
    assert "more than pay_max" in only(problems, 1, "pay_min")


def test_bad_unit_and_currency_are_named() -> None:
    problems = problems_of(csv_bytes([job(pay_unit="fortnight", currency="EUR")]))
    assert "fortnight" in only(problems, 1, "pay_unit")
    assert "EUR" in only(problems, 1, "currency")


@pytest.mark.parametrize(
    ("openings", "says"),
    [("2.5", "whole number"), ("-3", "negative"), ("many", "not a number"), ("", "empty")],
)
def test_openings_must_be_a_whole_number_not_below_zero(openings: str, says: str) -> None:
    problems = problems_of(csv_bytes([job(), job(town="SRP"), job(openings=openings)]))
    assert says in only(problems, 3, "openings")


def test_startup_cost_on_a_wage_row_is_refused() -> None:
    problems = problems_of(csv_bytes([job(startup_cost="100")]))
    assert "self-employment" in only(problems, 1, "startup_cost")


def test_duplicate_rows_name_the_row_they_repeat() -> None:
    problems = problems_of(csv_bytes([job(), job(town="SRP"), job(town="phnom penh")]))
    assert only(problems, 3, "row") == "repeats row 1"


def test_every_problem_is_listed_at_once_in_row_order() -> None:
    problems = problems_of(
        csv_bytes([job(pay_min="x"), job(), job(town="Nowhere", currency="EUR")])
    )
    assert [(p["row"], p["field"]) for p in problems] == [
        (1, "pay_min"),
        (3, "town"),
        (3, "currency"),
    ]


def test_living_costs_one_row_per_town_with_bad_values_named() -> None:
    header = ["town", "food", "room", "other", "currency"]
    rows = [
        {"town": "PNH", "food": "60", "room": "40", "other": "20", "currency": "USD"},
        {"town": "Phnom Penh", "food": "60", "room": "40", "other": "20", "currency": "USD"},
        {"town": "SRP", "food": "0", "room": "-1", "other": "", "currency": "USD"},
    ]
    problems = problems_of(csv_bytes(rows, header=header), "living_costs")
    assert "one row per town" in only(problems, 2, "town")
    assert "more than 0" in only(problems, 3, "food")
    assert "negative" in only(problems, 3, "room")


def test_living_costs_in_riel_become_dollars() -> None:
    header = ["town", "food", "room", "currency"]
    rows = [{"town": "svay rieng", "food": "200,000", "room": "100 000", "currency": "KHR"}]
    out = parse_living_costs(read_csv_bytes(csv_bytes(rows, header=header)), REFS, params())
    assert tuple(out.columns) == LIVING_COST_COLUMNS
    assert out.iloc[0].tolist() == ["SVR", 50.0, 25.0, 0.0]


def test_json_rows_take_numbers_and_text() -> None:
    raw = rows_frame(
        [job(pay_min=10000, pay_max="12,000", pay_unit="day", currency="KHR", openings=3)]
    )
    out = parse_jobs(raw, REFS, params())
    assert out.loc[0, "pay_min_usd_month"] == pytest.approx(65.0)
    assert out.loc[0, "openings"] == 3


def test_json_upload_must_name_its_table() -> None:
    with pytest.raises(SurveyError) as exc:
        read_json_bytes(b'{"table": "wages", "rows": []}')
    assert exc.value.errors[0]["field"] == "table"
    with pytest.raises(Undecodable):
        read_json_bytes(b'{"table": ')


def test_blank_lines_at_the_end_of_a_sheet_are_not_rows() -> None:
    raw = rows_frame([job(), dict.fromkeys(job(), "")])
    assert len(parse_jobs(raw, REFS, params())) == 1


def test_a_million_wrong_units_answer_with_a_bounded_list() -> None:
    raw = pd.DataFrame([job(pay_unit="hour", source=str(i)) for i in range(1500)], dtype=str)
    with pytest.raises(SurveyError) as exc:
        parse_jobs(raw, REFS, params())
    assert len(exc.value.errors) == 1001
    assert "500 more rows" in exc.value.errors[-1]["message"]


def test_json_rows_with_a_list_or_object_in_a_cell_are_named_not_a_crash() -> None:
    with pytest.raises(SurveyError) as exc:
        rows_frame([job(), job(town={"code": "PNH"}), job(openings=[1, 2])])
    assert [(e["row"], e["field"]) for e in exc.value.errors] == [(2, "town"), (3, "openings")]
