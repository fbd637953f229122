"""The study's situations, as a counsellor would check them."""

from __future__ import annotations

from market_survey.types import MarketSnapshot
from matcher import Weights, recommend, track_scores
from matcher.types import Vacancy
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
from training_catalog.types import Catalog


def _sewing_and_electronics(electronics_seats: int) -> tuple[MarketSnapshot, Catalog]:
    cat = catalog(
        [
            track("sewing-svr", "SVR", "textile", ["8153", "7531"], seats=30),
            track(
                "electronics-repair-svr",
                "SVR",
                "electronics",
                ["7421", "7422"],
                seats=12,
                seats_available=electronics_seats,
            ),
        ]
    )
    mkt = market(
        [
            job("SVR", "8153", 95, 110, openings=40),
            job("SVR", "7531", 90, 120, openings=10),
            job("SVR", "7421", 95, 130, openings=5),
            job("SVR", "7422", 100, 140, openings=5),
        ],
        COSTS_2008,
    )
    return mkt, cat


def test_man_who_wants_electronics_is_not_sent_to_sewing() -> None:
    mkt, cat = _sewing_and_electronics(electronics_seats=4)
    man = profile(
        gender="male",
        aptitudes={"electronics": 5, "textile": 1},
        preferences=("electronics-repair-svr",),
    )
    rec = recommend(man, mkt, cat, [], today=TODAY)

    tracked = [i for i in rec.items if i.track is not None]
    assert tracked[0].track is not None
    assert tracked[0].track.code == "electronics-repair-svr"
    assert rec.items[0].track is not None and rec.items[0].track.code == "electronics-repair-svr"
    assert "First choice of the survivor" in rec.items[0].reasons
    assert "4 of 12 seats left, next intake 2027-01-15" in rec.items[0].reasons
    # Every electronics pathway ranks above every sewing-track pathway.
    ranks = {i.track.code: i.rank for i in reversed(tracked) if i.track}
    assert ranks["electronics-repair-svr"] < ranks.get("sewing-svr", len(rec.items) + 1)
    scores = track_scores(man, mkt, cat, [], today=TODAY)
    assert scores.scores["electronics-repair-svr"] > scores.scores["sewing-svr"]


def test_full_electronics_class_is_explained_not_replaced_silently() -> None:
    mkt, cat = _sewing_and_electronics(electronics_seats=0)
    man = profile(
        aptitudes={"electronics": 5, "textile": 1}, preferences=("electronics-repair-svr",)
    )
    rec = recommend(man, mkt, cat, [], today=TODAY, include_excluded=True)

    assert all(i.track is None or i.track.code != "electronics-repair-svr" for i in rec.items)
    blocked = [e for e in rec.excluded if e.track and e.track.code == "electronics-repair-svr"]
    assert blocked and blocked[0].rule == "track_no_seats"
    assert "No seats left" in blocked[0].reason
    assert rec.excluded[0] == blocked[0]  # his first wish is the best excluded option
    scores = track_scores(man, mkt, cat, [], today=TODAY)
    assert "electronics-repair-svr" not in scores.scores
    assert scores.excluded["electronics-repair-svr"].startswith("No seats left")


def _garment_2008() -> tuple[MarketSnapshot, Catalog, list[Vacancy]]:
    cat = catalog()
    mkt = market([job("SVR", "5131", 100, 110, openings=10)], COSTS_2008)
    vacancies = [
        vacancy(1, "8153", "SVR", 45, employer_name="Garment factory", positions_left=20),
        vacancy(2, "5131", "SVR", 100, employer_name="Riverside restaurant"),
    ]
    return mkt, cat, vacancies


def test_2008_garment_job_is_flagged_below_living_wage_in_dollars() -> None:
    mkt, cat, vacancies = _garment_2008()
    rec = recommend(profile(), mkt, cat, vacancies, today=TODAY)

    garment = next(i for i in rec.items if i.vacancy_id == 1)
    assert garment.gross_income_usd_month == 45.0
    assert garment.living_wage_usd_month == 88.75
    assert garment.living_costs_usd_month == 88.75
    assert garment.net_income_usd_month == -43.75
    assert garment.meets_living_wage is False
    assert "Pays $45 a month, $44 below the living wage in Svay Rieng ($89)" in garment.reasons
    assert "Below the living wage in Svay Rieng" in garment.warnings


def test_2008_garment_job_ranks_below_livable_job_even_as_first_wish() -> None:
    mkt, cat, vacancies = _garment_2008()
    # She wants garment work first and waiting second: the garment job fits her better
    # on everything but money, and still must not rank above the livable job.
    survivor = profile(preferences=("8153", "5131"), aptitudes={"textile": 4, "hospitality": 3})
    rec = recommend(survivor, mkt, cat, vacancies, today=TODAY)

    rank = {i.vacancy_id: i.rank for i in rec.items if i.vacancy_id}
    assert rank[2] < rank[1]
    waiter = next(i for i in rec.items if i.vacancy_id == 2)
    assert waiter.meets_living_wage
    assert waiter.reasons[0] == (
        "Pays $100 a month; food, a room and other needs in Svay Rieng cost $89"
    )


def test_employer_who_provides_food_and_room_lowers_living_costs() -> None:
    cat = catalog()
    mkt = market([], COSTS_2008)
    ngo_shop = vacancy(5, "5223", "SVR", 35, provides_food=True, provides_room=True)
    rec = recommend(profile(), mkt, cat, [ngo_shop], today=TODAY)

    item = rec.items[0]
    assert item.living_costs_usd_month == 38.75
    assert item.net_income_usd_month == -3.75
    assert item.meets_living_wage is False
    assert any("$54 below the living wage" in r for r in item.reasons)


def _tailor_market() -> tuple[MarketSnapshot, Catalog]:
    cat = catalog([track("tailoring-svr", "SVR", "textile", ["7531"])])
    mkt = market(
        [
            shop("SVR", "7531", 65, 75, "home", openings=3, startup_cost_usd=150),
            shop("SRP", "7531", 150, 190, "tourist", openings=8, startup_cost_usd=300),
            shop("BTB", "7531", 70, 80, "home", openings=2, startup_cost_usd=150),
        ],
        COSTS_2008,
    )
    return mkt, cat


def test_tailor_willing_to_move_sees_tourist_town_shop_before_village_shop() -> None:
    mkt, cat = _tailor_market()
    tailor = profile(
        completed_tracks=("tailoring-svr",),
        aptitudes={"textile": 4},
        relocation="named",
        willing_towns=("SRP",),
        self_employment_interest=True,
    )
    rec = recommend(tailor, mkt, cat, [], today=TODAY)

    towns = [i.town.code for i in rec.items]
    assert towns.index("SRP") < towns.index("SVR")
    assert "BTB" not in towns  # not a town she named
    tourist = rec.items[towns.index("SRP")]
    assert tourist.pathway == "self_employment"
    assert tourist.track is None  # already trained
    assert tourist.venue == "tourist"
    assert tourist.startup is not None
    assert tourist.startup.ngo_support_usd == 125.0
    assert tourist.startup.loan_usd == 175.0
    assert tourist.startup.loan_months is not None and tourist.startup.loan_months > 0
    assert any(r.startswith("Start-up about $300; the NGO can give $125") for r in tourist.reasons)
    assert any("Siem Reap cost $120" in r for r in tourist.reasons)


def test_tailor_who_will_not_move_sees_only_home() -> None:
    mkt, cat = _tailor_market()
    tailor = profile(completed_tracks=("tailoring-svr",), aptitudes={"textile": 4})
    rec = recommend(tailor, mkt, cat, [], today=TODAY, include_excluded=True)

    assert rec.items
    assert {i.town.code for i in rec.items} <= {"SVR", "BVT"}
    away = [e for e in rec.excluded if e.town.code == "SRP"]
    assert away and away[0].reason == "Work in Siem Reap: outside the survivor's home province"


def test_training_town_is_bounded_by_relocation_too() -> None:
    cat = catalog([track("electronics-pnh", "PNH", "electronics", ["7421"])])
    mkt = market([job("SVR", "7421", 120, 150)], COSTS_2008)
    stays = profile(aptitudes={"electronics": 5})
    rec = recommend(stays, mkt, cat, [], today=TODAY, include_excluded=True)
    assert rec.items == ()
    assert rec.excluded[0].reason == (
        "Training in Phnom Penh: outside the survivor's home province"
    )

    moves = profile(aptitudes={"electronics": 5}, relocation="named", willing_towns=("PNH",))
    rec = recommend(moves, mkt, cat, [], today=TODAY)
    assert [(i.track.code if i.track else None, i.town.code) for i in rec.items] == [
        ("electronics-pnh", "SVR")
    ]


def test_avoid_town_wins_over_willingness() -> None:
    cat = catalog()
    mkt = market([job("SVR", "5131", 100), job("BVT", "5131", 120)], COSTS_2008)
    survivor = profile(relocation="anywhere", avoid_towns=("BVT",))
    rec = recommend(survivor, mkt, cat, [], today=TODAY, include_excluded=True)
    assert [i.town.code for i in rec.items] == ["SVR"]
    assert rec.excluded[0].reason == "Bavet is a town the survivor must avoid"


def _youth_market() -> tuple[MarketSnapshot, Catalog, list[Vacancy]]:
    cat = catalog(
        [
            track("construction-svr", "SVR", "construction", ["7112"], min_age=15),
            track("bar-svr", "SVR", "hospitality", ["5132"], min_age=15),
        ]
    )
    mkt = market(
        [
            job("SVR", "9313", 200, 260, openings=50),
            job("SVR", "7112", 180, 240, openings=20),
            job("SVR", "5132", 150, 200, openings=10),
            job("SVR", "5223", 100, 120, openings=5),
        ],
        COSTS_2008,
    )
    vacancies = [
        vacancy(1, "9313", "SVR", 300, employer_name="Builder"),
        vacancy(2, "8153", "SVR", 150, employer_name="Night factory", night_shift=True),
        vacancy(3, "8153", "SVR", 120, employer_name="Day factory"),
    ]
    return mkt, cat, vacancies


def test_16_year_old_never_sees_construction_or_night_work() -> None:
    mkt, cat, vacancies = _youth_market()
    youth = profile(birth_year=birth_year_for_lowest_age(16), aptitudes={"construction": 5})
    rec = recommend(youth, mkt, cat, vacancies, today=TODAY, include_excluded=True)

    shown = {(i.occupation.code, i.vacancy_id) for i in rec.items}
    assert shown == {("8153", 3), ("5223", None)}
    rules = {(e.occupation.code, e.rule) for e in rec.excluded}
    assert rules == {
        ("9313", "minor_hazardous"),  # the vacancy and the market, one obstacle
        ("7112", "minor_hazardous"),
        ("5132", "minor_hazardous"),  # bars: hazardous and night work
        ("8153", "minor_night_work"),
    }
    assert [e.vacancy_id for e in rec.excluded if e.occupation.code == "8153"] == [2]
    assert all(
        "Under 18: a parent or guardian must consent" in " ".join(i.warnings) for i in rec.items
    )
    assert all("the survivor may be only 16" in e.reason for e in rec.excluded)


def test_adult_sees_the_same_construction_work() -> None:
    mkt, cat, vacancies = _youth_market()
    adult = profile(aptitudes={"construction": 5})
    rec = recommend(adult, mkt, cat, vacancies, today=TODAY)
    assert {"9313", "7112"} <= {i.occupation.code for i in rec.items}


def test_under_15_gets_only_light_work() -> None:
    cat = catalog()
    mkt = market([shop("SVR", "7533", 60, 90, "market"), job("SVR", "5223", 100, 120)], COSTS_2008)
    child = profile(
        birth_year=birth_year_for_lowest_age(14),
        completed_tracks=(),
        preferences=("5223",),
    )
    cat2 = catalog([track("embroidery-svr", "SVR", "textile", ["7533"], min_age=12)])
    rec = recommend(child, mkt, cat2, [], today=TODAY, include_excluded=True)
    assert {i.occupation.code for i in rec.items} == {"7533"}
    assert any(e.rule == "under_15_light_work_only" for e in rec.excluded)
    assert recommend(child, mkt, cat, [], today=TODAY).items == ()


def test_illiterate_survivor_gets_literacy_track_not_reading_tracks() -> None:
    cat = catalog(
        [
            track("data-entry-svr", "SVR", "digital", ["4132"], min_literacy="functional"),
            track("reception-svr", "SVR", "language", ["4224"], min_literacy="basic"),
            track("khmer-literacy-svr", "SVR", "language", ["5223", "5230"], min_literacy="none"),
        ]
    )
    mkt = market(
        [
            job("SVR", "4132", 200, 300),
            job("SVR", "4224", 200, 350),
            job("SVR", "5230", 150, 250),
        ],
        COSTS_2008,
    )
    survivor = profile(literacy="none", preferences=("data-entry-svr",))
    rec = recommend(survivor, mkt, cat, [], today=TODAY, include_excluded=True)

    codes = {i.track.code for i in rec.items if i.track}
    assert codes == {"khmer-literacy-svr"}
    blocked = {e.track.code: e for e in rec.excluded if e.track}
    assert blocked["data-entry-svr"].reason == (
        "Data entry svr needs functional literacy; the survivor's is none"
    )
    assert blocked["reception-svr"].rule == "track_min_literacy"
    scores = track_scores(survivor, mkt, cat, [], today=TODAY)
    assert set(scores.scores) == {"khmer-literacy-svr"}
    assert set(scores.excluded) == {"data-entry-svr", "reception-svr"}


def test_unvetted_closed_or_full_vacancies_are_never_offered() -> None:
    cat = catalog()
    mkt = market([], COSTS_2008)
    vacancies = [
        vacancy(1, "5131", "SVR", 120, employer_status="pending"),
        vacancy(2, "5131", "SVR", 120, employer_status="suspended"),
        vacancy(3, "5131", "SVR", 120, employer_status="rejected"),
        vacancy(4, "5131", "SVR", 120, is_open=False),
        vacancy(5, "5131", "SVR", 120, positions_left=0),
        vacancy(6, "5131", "SVR", 100),
    ]
    rec = recommend(profile(), mkt, cat, vacancies, today=TODAY, include_excluded=True)
    assert [i.vacancy_id for i in rec.items] == [6]
    assert {e.vacancy_id: e.rule for e in rec.excluded} == {
        1: "employer_not_vetted",
        2: "employer_suspended",
        3: "employer_rejected",
        4: "vacancy_closed",
        5: "vacancy_full",
    }


def test_employer_commitment_lifts_the_track_it_hires_from() -> None:
    cat = catalog(
        [
            track("cooking-svr", "SVR", "cooking", ["5120"]),
            # Not in Bavet as it once was: a casino town now ranks after every other
            # pathway (issue 11), whatever an employer commits to.
            track("cooking-hotel-svr", "SVR", "cooking", ["5120"]),
        ]
    )
    mkt = market([], COSTS_2008)
    vac = vacancy(
        9, "5120", "SVR", 150, employer_name="Hotel", hires_from_track="cooking-hotel-svr"
    )
    rec = recommend(profile(), mkt, cat, [vac], today=TODAY)
    assert rec.items[0].track is not None and rec.items[0].track.code == "cooking-hotel-svr"
    assert rec.items[0].components["commitment"] == 1.0
    assert "Hotel has committed to hire graduates of this track" in rec.items[0].reasons


def test_weights_change_the_order() -> None:
    mkt, cat = _sewing_and_electronics(electronics_seats=4)
    man = profile(
        aptitudes={"electronics": 1, "textile": 5}, preferences=("electronics-repair-svr",)
    )
    wish_first = recommend(
        man, mkt, cat, [], today=TODAY, weights=Weights.from_mapping({"aptitude": 0.0})
    )
    talent_first = recommend(
        man, mkt, cat, [], today=TODAY, weights=Weights.from_mapping({"preference": 0.0})
    )
    assert wish_first.items[0].occupation.code in {"7421", "7422"}
    assert talent_first.items[0].occupation.code in {"8153", "7531"}


def _bavet_electronics() -> tuple[MarketSnapshot, Catalog]:
    cat = catalog(
        [
            track("electronics-svr", "SVR", "electronics", ["7421"]),
            track("sewing-svr", "SVR", "textile", ["7531"]),
        ]
    )
    mkt = market(
        [
            job("BVT", "7421", 250, 300, openings=30),
            job("SVR", "7421", 95, 110, openings=3),
            job("SVR", "7531", 90, 100, openings=5),
        ],
        COSTS_2008,
    )
    return mkt, cat


def test_bavet_electronics_job_is_never_the_top_pick_for_an_adult_from_svay_rieng() -> None:
    mkt, cat = _bavet_electronics()
    adult = profile(aptitudes={"electronics": 4}, preferences=("7421",))
    rec = recommend(adult, mkt, cat, [], today=TODAY, limit=20)
    towns = [i.town.code for i in rec.items]
    assert towns[0] == "SVR"
    assert "BVT" in towns  # still listed, below every pathway outside a casino town
    first_bavet = towns.index("BVT")
    assert all(t != "BVT" for t in towns[:first_bavet])
    assert all(t == "BVT" for t in towns[first_bavet:])
    bavet = rec.items[first_bavet]
    assert bavet.reasons[0].startswith("Bavet is a casino town with reported scam compounds")
    assert bavet.warnings[0] == bavet.reasons[0]


def test_bavet_is_never_offered_to_a_minor() -> None:
    mkt, cat = _bavet_electronics()
    minor = profile(birth_year=birth_year_for_lowest_age(16), preferences=("7421",))
    rec = recommend(minor, mkt, cat, [], today=TODAY, limit=50, include_excluded=True)
    assert rec.items and all(i.town.code != "BVT" for i in rec.items)
    bavet = [e for e in rec.excluded if e.town.code == "BVT"]
    assert bavet and all(e.rule == "minor_casino_town" for e in bavet)
    assert "never offered under 18" in bavet[0].reason


def test_a_wish_they_are_good_at_beats_a_wish_alone_and_a_talent_alone() -> None:
    cat = catalog(
        [
            track("sewing-svr", "SVR", "textile", ["7531"]),
            track("electronics-svr", "SVR", "electronics", ["7421"]),
            track("hair-svr", "SVR", "hair", ["5141"]),
        ]
    )
    mkt = market(
        [job("SVR", o, 100, 120, openings=10) for o in ("7531", "7421", "5141")], COSTS_2008
    )
    # Sewing: a wish they are bad at; hair: a talent they did not ask for; electronics:
    # the second wish, and they are good at it.
    man = profile(
        aptitudes={"textile": 1, "electronics": 4, "hair": 5},
        preferences=("sewing-svr", "electronics-svr"),
    )
    ts = track_scores(man, mkt, cat, [], today=TODAY)
    assert ts.scores["electronics-svr"] > ts.scores["sewing-svr"]
    assert ts.scores["electronics-svr"] > ts.scores["hair-svr"]


def test_a_wished_job_makes_the_track_to_it_a_wish_whatever_job_it_ends_in() -> None:
    # She asked to be a waiter. The hospitality class trains waiters and hotel
    # receptionists; reception pays more. The class is her first wish either way, as
    # the cohort's figures and the status quo read it, and the reason says which job
    # she named.
    cat = catalog([track("hospitality-svr", "SVR", "hospitality", ["5131", "4224"])])
    mkt = market([job("SVR", "5131", 95, 110), job("SVR", "4224", 150, 170)], COSTS_2008)
    woman = profile(aptitudes={"hospitality": 4}, preferences=("5131",))
    rec = recommend(woman, mkt, cat, [], today=TODAY)

    by_job = {i.occupation.code: i for i in rec.items if i.track is not None}
    reception, waiting = by_job["4224"], by_job["5131"]
    assert reception.rank < waiting.rank
    assert "Trains for Waiter, the survivor's first choice" in reception.reasons
    assert "First choice of the survivor" in waiting.reasons
    for part in ("preference", "talent_wish"):
        assert reception.components[part] == waiting.components[part] > 0.0
