"""Catalog rules: duration classes, literacy prerequisites and the labour law."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training_catalog import (
    LITERACY_LEVELS,
    InvalidDuration,
    Occupation,
    UnknownLiteracyLevel,
    duration_class,
    literacy_meets,
    risk_approval_violation,
    vacancy_law_violations,
)
from training_catalog.rules import (
    RULE_EXPLOITATION_RISK,
    RULE_HAZARDOUS,
    RULE_MINIMUM_AGE,
    RULE_NIGHT_WORK,
)

occupations = st.builds(
    Occupation,
    code=st.sampled_from(["8153", "9313", "5132", "4212", "7231"]),
    name=st.just("some occupation"),
    skill_family=st.just("textile"),
    hazardous=st.booleans(),
    night_work=st.booleans(),
    exploitation_risk=st.booleans(),
)
ages = st.integers(min_value=-5, max_value=80)
levels = st.sampled_from(LITERACY_LEVELS)

SEWING = Occupation("8153", "Sewing machine operator", "textile", on_the_job=True)
LABOURER = Occupation("9313", "Building construction labourer", "construction", hazardous=True)
BARTENDER = Occupation("5132", "Bartender", "hospitality", hazardous=True, night_work=True)
MASSAGE = Occupation(
    "3255", "Massage parlour worker", "beauty", night_work=True, exploitation_risk=True
)


def rules_of(violations):
    return {v.rule for v in violations}


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (1, "short"),
        (3, "short"),
        (11, "short"),
        (12, "mid"),
        (18, "mid"),
        (24, "mid"),
        (25, "long"),
        (36, "long"),
    ],
)
def test_duration_class_boundaries(months, expected):
    assert duration_class(months) == expected


@given(st.integers(max_value=0))
def test_duration_of_zero_or_less_is_refused(months):
    with pytest.raises(InvalidDuration):
        duration_class(months)


@given(st.integers(min_value=1, max_value=600), st.integers(min_value=1, max_value=600))
def test_a_longer_track_never_has_a_shorter_class(a, b):
    order = ["short", "mid", "long"]
    short, long_ = sorted((a, b))
    assert order.index(duration_class(short)) <= order.index(duration_class(long_))


def test_literacy_levels_are_ordered():
    assert literacy_meets("functional", "basic")
    assert literacy_meets("basic", "basic")
    assert literacy_meets("none", "none")
    assert not literacy_meets("none", "basic")
    assert not literacy_meets("basic", "functional")


@given(levels, levels)
def test_literacy_meets_exactly_when_at_or_above(have, required):
    assert literacy_meets(have, required) == (
        LITERACY_LEVELS.index(have) >= LITERACY_LEVELS.index(required)
    )


@pytest.mark.parametrize(("have", "required"), [("fluent", "none"), ("none", "Basic")])
def test_unknown_literacy_level_is_refused(have, required):
    with pytest.raises(UnknownLiteracyLevel):
        literacy_meets(have, required)


def test_adult_day_job_in_a_safe_occupation_is_lawful():
    assert vacancy_law_violations(SEWING, 18, night_shift=False) == []
    assert vacancy_law_violations(SEWING, 15, night_shift=False) == []


def test_under_fifteen_cites_article_177_1():
    (violation,) = vacancy_law_violations(SEWING, 14, night_shift=False)
    assert violation.field == "min_age"
    assert "177(1)" in violation.rule


def test_minor_never_gets_hazardous_work():
    (violation,) = vacancy_law_violations(LABOURER, 16, night_shift=False)
    assert violation.field == "min_age"
    assert "177(2)" in violation.rule and "2004 Prakas" in violation.rule
    assert vacancy_law_violations(LABOURER, 18, night_shift=False) == []


def test_minor_never_gets_night_work():
    (violation,) = vacancy_law_violations(SEWING, 17, night_shift=True)
    assert violation.field == "night_shift"
    assert "art. 144" in violation.rule and "22:00-05:00" in violation.rule


def test_night_work_occupation_counts_as_night_work_without_the_flag():
    found = vacancy_law_violations(BARTENDER, 16, night_shift=False)
    assert rules_of(found) == {RULE_HAZARDOUS, RULE_NIGHT_WORK}
    assert {v.field for v in found} == {"min_age"}


def test_exploitation_risk_occupation_is_never_offered_to_minors():
    found = vacancy_law_violations(MASSAGE, 17, night_shift=False)
    assert RULE_EXPLOITATION_RISK in rules_of(found)
    assert vacancy_law_violations(MASSAGE, 18, night_shift=True) == []


@given(occupations, ages, st.booleans())
def test_law_holds_for_every_vacancy(occupation, min_age, night_shift):
    found = rules_of(vacancy_law_violations(occupation, min_age, night_shift))
    minor = min_age < 18
    assert (RULE_MINIMUM_AGE in found) == (min_age < 15)
    assert (RULE_HAZARDOUS in found) == (minor and occupation.hazardous)
    assert (RULE_NIGHT_WORK in found) == (minor and (night_shift or occupation.night_work))
    assert (RULE_EXPLOITATION_RISK in found) == (minor and occupation.exploitation_risk)


@given(occupations, st.integers(min_value=18, max_value=80), st.booleans())
def test_adults_only_vacancies_break_no_age_rule(occupation, min_age, night_shift):
    assert vacancy_law_violations(occupation, min_age, night_shift) == []


@given(occupations, ages, st.booleans())
def test_every_violation_names_a_field_and_cites_a_rule(occupation, min_age, night_shift):
    for violation in vacancy_law_violations(occupation, min_age, night_shift):
        assert violation.field in {"min_age", "night_shift"}
        assert violation.rule and violation.message


@given(occupations, st.booleans())
def test_risk_occupations_need_admin_approval(occupation, approved):
    violation = risk_approval_violation(occupation, approved)
    assert (violation is not None) == (occupation.exploitation_risk and not approved)
    if violation is not None:
        assert violation.field == "occupation"
