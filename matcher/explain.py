"""Sentences a counsellor can read aloud: why a pathway ranks where it does, and
what stands in the way of an excluded one.

Built per shown item only (ten or so), so plain Python is fine here.
"""

from __future__ import annotations

import math

from matcher import rules as R
from matcher.prepared import MARKET, OWN_BUSINESS, PreparedMarket
from matcher.results import StartUp
from matcher.safeguards import SurvivorContext, work_age
from matcher.types import Profile
from matcher.weights import VENUES, Settings
from training_catalog.types import LITERACY_LEVELS, SKILL_FAMILIES, Town

_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth")


def usd(amount: float) -> str:
    """Whole dollars, as a counsellor would say them: ``$1,250``."""
    return f"${round(amount):,}"


def choice(rank: int) -> str:
    """``First choice``, ``Second choice``, ... ``Choice 7`` (rank is 0-based)."""
    return f"{_ORDINALS[rank]} choice" if rank < len(_ORDINALS) else f"Choice {rank + 1}"


def startup(cost: float, net: float, settings: Settings) -> StartUp:
    """Start-up money for an own business: NGO support, loan and months to repay.

    The loan (cost less the NGO's support) is an annuity at ``loan_interest_month``,
    repaid from ``loan_repayment_share`` of the monthly net income.
    """
    support = settings.ngo_startup_support_usd
    if math.isnan(cost):
        return StartUp(None, support, 0.0, settings.loan_interest_month, 0)
    loan = max(cost - support, 0.0)
    months: int | None = 0
    if loan > 0:
        payment = settings.loan_repayment_share * max(net, 0.0)
        rate = settings.loan_interest_month
        if payment <= 0 or payment <= rate * loan:
            months = None
        elif rate == 0:
            months = math.ceil(loan / payment)
        else:
            months = math.ceil(-math.log(1.0 - rate * loan / payment) / math.log(1.0 + rate))
    return StartUp(round(cost, 2), support, round(loan, 2), settings.loan_interest_month, months)


def _costs_sentence(p: PreparedMarket, i: int) -> str:
    town = p.catalog.towns[int(p.candidates.town[i])]
    outlet = int(p.candidates.outlet[i])
    vac = p.outlets.vacancy[outlet]
    costs = float(p.money.living_costs[i])
    given = []
    if vac is not None and vac.provides_food:
        given.append("food")
    if vac is not None and vac.provides_room:
        given.append("a room")
    if not given:
        return f"food, a room and other needs in {town.name} cost {usd(costs)}"
    needs = (
        "other needs"
        if len(given) == 2
        else ("a room and other needs" if given == ["food"] else "food and other needs")
    )
    return f"the employer provides {' and '.join(given)}; {needs} in {town.name} cost {usd(costs)}"


def reasons(
    profile: Profile,
    p: PreparedMarket,
    ctx: SurvivorContext,
    i: int,
    startup_info: StartUp | None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Reasons and warnings of candidate ``i``, most important first.

    Returns
    -------
    (reasons, warnings)
    """
    s = p.settings
    out: list[str] = []
    warn: list[str] = []
    ti = int(p.candidates.track[i])
    oi = int(p.candidates.occ[i])
    wi = int(p.candidates.town[i])
    fi = int(p.candidates.family[i])
    outlet = int(p.candidates.outlet[i])
    kind = int(p.outlets.kind[outlet])
    town = p.catalog.towns[wi]
    occ = p.catalog.occupations[oi]
    vac = p.outlets.vacancy[outlet]
    gross = float(p.money.gross[i])
    wage = float(p.money.living_wage[i])
    own = kind == OWN_BUSINESS

    # Money first: the study's placements failed on it.
    verb = "Earns about" if own or kind == MARKET else "Pays"
    if bool(p.money.meets[i]):
        out.append(f"{verb} {usd(gross)} a month; {_costs_sentence(p, i)}")
    else:
        short = wage - gross
        out.append(
            f"{verb} {usd(gross)} a month, {usd(short)} below the living wage in "
            f"{town.name} ({usd(wage)})"
        )
        warn.append(f"Below the living wage in {town.name}")

    # Wishes.
    pref_rank, trains_for = _wish_rank(profile, p, ti, oi)
    if pref_rank is not None and trains_for is not None:
        out.append(f"Trains for {trains_for}, the survivor's {choice(pref_rank).lower()}")
    elif pref_rank is not None:
        out.append(f"{choice(pref_rank)} of the survivor")
    else:
        fam = _family_wish(profile, p, fi)
        if fam is not None:
            out.append(
                f"Same skill family ({SKILL_FAMILIES[fi]}) as the survivor's {choice(fam).lower()}"
            )

    # Aptitude.
    if 0 <= fi < len(SKILL_FAMILIES):
        family = SKILL_FAMILIES[fi]
        level = profile.aptitudes.get(family)
        if level is None:
            out.append(f"Aptitude for {family} not assessed")
        else:
            out.append(f"Aptitude for {family}: {level} of 5")

    # Track and seats, or why no training is needed.
    if ti >= 0:
        t = p.catalog.tracks[ti]
        start = t.next_start.isoformat() if t.next_start else "not scheduled"
        out.append(f"{t.seats_available} of {t.seats} seats left, next intake {start}")
        train_town = p.catalog.towns[int(p.catalog.track_town[ti])]
        out.append(f"Trains {t.duration_months} months in {train_town.name}")
    elif bool(ctx.trained_occupation[oi]):
        done = [
            p.catalog.tracks[j].name
            for j, occs in enumerate(p.catalog.track_occupations)
            if ctx.completed_track[j] and oi in occs
        ]
        out.append(f"Already trained: completed {done[0]}" if done else "Already trained")
    else:
        out.append("Learned on the job: employers take beginners")

    # Where the money comes from.
    if vac is not None:
        out.append(f"Vacancy at {vac.employer_name}: {vac.positions_left} positions left")
        if bool(p.hiring.commitment[i]):
            out.append(f"{vac.employer_name} has committed to hire graduates of this track")
    openings = int(p.hiring.openings[i])
    out.append(f"{openings} openings for {occ.name.lower()} in {town.name} this season")

    # Where.
    if bool(ctx.home_town[wi]):
        out.append("In the survivor's home province")
    elif bool(ctx.willing_town[wi]):
        out.append(f"{town.name} is a town the survivor is willing to move to")
    else:
        out.append(f"Away from home in {town.name}: the survivor will move anywhere")
        if profile.needs_accommodation and not (vac is not None and vac.provides_room):
            warn.append(
                f"Needs accommodation: a room in {town.name} costs "
                f"{usd(float(p.town_costs.room[wi]))} a month"
            )
    if own:
        vi = int(p.outlets.venue[outlet])
        venue = VENUES[vi] if vi >= 0 else "unknown"
        where = "a tourist hub" if town.tourist_hub else "a town off the tourist routes"
        out.append(f"Own business at a {venue} venue in {where}")
        if startup_info is not None and startup_info.cost_usd is not None:
            cost = startup_info.cost_usd
            if startup_info.loan_usd <= 0:
                out.append(
                    f"Start-up about {usd(cost)}, within the NGO's support of "
                    f"{usd(startup_info.ngo_support_usd)}"
                )
            elif startup_info.loan_months is None:
                warn.append(
                    f"Start-up about {usd(cost)}: a loan of {usd(startup_info.loan_usd)} "
                    "beyond the NGO's support could not be repaid from this income"
                )
            else:
                out.append(
                    f"Start-up about {usd(cost)}; the NGO can give "
                    f"{usd(startup_info.ngo_support_usd)}; a loan of "
                    f"{usd(startup_info.loan_usd)} at "
                    f"{startup_info.loan_interest_month * 100:g}% a month repays in about "
                    f"{startup_info.loan_months} months from "
                    f"{s.loan_repayment_share * 100:g}% of the net income"
                )
                if startup_info.loan_months > s.max_loan_months:
                    warn.append(
                        f"The start-up loan takes {startup_info.loan_months} months to repay"
                    )
        elif startup_info is not None:
            out.append("Start-up cost not surveyed")
        if not profile.self_employment_interest:
            warn.append("The survivor has not asked for an own business")

    # Protection.
    if occ.exploitation_risk:
        warn.append(f"{occ.name}: work with a known risk of exploitation; check the employer")
    if ctx.minor and not own:
        warn.append("Under 18: a parent or guardian must consent to the contract")
    flag = flagged_warning(p, i)
    if flag is not None:
        # Safety before pay: the flag is what a counsellor must read first.
        out.insert(0, flag)
        warn.insert(0, flag)
    return tuple(out), tuple(warn)


def flagged_warning(p: PreparedMarket, i: int) -> str | None:
    """The warning of a pathway that works or trains in a flagged (casino) town."""
    if not bool(p.rules.flagged[i]):
        return None
    town = _flagged_town(p, i)
    return (
        f"{town.name} is a casino town with reported scam compounds: ranked after every "
        "pathway outside such towns; check the employer"
    )


def _flagged_town(p: PreparedMarket, i: int) -> Town:
    town = p.catalog.towns[int(p.candidates.town[i])]
    ti = int(p.candidates.track[i])
    if not town.casino_town and ti >= 0:
        town = p.catalog.towns[int(p.catalog.track_town[ti])]
    return town


def _wish_rank(
    profile: Profile, p: PreparedMarket, ti: int, oi: int
) -> tuple[int | None, str | None]:
    """The first wish the pathway meets (0-based), and the wished occupation's name
    when it meets the wish only by its track leading there (``scoring.tables``)."""
    occ_code = p.catalog.occupations[oi].code
    track = p.catalog.tracks[ti] if ti >= 0 else None
    for rank, code in enumerate(profile.preferences):
        if code == occ_code or (track is not None and code == track.code):
            return rank, None
        if track is not None and track.meets(code):
            return rank, p.catalog.occupations[p.catalog.occupation_index[code]].name
    return None, None


def _family_wish(profile: Profile, p: PreparedMarket, family: int) -> int | None:
    for rank, code in enumerate(profile.preferences):
        ti = p.catalog.track_index.get(code)
        oi = p.catalog.occupation_index.get(code)
        if (ti is not None and int(p.catalog.track_family[ti]) == family) or (
            oi is not None and int(p.catalog.occ_family[oi]) == family
        ):
            return rank
    return None


def excluded_reason(
    profile: Profile, p: PreparedMarket, ctx: SurvivorContext, i: int, rule: int
) -> str:
    """What stands in the way of candidate ``i``, which rule ``rule`` removed."""
    ti = int(p.candidates.track[i])
    track = p.catalog.tracks[ti] if ti >= 0 else None
    town = p.catalog.towns[int(p.candidates.town[i])]
    occ = p.catalog.occupations[int(p.candidates.occ[i])]
    vac = p.outlets.vacancy[int(p.candidates.outlet[i])]
    train_town = p.catalog.towns[int(p.catalog.track_town[ti])] if ti >= 0 else None
    age = f"the survivor may be only {ctx.age}"
    bound = {
        "home_only": "outside the survivor's home province",
        "named": "outside the home province and the towns the survivor named",
    }.get(profile.relocation, "outside the towns the survivor accepts")
    if rule == R.AVOID_WORK_TOWN:
        return f"{town.name} is a town the survivor must avoid"
    if rule == R.AVOID_TRAINING_TOWN and train_town is not None:
        return f"Training in {train_town.name}, a town the survivor must avoid"
    if rule == R.RELOCATION_TRAINING and train_town is not None:
        return f"Training in {train_town.name}: {bound}"
    if rule == R.RELOCATION_WORK:
        return f"Work in {town.name}: {bound}"
    if rule == R.COMPLETED and track is not None:
        return f"Already completed {track.name}"
    if rule == R.UNDER_12:
        return f"No work under 12: {age}"
    if rule == R.MINOR_HAZARDOUS:
        return f"{occ.name} is hazardous work, not allowed under 18: {age}"
    if rule == R.MINOR_NIGHT:
        what = "a night shift" if vac is not None and vac.night_shift else "night work"
        return f"{occ.name} means {what}, not allowed under 18: {age}"
    if rule == R.MINOR_EXPLOITATION:
        return f"{occ.name} carries a risk of exploitation, never offered under 18: {age}"
    if rule == R.MINOR_CASINO_TOWN:
        flagged = _flagged_town(p, i)
        return (
            f"{flagged.name} is a casino town with reported scam compounds, never offered "
            f"under 18: {age}"
        )
    if rule == R.UNDER_15_LIGHT:
        return f"Only light work under 15 and {occ.name.lower()} is not light work: {age}"
    if rule == R.TRACK_MIN_AGE and track is not None:
        return f"{track.name} takes trainees from age {track.min_age}: {age}"
    if rule == R.TRACK_LITERACY and track is not None:
        have = profile.literacy if profile.literacy in LITERACY_LEVELS else "none"
        return f"{track.name} needs {track.min_literacy} literacy; the survivor's is {have}"
    if rule == R.VACANCY_MIN_AGE and vac is not None:
        year = int(p.catalog.track_work_year[p.candidates.track[i]])
        when = work_age(ctx.birth_year, ctx.age, year)
        return (
            f"{vac.employer_name} hires from age {vac.min_age}: the survivor may be only "
            f"{when} when work starts"
        )
    if rule == R.LISTED_TOWN:
        listed = town if town.code in p.avoid.towns else train_town
        if listed is not None and listed.code in p.avoid.towns:
            doing = "Work" if listed is town else "Training"
            return (
                f"{doing} in {listed.name}, a town no one is sent to: {p.avoid.towns[listed.code]}"
            )
    if rule == R.LISTED_EMPLOYER and vac is not None:
        reason = p.avoid.employers.get(vac.employer_id, "")
        return f"{vac.employer_name} is an employer no one is sent to: {reason}"
    if rule == R.VACANCY_HELD:
        return "The vacancy is held for an admin's review: it may be a lure"
    if rule == R.NO_SEATS and track is not None:
        start = track.next_start.isoformat() if track.next_start else "not scheduled"
        return f"No seats left in {track.name} (of {track.seats}; next intake {start})"
    if rule in (R.EMPLOYER_PENDING, R.EMPLOYER_REJECTED, R.EMPLOYER_SUSPENDED):
        name = vac.employer_name if vac is not None else "The employer"
        state = {
            R.EMPLOYER_PENDING: "not vetted yet",
            R.EMPLOYER_REJECTED: "rejected at vetting",
            R.EMPLOYER_SUSPENDED: "suspended",
        }[rule]
        return f"{name} is {state}"
    if rule == R.VACANCY_CLOSED:
        return "The vacancy is closed"
    if rule == R.VACANCY_FULL:
        return "The vacancy has no position left"
    return "Not allowed"
