"""Rules that must hold for every survivor (Hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import (
    COMPONENTS,
    Profile,
    Weights,
    prepare_market,
    recommend_prepared,
    track_scores_prepared,
)
from matcher.results import RecommendationItem
from matcher.safeguards import survivor_context
from matcher.scoring import best_of, components, fused_score, score, top_k
from tests.matcher.builders import (
    COSTS_2008,
    TODAY,
    catalog,
    job,
    market,
    shop,
    track,
    vacancy,
)
from training_catalog.types import LITERACY_LEVELS, SKILL_FAMILIES

CATALOG = catalog(
    [
        track("sewing-svr", "SVR", "textile", ["8153", "7531"], seats=30),
        track(
            "electronics-pnh", "PNH", "electronics", ["7421", "7422"], seats=12, seats_available=2
        ),
        track("beauty-pnh", "PNH", "beauty", ["5142"], seats=8, seats_available=0),
        track("hair-srp", "SRP", "hair", ["5141"], min_age=16),
        track("construction-bvt", "BVT", "construction", ["7112", "9313"], min_age=15),
        track("bar-shv", "SHV", "hospitality", ["5132", "5131"], min_age=18),
        track("data-entry-pnh", "PNH", "digital", ["4132", "4222"], min_literacy="functional"),
        track("reception-srp", "SRP", "language", ["4224"], min_literacy="basic"),
        track("literacy-svr", "SVR", "language", ["5223"], min_age=12),
        track("embroidery-svr", "SVR", "textile", ["7533", "7318"], min_age=12),
        track("karaoke-poi", "POI", "hospitality", ["5169"], min_age=15),
    ]
)
TOWNS = ("SVR", "BVT", "PNH", "SRP", "SHV", "POI", "BTB")
JOBS = [
    job(t, o, lo, lo + 40, openings=n)
    for t in TOWNS
    for o, lo, n in (
        ("8153", 45, 40),
        ("5131", 80, 10),
        ("9313", 150, 30),
        ("7421", 120, 5),
        ("4132", 200, 3),
        ("5169", 150, 8),
        ("4222", 300, 20),
        ("5223", 90, 5),
    )
] + [
    shop("SVR", "7531", 65, 75, "home", startup_cost_usd=150),
    shop("SRP", "7531", 150, 190, "tourist", startup_cost_usd=300),
    shop("PNH", "5141", 120, 160, "market", startup_cost_usd=100),
    shop("SVR", "7533", 40, 60, "home"),
    shop("BTB", "7318", 80, 120, "tourist", startup_cost_usd=2000),
]
VACANCIES = [
    vacancy(1, "8153", "SVR", 45, positions_left=20),
    vacancy(2, "8153", "BVT", 190, night_shift=True),
    vacancy(3, "5131", "SRP", 150, provides_food=True, provides_room=True, min_age=18),
    vacancy(4, "9313", "PNH", 260),
    vacancy(5, "7421", "PNH", 220, hires_from_track="electronics-pnh"),
    vacancy(6, "5142", "PNH", 200, employer_status="pending"),
    vacancy(7, "4222", "SHV", 600, employer_status="suspended"),
    vacancy(8, "5131", "SVR", 100, is_open=False),
    vacancy(9, "5223", "SVR", 95, positions_left=0),
    vacancy(10, "5223", "BTB", 130, provides_room=True),
]
MARKET = market(JOBS, COSTS_2008)
PREPARED = prepare_market(MARKET, CATALOG, VACANCIES)
TRACKS = {t.code: t for t in CATALOG.tracks}
OCCUPATIONS = CATALOG.occupations
TOWN = CATALOG.towns
VAC = {v.id: v for v in VACANCIES}
CODES = sorted(TRACKS) + sorted(
    {o for t in CATALOG.tracks for o in t.occupations} | {"8153", "5131"}
)

profiles = st.builds(
    Profile,
    survivor_id=st.integers(1, 10_000),
    birth_year=st.integers(1990, 2015),
    home_province=st.sampled_from(["KH-20", "KH-12", "KH-17", "KH-1", "KH-3"]),
    literacy=st.sampled_from(LITERACY_LEVELS),
    aptitudes=st.dictionaries(st.sampled_from(SKILL_FAMILIES), st.integers(0, 5)),
    preferences=st.lists(st.sampled_from(CODES), unique=True, max_size=4).map(tuple),
    relocation=st.sampled_from(["home_only", "named", "anywhere"]),
    willing_towns=st.lists(st.sampled_from(TOWNS), unique=True, max_size=3).map(tuple),
    avoid_towns=st.lists(st.sampled_from(TOWNS), unique=True, max_size=2).map(tuple),
    needs_accommodation=st.booleans(),
    self_employment_interest=st.booleans(),
    completed_tracks=st.lists(st.sampled_from(sorted(TRACKS)), unique=True, max_size=2).map(tuple),
    gender=st.sampled_from([None, "female", "male", "other"]),
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _allowed_towns(p: Profile) -> set[str] | None:
    if p.relocation == "anywhere":
        return None
    home = {c for c, t in TOWN.items() if t.province == p.home_province}
    return home | set(p.willing_towns) if p.relocation == "named" else home


def _breaks_a_rule(p: Profile, item: RecommendationItem, today: date) -> str | None:
    """An independent reading of the hard rules, from the item's own fields."""
    age = today.year - p.birth_year - 1
    occ = OCCUPATIONS[item.occupation.code]
    allowed = _allowed_towns(p)
    towns = {item.town.code} | ({item.track.town} if item.track else set())
    if towns & set(p.avoid_towns):
        return "avoid town"
    if allowed is not None and not towns <= allowed:
        return "relocation"
    vac = VAC.get(item.vacancy_id) if item.vacancy_id is not None else None
    if age < 18 and (occ.hazardous or occ.night_work or occ.exploitation_risk):
        return "minor"
    if age < 18 and vac is not None and vac.night_shift:
        return "minor night shift"
    if age < 18 and any(TOWN[t].casino_town for t in towns):
        return "minor in a casino town"
    if age < 15 and not occ.light_work:
        return "under 15"
    if item.track is not None:
        t = TRACKS[item.track.code]
        if t.min_age > age or LITERACY_LEVELS.index(t.min_literacy) > LITERACY_LEVELS.index(
            p.literacy
        ):
            return "track prerequisite"
        if t.seats_available <= 0:
            return "no seat"
        if t.code in p.completed_tracks:
            return "completed"
    elif not occ.on_the_job and not any(
        item.occupation.code in TRACKS[c].occupations for c in p.completed_tracks
    ):
        return "needs training"
    # An employer's minimum age holds on the day work starts: after a track, if any.
    work_age = age
    if item.track is not None and TRACKS[item.track.code].next_start is not None:
        t = TRACKS[item.track.code]
        start = t.next_start
        end_year = start.year + (start.month - 1 + t.duration_months) // 12
        work_age = max(age, end_year - p.birth_year - 1)
    if vac is not None and (
        vac.employer_status != "vetted"
        or not vac.is_open
        or vac.positions_left <= 0
        or vac.min_age > work_age
    ):
        return "vacancy"
    return None


@FAST
@given(profiles)
def test_no_excluded_pathway_is_ever_returned(p: Profile) -> None:
    rec = recommend_prepared(p, PREPARED, today=TODAY, limit=500)
    assert len(rec.items) == rec.allowed or len(rec.items) == 500
    for item in rec.items:
        assert _breaks_a_rule(p, item, TODAY) is None, item


@FAST
@given(profiles)
def test_scores_and_components_stay_in_unit_interval(p: Profile) -> None:
    rec = recommend_prepared(p, PREPARED, today=TODAY, limit=50, include_excluded=True)
    for item in rec.items:
        assert 0.0 <= item.score <= 1.0
        assert set(item.components) == set(COMPONENTS)
        assert all(0.0 <= v <= 1.0 for v in item.components.values())
    assert [i.score for i in rec.items] == sorted((i.score for i in rec.items), reverse=True)
    assert all(0.0 <= e.score <= 1.0 for e in rec.excluded)


@FAST
@given(profiles, st.sampled_from([None, "female", "male", "other"]))
def test_changing_gender_never_changes_a_recommendation(p: Profile, gender: str | None) -> None:
    before = recommend_prepared(p, PREPARED, today=TODAY, limit=20, include_excluded=True)
    after = recommend_prepared(
        replace(p, gender=gender), PREPARED, today=TODAY, limit=20, include_excluded=True
    )
    assert before == after
    assert track_scores_prepared(p, PREPARED, today=TODAY) == track_scores_prepared(
        replace(p, gender=gender), PREPARED, today=TODAY
    )


WHOLE = replace(PREPARED, untrained=None)  # every row, whoever the survivor is


def test_the_untrained_head_leaves_out_only_rows_that_need_training() -> None:
    head = PREPARED.untrained
    assert head is not None and 0 < head.n_candidates < PREPARED.n_candidates
    tail = slice(head.n_candidates, None)
    assert (PREPARED.candidates.track[tail] < 0).all()
    assert not PREPARED.catalog.occ_on_the_job[PREPARED.candidates.occ[tail]].any()


@FAST
@given(profiles)
def test_scoring_the_untrained_head_gives_what_every_row_gives(p: Profile) -> None:
    # A survivor with no completed track is scored on the head only: the answer must
    # be the one the whole market gives, excluded pathways and track scores included.
    for limit in (10, 100_000):
        assert recommend_prepared(
            p, PREPARED, today=TODAY, limit=limit, include_excluded=True
        ) == recommend_prepared(p, WHOLE, today=TODAY, limit=limit, include_excluded=True)
    assert track_scores_prepared(p, PREPARED, today=TODAY) == track_scores_prepared(
        p, WHOLE, today=TODAY
    )


@FAST
@given(profiles)
def test_track_scores_equal_the_best_recommended_score_per_track(p: Profile) -> None:
    rec = recommend_prepared(p, PREPARED, today=TODAY, limit=100_000)
    best: dict[str, float] = {}
    for item in rec.items:
        if item.track is not None:
            best[item.track.code] = max(best.get(item.track.code, 0.0), item.score)
    ts = track_scores_prepared(p, PREPARED, today=TODAY)
    assert ts.scores == best
    assert set(ts.scores) | set(ts.excluded) == set(TRACKS)
    assert not set(ts.scores) & set(ts.excluded)
    assert all(reason for reason in ts.excluded.values())


weight_maps = st.fixed_dictionaries(
    {name: st.sampled_from([0.0, 0.05, 0.25, 1.0]) for name in COMPONENTS}
).filter(lambda m: sum(m.values()) > 0)


@FAST
@given(profiles, weight_maps)
def test_fused_score_equals_the_weighted_mean_of_the_shown_components(
    p: Profile, weight_map: dict[str, float]
) -> None:
    ctx = survivor_context(p, PREPARED, TODAY)
    weights = Weights.from_mapping(weight_map)
    full = score(components(p, PREPARED, ctx), PREPARED, weights)
    fused = fused_score(p, PREPARED, ctx, weights)
    assert np.allclose(full, fused, rtol=0.0, atol=1e-12)


@given(
    st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.5, 0.75, 1.0]), min_size=1, max_size=40),
    st.data(),
)
def test_the_best_of_a_pool_is_top_k_over_a_mask_of_it(
    values: list[float], data: st.DataObject
) -> None:
    # The engine picks the shown items among the retention pool with best_of; it must
    # order them exactly as top_k does (ties to own businesses, then the lower index).
    scores = np.array(values)
    n = scores.size
    rows = np.array(data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1)), np.int64)
    prefer = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    k = data.draw(st.integers(0, n + 2))
    mask = np.zeros(n, bool)
    mask[rows] = True
    assert best_of(scores, rows, k, prefer).tolist() == top_k(scores, mask, k, prefer).tolist()
