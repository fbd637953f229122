"""Hard rules: vectorised masks that remove a pathway, each with a reason.

:func:`first_rule` returns, for every candidate, the code of the first rule it breaks
(``NO_RULE`` when allowed, ``NOT_A_CANDIDATE`` when the row is not a pathway for this
survivor at all, e.g. a no-track row for an occupation that needs training). Codes are
ordered by priority (``matcher.rules``): a town to avoid always wins, then relocation,
then the protections of minors, then prerequisites, then seats and vacancies.
``matcher.explain.excluded_reason`` turns a code into a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from matcher import rules as R
from matcher.prepared import BoolArray, Int8Array, PreparedMarket
from matcher.rules import NO_RULE, NOT_A_CANDIDATE
from matcher.types import AvoidList, Profile, Vacancy
from training_catalog.types import LITERACY_LEVELS

ADULT_AGE = 18
LIGHT_WORK_AGE = 15
MIN_WORK_AGE = 12


def lowest_age(birth_year: int, today: date) -> int:
    """The lowest age a birth year allows on ``today`` (birthday not yet reached)."""
    return today.year - birth_year - 1


def work_year(next_start: date | None, duration_months: int) -> int:
    """The year a graduate of a track's next intake starts work (0: no intake scheduled)."""
    if next_start is None:
        return 0
    return next_start.year + (next_start.month - 1 + duration_months) // 12


def work_age(birth_year: int, age: int, year: int) -> int:
    """The lowest age when work starts: ``age`` (today's), or that in the work ``year``
    if later (``year`` 0: work can start now). The engine's rule for a vacancy's minimum
    age; ``first_rule`` applies it to many rows at once."""
    return max(age, year - birth_year - 1) if year > 0 else age


@dataclass(frozen=True, slots=True)
class SurvivorContext:
    """What the rules derive from a profile once: age, allowed towns, eligible rows."""

    age: int
    birth_year: int
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
    cat = prepared.catalog
    n_towns = len(cat.towns)
    home = np.append(cat.town_province == profile.home_province, True)
    willing = np.zeros(n_towns + 1, np.bool_)
    avoid = np.zeros(n_towns + 1, np.bool_)
    for code in profile.willing_towns:
        i = cat.town_index.get(code)
        if i is not None:
            willing[i] = True
    for code in profile.avoid_towns:
        i = cat.town_index.get(code)
        if i is not None:
            avoid[i] = True
    if profile.relocation == "anywhere":
        allowed_town = np.ones(n_towns + 1, np.bool_)
    elif profile.relocation == "named":
        allowed_town = home | willing
    else:
        # home_only, and any unknown value: the safest reading.
        allowed_town = home.copy()
    allowed_town[-1] = True
    completed = np.zeros(len(cat.tracks) + 1, np.bool_)
    trained = np.zeros(len(cat.occupations), np.bool_)
    for code in profile.completed_tracks:
        ti = cat.track_index.get(code)
        if ti is not None:
            completed[ti] = True
            trained[list(cat.track_occupations[ti])] = True
    age = lowest_age(profile.birth_year, today)
    literacy = LITERACY_LEVELS.index(profile.literacy) if profile.literacy in LITERACY_LEVELS else 0
    return SurvivorContext(
        age=age,
        birth_year=profile.birth_year,
        minor=age < ADULT_AGE,
        literacy=literacy,
        allowed_town=allowed_town,
        avoid_town=avoid,
        willing_town=willing,
        home_town=home,
        completed_track=completed,
        trained_occupation=trained,
    )


def first_rule(prepared: PreparedMarket, ctx: SurvivorContext) -> Int8Array:
    """Code of the first hard rule each candidate breaks (``NO_RULE`` = allowed).

    Every rule is a code array (the rule's code where it applies, ``NO_RULE``
    elsewhere), gathered from a small per-town, per-track or per-occupation array or
    precomputed per candidate; the first rule broken is their element-wise minimum,
    because codes are ordered by priority (see ``matcher.rules``). Rules that cannot
    apply to this survivor (no town to avoid, an adult...) are skipped.

    Parameters
    ----------
    prepared : PreparedMarket
    ctx : SurvivorContext
        From :func:`survivor_context`.

    Returns
    -------
    numpy.ndarray of int8, one code per candidate.
    """
    p = prepared
    none = np.int8(NO_RULE)
    rule = p.rules.static.copy()

    # No-track rows are pathways only for occupations learned on the job or trained for.
    eligible = np.append(p.catalog.occ_on_the_job | ctx.trained_occupation, True)
    if not eligible.all():
        occ_code = np.where(eligible, none, np.int8(NOT_A_CANDIDATE)).astype(np.int8)
        np.minimum(rule, occ_code[p.candidates.notrack_occ], out=rule)

    # Towns: avoid_towns always wins; relocation bounds training and work towns alike.
    work = np.where(
        ctx.avoid_town,
        np.int8(R.AVOID_WORK_TOWN),
        np.where(ctx.allowed_town, none, np.int8(R.RELOCATION_WORK)),
    ).astype(np.int8)
    if (work != none).any():
        np.minimum(rule, work[p.candidates.town], out=rule)
    train = np.where(
        ctx.avoid_town,
        np.int8(R.AVOID_TRAINING_TOWN),
        np.where(ctx.allowed_town, none, np.int8(R.RELOCATION_TRAINING)),
    ).astype(np.int8)
    if (train != none).any():
        np.minimum(rule, train[p.candidates.train_town], out=rule)

    # Tracks: already completed, age and literacy prerequisites.
    track = np.full(len(p.catalog.tracks) + 1, none, np.int8)
    track[p.catalog.track_min_literacy > ctx.literacy] = R.TRACK_LITERACY
    track[p.catalog.track_min_age > ctx.age] = R.TRACK_MIN_AGE
    track[ctx.completed_track] = R.COMPLETED
    track[-1] = none
    if (track != none).any():
        np.minimum(rule, track[p.candidates.track], out=rule)

    # Minors: no hazardous, night or exploitation-risk work; light work only under 15.
    if ctx.age < MIN_WORK_AGE:
        np.minimum(rule, np.int8(R.UNDER_12), out=rule)
    if ctx.minor:
        np.minimum(rule, p.rules.minor, out=rule)
    if ctx.age < LIGHT_WORK_AGE:
        np.minimum(rule, p.rules.light, out=rule)

    # The employer's own minimum age, on the day work starts: after the training for a
    # graduate (a garage that hires a track's graduates from 16 takes a 15-year-old who
    # finishes at 16). The safeguards for minors above stay on today's age.
    young = np.flatnonzero(p.rules.vacancy_min_age > ctx.age)  # few rows, if any
    if young.size:
        year = p.catalog.track_work_year[p.candidates.track[young]].astype(np.int64)
        work_age = np.where(year > 0, np.maximum(year - ctx.birth_year - 1, ctx.age), ctx.age)
        too_young = young[p.rules.vacancy_min_age[young] > work_age]
        rule[too_young] = np.minimum(rule[too_young], np.int8(R.VACANCY_MIN_AGE))
    return rule


#: A vacancy paying more than this many times the season's median pay for its
#: occupation, where the occupation is learned on the job, is held as a possible lure
#: (the deployment's ``LURE_PAY_FACTOR``; matcher/README.md says where it comes from).
LURE_PAY_FACTOR = 2.0


def lure_signs(
    vacancy: Vacancy,
    *,
    on_the_job: bool,
    market_pay_usd_month: float | None,
    avoid: AvoidList,
    pay_factor: float = LURE_PAY_FACTOR,
) -> tuple[str, ...]:
    """Why a vacancy looks like a trafficker's lure (empty when it does not).

    Parameters
    ----------
    vacancy : Vacancy
        The vacancy as posted, pay in US$ a month.
    on_the_job : bool
        Whether its occupation is learned on the job (no training needed).
    market_pay_usd_month : float or None
        The season's median pay for the occupation (None: the season has no row for it).
    avoid : AvoidList
        The admin's list of towns and employers no one is sent to.
    pay_factor : float
        How many times the market's pay counts as far above it.

    Returns
    -------
    tuple of str
        One sentence per sign, for the admin who reviews the vacancy.
    """
    signs = []
    if (
        on_the_job
        and market_pay_usd_month is not None
        and market_pay_usd_month > 0
        and vacancy.pay_usd_month > pay_factor * market_pay_usd_month
    ):
        signs.append(
            f"pays US${vacancy.pay_usd_month:.0f} a month, more than {pay_factor:g} times the "
            f"season's US${market_pay_usd_month:.0f} for work learned on the job"
        )
    if vacancy.provides_room and vacancy.town in avoid.towns:
        signs.append(
            f"asks the worker to live on site in {vacancy.town}, a listed town: "
            f"{avoid.towns[vacancy.town]}"
        )
    return tuple(signs)
