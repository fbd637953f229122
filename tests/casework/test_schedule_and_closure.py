"""The follow-up schedule, the living-wage and safety flags, and the closure rule."""

from __future__ import annotations

from datetime import date

from casework import Span, add_months, check_income, due_dates, reintegration_missing


def test_follow_ups_fall_1_3_6_and_12_months_after_the_start() -> None:
    assert due_dates(date(2026, 1, 31), (1, 3, 6, 12)) == [
        (1, date(2026, 2, 28)),
        (3, date(2026, 4, 30)),
        (6, date(2026, 7, 31)),
        (12, date(2027, 1, 31)),
    ]


def test_add_months_crosses_the_year() -> None:
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_an_income_below_the_living_wage_needs_support_with_the_gap() -> None:
    check = check_income(60.0, 88.75, safety_concern=False)
    assert check.needs_support and check.gap_usd_month == 28.75
    assert check.flags == ["needs_support"]


def test_an_income_at_the_living_wage_needs_no_support() -> None:
    check = check_income(88.75, 88.75, safety_concern=False)
    assert not check.needs_support and check.flags == [] and check.gap_usd_month is None


def test_a_safety_concern_is_urgent_whatever_the_pay() -> None:
    check = check_income(300.0, 88.75, safety_concern=True)
    assert check.flags == ["urgent"] and check.gap_usd_month is None


def test_no_living_wage_known_means_no_income_flag() -> None:
    assert check_income(10.0, None, safety_concern=False).flags == []


TODAY = date(2027, 6, 1)


def test_twelve_months_in_work_and_two_livable_follow_ups_may_close() -> None:
    spans = [Span(date(2026, 1, 5), date(2026, 8, 1)), Span(date(2026, 8, 1), None)]
    assert reintegration_missing(spans, [False, True, True], TODAY) == []


def test_a_year_since_the_start_is_not_enough_when_the_pay_is_not_livable() -> None:
    missing = reintegration_missing([Span(date(2026, 1, 5), None)], [True, False], TODAY)
    assert len(missing) == 1 and "below the living wage" in missing[0]


def test_a_break_in_work_restarts_the_year() -> None:
    spans = [Span(date(2026, 1, 5), date(2026, 6, 1)), Span(date(2026, 9, 1), None)]
    missing = reintegration_missing(spans, [True, True], TODAY)
    assert missing and "12 months are needed" in missing[0]


def test_no_work_and_no_follow_up_lists_both() -> None:
    assert len(reintegration_missing([], [], TODAY)) == 2
