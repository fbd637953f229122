"""Rules of the catalog: duration classes, literacy prerequisites and the labour law
that a vacancy must satisfy before it is stored.

The law citations come from ``shared/domain/FACTS.md`` ("Labour law the matcher
enforces"); the api shows them verbatim in its 422 answers, so they are part of what a
user reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from training_catalog.errors import InvalidDuration, UnknownLiteracyLevel
from training_catalog.types import LITERACY_LEVELS, Occupation

DurationClass = Literal["short", "mid", "long"]

MINIMUM_WORKING_AGE = 15
ADULT_AGE = 18

RULE_MINIMUM_AGE = "Labour Law 1997, art. 177(1): minimum working age 15"
RULE_HAZARDOUS = (
    "Labour Law 1997, art. 177(2) and the 2004 Prakas on hazardous child labour: "
    "no hazardous work under 18"
)
RULE_NIGHT_WORK = (
    "Labour Law 1997, art. 144: no night work (the period including 22:00-05:00) under 18"
)
RULE_EXPLOITATION_RISK = (
    "Pathways safeguard (FACTS.md, OHCHR 2023 [T8]): occupations with an exploitation "
    "risk are never offered to minors"
)
RULE_RISK_APPROVAL = (
    "Pathways safeguard (FACTS.md): occupations with an exploitation risk need an "
    "admin's explicit approval of the employer"
)


@dataclass(frozen=True, slots=True)
class LawViolation:
    """One reason a vacancy may not be stored.

    ``field`` names the input to change, ``rule`` cites the law or safeguard, and
    ``message`` says it in a sentence a user can act on.
    """

    field: str
    rule: str
    message: str


def duration_class(months: int) -> DurationClass:
    """Classify a training by its length.

    Parameters
    ----------
    months : int
        Duration of the track in months.

    Returns
    -------
    {"short", "mid", "long"}
        ``short`` under 12 months (the study's 6-12 month rehabilitation courses),
        ``mid`` from 12 to 24 months inclusive, ``long`` above 24.

    Raises
    ------
    InvalidDuration
        If ``months`` is below 1.
    """
    if months < 1:
        raise InvalidDuration(months)
    if months < 12:
        return "short"
    if months <= 24:
        return "mid"
    return "long"


def literacy_rank(level: str) -> int:
    """Position of ``level`` in ``LITERACY_LEVELS`` (0 = none).

    Raises
    ------
    UnknownLiteracyLevel
        If ``level`` is not one of ``LITERACY_LEVELS``.
    """
    try:
        return LITERACY_LEVELS.index(level)
    except ValueError:
        raise UnknownLiteracyLevel(level) from None


def literacy_meets(have: str, required: str) -> bool:
    """Whether a person's literacy ``have`` meets a track's ``required`` level.

    Parameters
    ----------
    have : str
        The person's level, one of ``LITERACY_LEVELS``.
    required : str
        The track's ``min_literacy``, one of ``LITERACY_LEVELS``.

    Returns
    -------
    bool
        True when ``have`` is the required level or above it.

    Raises
    ------
    UnknownLiteracyLevel
        If either level is not one of ``LITERACY_LEVELS``.
    """
    return literacy_rank(have) >= literacy_rank(required)


def vacancy_law_violations(
    occupation: Occupation, min_age: int, night_shift: bool
) -> list[LawViolation]:
    """Every labour-law rule a vacancy would break, empty when it may be stored.

    A vacancy's ``min_age`` is the youngest age it accepts, so each rule about minors
    applies when ``min_age`` is under 18.

    Parameters
    ----------
    occupation : Occupation
        The vacancy's occupation, with its ``hazardous``, ``night_work`` and
        ``exploitation_risk`` flags.
    min_age : int
        The youngest age the employer would hire for it.
    night_shift : bool
        Whether the job includes any work between 22:00 and 05:00.

    Returns
    -------
    list of LawViolation
        In a fixed order: minimum age, hazardous work, night work, exploitation risk.
    """
    violations: list[LawViolation] = []
    if min_age < MINIMUM_WORKING_AGE:
        violations.append(
            LawViolation(
                field="min_age",
                rule=RULE_MINIMUM_AGE,
                message=f"min_age must be at least {MINIMUM_WORKING_AGE}, got {min_age}",
            )
        )
    if min_age >= ADULT_AGE:
        return violations
    if occupation.hazardous:
        violations.append(
            LawViolation(
                field="min_age",
                rule=RULE_HAZARDOUS,
                message=(
                    f"{occupation.code} ({occupation.name}) is hazardous work: "
                    f"min_age must be at least {ADULT_AGE}"
                ),
            )
        )
    if night_shift or occupation.night_work:
        # Name what the employer can change: its own shift flag, or else the age bound
        # of an occupation that is night work by its nature.
        field = "night_shift" if night_shift else "min_age"
        what = (
            "the job has a night shift"
            if night_shift
            else (f"{occupation.code} ({occupation.name}) is night work")
        )
        violations.append(
            LawViolation(
                field=field,
                rule=RULE_NIGHT_WORK,
                message=f"{what}: min_age must be at least {ADULT_AGE}",
            )
        )
    if occupation.exploitation_risk:
        violations.append(
            LawViolation(
                field="min_age",
                rule=RULE_EXPLOITATION_RISK,
                message=(
                    f"{occupation.code} ({occupation.name}) carries an exploitation risk: "
                    f"min_age must be at least {ADULT_AGE}"
                ),
            )
        )
    return violations


def risk_approval_violation(
    occupation: Occupation, employer_approved_for_risk: bool
) -> LawViolation | None:
    """The refusal for an exploitation-risk occupation without an admin's approval.

    Parameters
    ----------
    occupation : Occupation
        The vacancy's occupation.
    employer_approved_for_risk : bool
        Whether an admin has explicitly approved this employer for such occupations.

    Returns
    -------
    LawViolation or None
        None when the occupation carries no risk or the employer is approved.
    """
    if not occupation.exploitation_risk or employer_approved_for_risk:
        return None
    return LawViolation(
        field="occupation",
        rule=RULE_RISK_APPROVAL,
        message=(
            f"{occupation.code} ({occupation.name}) carries an exploitation risk and "
            "this employer has no admin approval for it"
        ),
    )
