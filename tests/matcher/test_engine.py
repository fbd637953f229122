"""The engine's contract beyond the study's situations: money, settings, batch path."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest

from matcher import (
    COMPONENTS,
    MODEL_VERSION,
    MatcherInputError,
    Settings,
    SettingsError,
    Weights,
    prepare_market,
    recommend,
    recommend_prepared,
    track_scores,
)
from matcher.engine import NO_JOB_DATA
from matcher.results import RecommendationItem
from tests.matcher.builders import (
    COSTS_2008,
    TODAY,
    birth_year_for_lowest_age,
    catalog,
    job,
    market,
    profile,
    shop,
    track,
    vacancy,
)


def test_weights_reject_unknown_keys_negative_values_and_all_zero() -> None:
    with pytest.raises(SettingsError, match="unknown Weights keys: talent"):
        Weights.from_mapping({"talent": 1.0})
    with pytest.raises(SettingsError, match="aptitude"):
        Weights.from_mapping({"aptitude": -0.1})
    with pytest.raises(SettingsError, match="at least one"):
        Weights.from_mapping(dict.fromkeys(COMPONENTS, 0.0))
    with pytest.raises(SettingsError, match="number"):
        Weights.from_mapping({"income": "high"})


def test_only_the_ratio_of_weights_matters() -> None:
    cat = catalog([track("sewing-svr", "SVR", "textile", ["8153", "7531"])])
    mkt = market([job("SVR", "8153", 90, 110), job("SVR", "7531", 80, 140)], COSTS_2008)
    survivor = profile(aptitudes={"textile": 3}, preferences=("7531",))
    base = Weights()
    doubled = Weights.from_mapping({k: 2 * getattr(base, k) for k in COMPONENTS})
    assert recommend(survivor, mkt, cat, [], today=TODAY, weights=doubled) == recommend(
        survivor, mkt, cat, [], today=TODAY, weights=base
    )


def test_settings_from_mapping_merges_venues_and_rejects_unknown_ones() -> None:
    s = Settings.from_mapping({"ngo_startup_support_usd": 300, "venue_factor": {"home": 0.1}})
    assert s.ngo_startup_support_usd == 300.0
    assert s.venue_factor["home"] == 0.1
    assert s.venue_factor["tourist"] == Settings().venue_factor["tourist"]
    with pytest.raises(SettingsError, match="unknown venue"):
        Settings.from_mapping({"venue_factor": {"beach": 1.0}})
    with pytest.raises(SettingsError, match="unknown Settings keys"):
        Settings.from_mapping({"ngo_support": 1})
    with pytest.raises(SettingsError, match="unassessed_aptitude must be between 0 and 1"):
        Settings.from_mapping({"unassessed_aptitude": 1.5})


def test_prepared_market_gives_the_same_answer_as_one_off_calls() -> None:
    cat = catalog([track("hair-svr", "SVR", "hair", ["5141"])])
    mkt = market([job("SVR", "5141", 90, 130), shop("SVR", "5141", 70, 80, "market")], COSTS_2008)
    vacs = [vacancy(1, "5141", "SVR", 120)]
    survivor = profile(aptitudes={"hair": 4}, self_employment_interest=True)
    prepared = prepare_market(mkt, cat, vacs)
    one_off = recommend(survivor, mkt, cat, vacs, today=TODAY, include_excluded=True)
    assert one_off == recommend_prepared(survivor, prepared, today=TODAY, include_excluded=True)
    assert one_off.model_version == MODEL_VERSION
    assert [i.rank for i in one_off.items] == list(range(1, len(one_off.items) + 1))
    assert asdict(one_off.items[0])["occupation"] == {"code": "5141", "name": "Hairdresser, barber"}


def test_track_without_any_job_data_is_excluded_with_that_reason() -> None:
    cat = catalog([track("pig-raising-svr", "SVR", "agriculture", ["6121"])])
    scores = track_scores(profile(), market([], COSTS_2008), cat, [], today=TODAY)
    assert scores.scores == {}
    assert scores.excluded == {"pig-raising-svr": NO_JOB_DATA}


def _shop_rec(startup: float, pay: float, **settings: float) -> RecommendationItem:
    cat = catalog([track("tailoring-svr", "SVR", "textile", ["7531"])])
    mkt = market([shop("SVR", "7531", pay, pay, "market", startup_cost_usd=startup)], COSTS_2008)
    survivor = profile(completed_tracks=("tailoring-svr",), self_employment_interest=True)
    return recommend(
        survivor, mkt, cat, [], today=TODAY, settings=Settings.from_mapping(settings)
    ).items[0]


def test_start_up_within_ngo_support_needs_no_loan() -> None:
    item = _shop_rec(100, 150)
    assert item.startup is not None
    assert item.startup.loan_usd == 0.0 and item.startup.loan_months == 0
    assert "Start-up about $100, within the NGO's support of $125" in item.reasons


def test_start_up_loan_is_repaid_in_the_months_shown() -> None:
    item = _shop_rec(600, 190, loan_interest_month=0.02)
    s = item.startup
    assert s is not None
    assert s.cost_usd == 600.0 and s.loan_usd == 475.0 and s.loan_months is not None
    payment = 0.5 * item.net_income_usd_month

    def balance_after(months: int) -> float:
        balance = s.loan_usd
        for _ in range(months):
            balance = balance * (1 + s.loan_interest_month) - payment
        return balance

    months = s.loan_months
    assert balance_after(months) <= 1e-6
    assert balance_after(months - 1) > 0


def test_unrepayable_start_up_loan_is_a_warning() -> None:
    item = _shop_rec(2000, 95)  # net income barely above nothing
    assert item.startup is not None
    assert item.startup.loan_months is None
    assert any("could not be repaid" in w for w in item.warnings)


def test_vacancy_minimum_age_is_a_hard_rule() -> None:
    cat = catalog()
    mkt = market([], COSTS_2008)
    youth = profile(birth_year=birth_year_for_lowest_age(17))
    rec = recommend(
        youth,
        mkt,
        cat,
        [vacancy(1, "5131", "SVR", 120, min_age=18)],
        today=TODAY,
        include_excluded=True,
    )
    assert rec.items == ()
    assert rec.excluded[0].reason == (
        "Employer 1 hires from age 18: the survivor may be only 17 when work starts"
    )


def test_a_garage_that_hires_graduates_from_16_takes_a_15_year_old_who_finishes_at_16() -> None:
    # Born 2010: maybe only 15 today, surely 16 when the 8-month track ends in 2027-09.
    moto = track(
        "motorcycle-repair-svr",
        "SVR",
        "mechanical",
        ["7231"],
        duration_months=8,
        next_start=date(2027, 1, 11),
    )
    garage = vacancy(1, "7231", "SVR", 200, min_age=16, hires_from_track=moto.code)
    youth = profile(birth_year=2010, aptitudes={"mechanical": 4}, preferences=(moto.code,))
    rec = recommend(youth, market([], COSTS_2008), catalog([moto]), [garage], today=TODAY)
    assert rec.items[0].vacancy_id == 1
    assert rec.items[0].track is not None and rec.items[0].track.code == moto.code
    # Without the training, the same garage is a job for later, not for now.
    hired_now = vacancy(2, "7231", "SVR", 200, min_age=17)
    rec = recommend(
        youth,
        market([], COSTS_2008),
        catalog([moto]),
        [hired_now],
        today=TODAY,
        include_excluded=True,
    )
    assert all(item.vacancy_id != 2 for item in rec.items)
    assert any("may be only 16 when work starts" in e.reason for e in rec.excluded)


def test_birth_year_alone_counts_as_minor_until_surely_18() -> None:
    # Born 2008: 18 on some day of 2026, but on 2026-11-28 they may still be 17.
    cat = catalog()
    mkt = market([job("SVR", "9313", 200, 250)], COSTS_2008)
    rec = recommend(profile(birth_year=2008), mkt, cat, [], today=TODAY)
    assert rec.items == ()
    rec = recommend(profile(birth_year=2007), mkt, cat, [], today=TODAY)
    assert [i.occupation.code for i in rec.items] == ["9313"]


def test_adult_sees_exploitation_risk_work_only_with_warnings() -> None:
    cat = catalog([track("hospitality-shv", "SHV", "hospitality", ["4212"])])
    mkt = market([job("SHV", "4212", 300, 400)], {"SHV": (60.0, 40.0, 30.0)})
    adult = profile(relocation="anywhere")
    item = recommend(adult, mkt, cat, [], today=TODAY).items[0]
    assert any("known risk of exploitation" in w for w in item.warnings)
    assert any("casino town" in w for w in item.warnings)


def test_town_without_living_costs_uses_the_season_living_wage() -> None:
    cat = catalog()
    mkt = market([job("KCM", "5131", 100, 120)], COSTS_2008, living_wage=95.0)
    item = recommend(profile(relocation="anywhere"), mkt, cat, [], today=TODAY).items[0]
    assert item.town.code == "KCM"
    assert item.living_wage_usd_month == 95.0
    assert item.living_costs_usd_month == 95.0
    assert item.meets_living_wage


def test_moving_survivor_who_needs_a_room_is_warned() -> None:
    cat = catalog()
    mkt = market([job("PNH", "5131", 150, 180)], COSTS_2008)
    survivor = profile(relocation="anywhere", needs_accommodation=True)
    item = recommend(survivor, mkt, cat, [], today=TODAY).items[0]
    assert "Needs accommodation: a room in Phnom Penh costs $40 a month" in item.warnings


def test_no_training_needed_is_explained() -> None:
    cat = catalog([track("hair-svr", "SVR", "hair", ["5141"])])
    mkt = market([job("SVR", "8153", 100, 110), job("SVR", "5141", 100, 140)], COSTS_2008)
    rec = recommend(profile(completed_tracks=("hair-svr",)), mkt, cat, [], today=TODAY)
    reasons = {i.occupation.code: i.reasons for i in rec.items}
    assert "Learned on the job: employers take beginners" in reasons["8153"]
    assert "Already trained: completed Hair svr" in reasons["5141"]
    assert all(i.track is None for i in rec.items)  # a completed track is not offered again


def test_limit_is_respected_and_must_not_be_negative() -> None:
    cat = catalog()
    mkt = market([job("SVR", o, 100, 120) for o in ("8153", "5131", "9112", "5223")], COSTS_2008)
    assert len(recommend(profile(), mkt, cat, [], today=TODAY, limit=2).items) == 2
    assert recommend(profile(), mkt, cat, [], today=TODAY, limit=0).items == ()
    with pytest.raises(ValueError, match="limit"):
        recommend(profile(), mkt, cat, [], today=TODAY, limit=-1)


def test_inconsistent_codes_are_an_input_error() -> None:
    with pytest.raises(MatcherInputError, match="XYZ"):
        prepare_market(market([job("XYZ", "5131", 100)]), catalog(), [])
    with pytest.raises(MatcherInputError, match="vacancy 7"):
        prepare_market(market([]), catalog(), [vacancy(7, "0000", "SVR", 100)])


def test_excluded_lists_each_obstacle_once_not_once_per_town() -> None:
    cat = catalog([track("electronics-pnh", "PNH", "electronics", ["7421"])])
    towns = ("SVR", "BVT", "PNH", "SRP", "BTB", "KPT")
    mkt = market([job(t, "7421", 150, 200) for t in towns], COSTS_2008)
    survivor = profile(aptitudes={"electronics": 5})
    rec = recommend(survivor, mkt, cat, [], today=TODAY, include_excluded=True)
    training = [e for e in rec.excluded if e.rule == "relocation_training_town"]
    assert len(training) == 1
    assert training[0].reason == "Training in Phnom Penh: outside the survivor's home province"
    assert len({(e.track, e.occupation, e.reason) for e in rec.excluded}) == len(rec.excluded)


def test_a_trained_tailor_is_shown_work_before_retraining_at_the_same_score() -> None:
    tailoring = track("tailoring-ssp", "SSP", "textile", ["7531"])
    again = track("tailoring-srp", "SRP", "textile", ["7531"])
    tailor = profile(
        relocation="anywhere",
        completed_tracks=("tailoring-ssp",),
        aptitudes={"textile": 5},
        preferences=("7531",),
        self_employment_interest=True,
    )
    mkt = market(
        [job("SRP", "7531", 150, 250, employment="self", venue="tourist")],
        {"SRP": (60.0, 40.0, 30.0)},
    )
    rec = recommend(tailor, mkt, catalog([tailoring, again]), [], today=TODAY)
    first, second = rec.items[0], rec.items[1]
    assert first.track is None and second.track is not None
    assert first.score >= second.score
