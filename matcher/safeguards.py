"""Hard rules: vectorised masks that remove a pathway, each with a reason.

:func:`first_rule` returns, for every candidate, the code of the first rule it breaks
(``NO_RULE`` when allowed, ``NOT_A_CANDIDATE`` when the row is not a pathway for this
survivor at all, e.g. a no-track row for an occupation that needs training). The rules
are ordered: a town to avoid always wins, then relocation, then the protections of
minors, then prerequisites, then the static rules of seats and vacancies.
:func:`reason` turns one code into a sentence a counsellor can read aloud.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from matcher.pathways import (
    NO_RULE,
    RULE_EMPLOYER_PENDING,
    RULE_EMPLOYER_REJECTED,
    RULE_EMPLOYER_SUSPENDED,
    RULE_NO_SEATS,
    RULE_VACANCY_CLOSED,
    RULE_VACANCY_FULL,
    BoolArray,
    Int8Array,
    PreparedMarket,
)
from matcher.types import Profile
from training_catalog.types import LITERACY_LEVELS

NOT_A_CANDIDATE = 0
RULE_AVOID_WORK_TOWN = 1
RULE_AVOID_TRAINING_TOWN = 2
RULE_RELOCATION_TRAINING = 3
RULE_RELOCATION_WORK = 4
RULE_COMPLETED = 5
RULE_UNDER_12 = 6
RULE_MINOR_HAZARDOUS = 7
RULE_MINOR_NIGHT = 8
RULE_MINOR_EXPLOITATION = 9
RULE_UNDER_15_LIGHT = 10
RULE_TRACK_MIN_AGE = 11
RULE_TRACK_LITERACY = 12
RULE_VACANCY_MIN_AGE = 13

#: Short names of the rules, for logs and tests (never shown to survivors).
RULE_NAMES: dict[int, str] = {
    RULE_AVOID_WORK_TOWN: "avoid_work_town",
    RULE_AVOID_TRAINING_TOWN: "avoid_training_town",
    RULE_RELOCATION_TRAINING: "relocation_training_town",
    RULE_RELOCATION_WORK: "relocation_work_town",
    RULE_COMPLETED: "track_completed",
    RULE_UNDER_12: "under_12",
    RULE_MINOR_HAZARDOUS: "minor_hazardous",
    RULE_MINOR_NIGHT: "minor_night_work",
    RULE_MINOR_EXPLOITATION: "minor_exploitation_risk",
    RULE_UNDER_15_LIGHT: "under_15_light_work_only",
    RULE_TRACK_MIN_AGE: "track_min_age",
    RULE_TRACK_LITERACY: "track_min_literacy",
    RULE_VACANCY_MIN_AGE: "vacancy_min_age",
    RULE_NO_SEATS: "track_no_seats",
    RULE_EMPLOYER_PENDING: "employer_not_vetted",
    RULE_EMPLOYER_REJECTED: "employer_rejected",
    RULE_EMPLOYER_SUSPENDED: "employer_suspended",
    RULE_VACANCY_CLOSED: "vacancy_closed",
    RULE_VACANCY_FULL: "vacancy_full",
}

ADULT_AGE = 18
LIGHT_WORK_AGE = 15
MIN_WORK_AGE = 12


def lowest_age(birth_year: int, today: date) -> int:
    """The lowest age a birth year allows on ``today`` (birthday not yet reached)."""
    return today.year - birth_year - 1


@dataclass(frozen=True, slots=True)
class SurvivorContext:
    """What the rules derive from a profile once: age, allowed towns, eligible rows."""

    age: int
    minor: bool
    literacy: int
    allowed_town: BoolArray  # per town + sentinel (True)
    avoid_town: BoolArray  # per town + sentinel (False)
    willing_town: BoolArray  # per town + sentinel (False)
    home_town: BoolArray  # per town + sentinel (True)
    completed_track: BoolArray  # per track + sentinel (False)
    trained_occupation: BoolArray  # per occupation: a completed track leads to it


def survivor_context(profile: Profile, prepared: PreparedMarket, today: date) -> SurvivorContext:
    """Derive the per-town and per-track facts the rules need from one profile."""
    n_towns = len(prepared.towns)
    home = np.append(prepared.town_province == profile.home_province, True)
    willing = np.zeros(n_towns + 1, np.bool_)
    avoid = np.zeros(n_towns + 1, np.bool_)
    for code in profile.willing_towns:
        i = prepared.town_index.get(code)
        if i is not None:
            willing[i] = True
    for code in profile.avoid_towns:
        i = prepared.town_index.get(code)
        if i is not None:
            avoid[i] = True
    if profile.relocation == "anywhere":
        allowed = np.ones(n_towns + 1, np.bool_)
    elif profile.relocation == "named":
        allowed = home | willing
    else:
        # home_only, and any unknown value: the safest reading.
        allowed = home.copy()
    allowed[-1] = True
    completed = np.zeros(len(prepared.tracks) + 1, np.bool_)
    trained = np.zeros(len(prepared.occupations), np.bool_)
    for code in profile.completed_tracks:
        ti = prepared.track_index.get(code)
        if ti is not None:
            completed[ti] = True
            trained[list(prepared.track_occupations[ti])] = True
    age = lowest_age(profile.birth_year, today)
    literacy = LITERACY_LEVELS.index(profile.literacy) if profile.literacy in LITERACY_LEVELS else 0
    return SurvivorContext(
        age=age,
        minor=age < ADULT_AGE,
        literacy=literacy,
        allowed_town=allowed,
        avoid_town=avoid,
        willing_town=willing,
        home_town=home,
        completed_track=completed,
        trained_occupation=trained,
    )


def first_rule(prepared: PreparedMarket, ctx: SurvivorContext) -> Int8Array:
    """Code of the first hard rule each candidate breaks (``NO_RULE`` = allowed).

    Parameters
    ----------
    prepared : PreparedMarket
    ctx : SurvivorContext
        From :func:`survivor_context`.

    Returns
    -------
    numpy.ndarray of int8, one per candidate.
    """
    p = prepared
    rule = p.cand_static_rule.copy()
    has_track = p.cand_track >= 0
    checks: list[tuple[int, BoolArray]] = [
        (NOT_A_CANDIDATE, ~has_track & ~(p.occ_on_the_job | ctx.trained_occupation)[p.cand_occ]),
        (RULE_AVOID_WORK_TOWN, ctx.avoid_town[p.cand_town]),
        (RULE_AVOID_TRAINING_TOWN, ctx.avoid_town[p.cand_train_town]),
        (RULE_RELOCATION_TRAINING, ~ctx.allowed_town[p.cand_train_town]),
        (RULE_RELOCATION_WORK, ~ctx.allowed_town[p.cand_town]),
        (RULE_COMPLETED, ctx.completed_track[p.cand_track]),
    ]
    if ctx.age < MIN_WORK_AGE:
        checks.append((RULE_UNDER_12, np.ones(p.n_candidates, np.bool_)))
    if ctx.minor:
        checks += [
            (RULE_MINOR_HAZARDOUS, p.cand_hazardous),
            (RULE_MINOR_NIGHT, p.cand_night),
            (RULE_MINOR_EXPLOITATION, p.cand_exploitation),
        ]
    if ctx.age < LIGHT_WORK_AGE:
        checks.append((RULE_UNDER_15_LIGHT, ~p.cand_light))
    track_age = p.track_min_age > ctx.age
    track_age[-1] = False
    track_lit = p.track_min_literacy > ctx.literacy
    track_lit[-1] = False
    checks += [
        (RULE_TRACK_MIN_AGE, track_age[p.cand_track]),
        (RULE_TRACK_LITERACY, track_lit[p.cand_track]),
        (RULE_VACANCY_MIN_AGE, p.cand_vacancy_min_age > ctx.age),
    ]
    # Apply the least important first so that the most important reason wins.
    for code, fails in reversed(checks):
        np.putmask(rule, fails, np.int8(code))
    return rule


def allowed(rule: Int8Array) -> BoolArray:
    """Mask of the candidates no rule removes."""
    return np.asarray(rule == NO_RULE, dtype=np.bool_)


__all__ = [
    "NOT_A_CANDIDATE",
    "NO_RULE",
    "RULE_NAMES",
    "SurvivorContext",
    "allowed",
    "first_rule",
    "lowest_age",
    "survivor_context",
]
