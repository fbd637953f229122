"""Codes of the hard rules, ordered by priority: the lower the code, the more it
matters when a pathway breaks several rules (a town to avoid always wins).

``NO_RULE`` (allowed) is the largest code so that "the first rule broken" is a plain
element-wise minimum over the rules' code arrays.
"""

from __future__ import annotations

NOT_A_CANDIDATE = 0  # not a pathway for this survivor (needs training they lack)
AVOID_WORK_TOWN = 1
AVOID_TRAINING_TOWN = 2
RELOCATION_TRAINING = 3
RELOCATION_WORK = 4
COMPLETED = 5
UNDER_12 = 6
MINOR_HAZARDOUS = 7
MINOR_NIGHT = 8
MINOR_EXPLOITATION = 9
MINOR_CASINO_TOWN = 10
UNDER_15_LIGHT = 11
TRACK_MIN_AGE = 12
TRACK_LITERACY = 13
VACANCY_MIN_AGE = 14
LISTED_TOWN = 15  # on the admin's list of towns no one is sent to (work or training)
LISTED_EMPLOYER = 16  # on the admin's list of employers no one is sent to
VACANCY_HELD = 17  # held for an admin's review as a possible lure
NO_SEATS = 20
EMPLOYER_PENDING = 21
EMPLOYER_REJECTED = 22
EMPLOYER_SUSPENDED = 23
VACANCY_CLOSED = 24
VACANCY_FULL = 25
NO_RULE = 127

#: Short names of the rules (``ExcludedItem.rule``), for the api, logs and tests.
RULE_NAMES: dict[int, str] = {
    AVOID_WORK_TOWN: "avoid_work_town",
    AVOID_TRAINING_TOWN: "avoid_training_town",
    RELOCATION_TRAINING: "relocation_training_town",
    RELOCATION_WORK: "relocation_work_town",
    COMPLETED: "track_completed",
    UNDER_12: "under_12",
    MINOR_HAZARDOUS: "minor_hazardous",
    MINOR_NIGHT: "minor_night_work",
    MINOR_EXPLOITATION: "minor_exploitation_risk",
    MINOR_CASINO_TOWN: "minor_casino_town",
    UNDER_15_LIGHT: "under_15_light_work_only",
    TRACK_MIN_AGE: "track_min_age",
    TRACK_LITERACY: "track_min_literacy",
    VACANCY_MIN_AGE: "vacancy_min_age",
    LISTED_TOWN: "listed_town",
    LISTED_EMPLOYER: "listed_employer",
    VACANCY_HELD: "vacancy_held_for_review",
    NO_SEATS: "track_no_seats",
    EMPLOYER_PENDING: "employer_not_vetted",
    EMPLOYER_REJECTED: "employer_rejected",
    EMPLOYER_SUSPENDED: "employer_suspended",
    VACANCY_CLOSED: "vacancy_closed",
    VACANCY_FULL: "vacancy_full",
}
