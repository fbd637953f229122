"""Scoring weights and engine settings: the one place a deployment tunes the engine.

Both are frozen dataclasses with defaults that follow the study (see README.md);
``from_mapping`` builds one from a deployment's configuration, rejecting unknown
keys so that a typo never silently falls back to a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, TypeVar

from matcher.errors import SettingsError

#: Score components, in the order of the engine's component arrays.
COMPONENTS: tuple[str, ...] = (
    "aptitude",
    "preference",
    "talent_wish",
    "income",
    "demand",
    "location",
    "commitment",
)

#: An aptitude (0-5) from which a survivor counts as good at a skill family: the
#: study's trainees who said they were "not good at it" are those below it.
GOOD_APTITUDE = 3

#: Own-business venues of the survey (``JOB_COLUMNS`` ``venue``).
VENUES: tuple[str, ...] = ("industrial", "market", "tourist", "office", "farm", "home")

_T = TypeVar("_T")


def _from_mapping(cls: type[_T], base: _T, values: Mapping[str, Any]) -> _T:
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise SettingsError(f"unknown {cls.__name__} keys: {', '.join(unknown)}")
    converted: dict[str, Any] = {}
    for key, value in values.items():
        default = getattr(base, key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise SettingsError(f"{key} must be true or false")
            converted[key] = value
        elif isinstance(default, int | float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SettingsError(f"{key} must be a number")
            converted[key] = type(default)(value)
        elif isinstance(default, Mapping):
            if not isinstance(value, Mapping):
                raise SettingsError(f"{key} must be a mapping")
            merged = dict(default)
            merged.update({str(k): float(v) for k, v in value.items()})
            converted[key] = merged
        else:
            converted[key] = value
    return replace(base, **converted)  # type: ignore[type-var]


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the score components; the fit is their weighted mean.

    Only the ratios matter: the engine divides by the sum, so every fit (and score)
    stays in [0, 1] whatever the deployment sets. ``talent_wish`` is the interaction
    of aptitude and wish (README, "The score's shape"). ``retention`` joins once an
    outcome model exists; until then its weight is ignored and the component is absent.
    """

    aptitude: float = 0.29
    preference: float = 0.08
    talent_wish: float = 0.25
    income: float = 0.33
    demand: float = 0.02
    location: float = 0.02
    commitment: float = 0.01
    retention: float = 0.3

    def __post_init__(self) -> None:
        for name in (*COMPONENTS, "retention"):
            value = getattr(self, name)
            if not value >= 0.0 or value == float("inf"):
                raise SettingsError(f"weight {name} must be a finite number >= 0")
        if sum(getattr(self, name) for name in COMPONENTS) <= 0.0:
            raise SettingsError("at least one component weight must be positive")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Weights:
        """Build weights from a deployment's mapping, defaults for the keys it omits.

        Parameters
        ----------
        values : Mapping[str, Any]
            Component name -> weight (a number >= 0).

        Returns
        -------
        Weights

        Raises
        ------
        SettingsError
            An unknown key, a value that is not a number, a negative weight, or all
            component weights zero.
        """
        return _from_mapping(cls, cls(), values)

    def normalised(self) -> tuple[float, ...]:
        """The component weights in ``COMPONENTS`` order, summing to 1."""
        raw = [float(getattr(self, name)) for name in COMPONENTS]
        total = sum(raw)
        return tuple(w / total for w in raw)


def _default_venue_factor() -> dict[str, float]:
    # The study's half-way-house shops earned little "due to the poor location";
    # survivors named crowded markets and tourist places as where shops would pay.
    return {
        "tourist": 1.0,
        "market": 0.8,
        "office": 0.6,
        "industrial": 0.5,
        "farm": 0.5,
        "home": 0.3,
    }


@dataclass(frozen=True, slots=True)
class Settings:
    """Engine settings other than weights (money, thresholds, factors).

    Attributes
    ----------
    ngo_startup_support_usd
        What the NGO can give towards an own business; the study's NGOs gave under
        US$125.
    loan_interest_month
        Monthly interest on a start-up loan for the rest (micro-finance is capped at
        18% a year in Cambodia, 1.5% a month; village lenders charge 10-15%).
    loan_repayment_share
        Share of the monthly net income that goes to repaying the loan.
    max_loan_months
        A loan that takes longer than this to repay gets a warning.
    unassessed_aptitude
        Aptitude, as a share of 5, for a skill family the counsellor has not assessed.
    good_aptitude_share
        Share of the aptitude component that is a step at ``GOOD_APTITUDE`` (good at
        the trade or not); the rest is the level over 5 (``aptitude_value``).
    preference_step, preference_floor
        The k-th wish (0-based) scores ``max(1 - k * step, floor)``; unlisted is 0.
    same_family_preference
        Multiplier for a pathway in the skill family of a wish, not the wish itself.
    demand_saturation
        Openings at which the demand component reaches 1 (log scale below it).
    location_home, location_willing, location_elsewhere
        Location factor of a town in the home province, in ``willing_towns``, or
        elsewhere (only reachable with ``relocation == "anywhere"``).
    location_training_share
        Share of the location component that comes from the training town (the rest
        from the work town).
    venue_factor
        Own-business venue -> factor; a ``market`` venue in a tourist hub counts as
        ``tourist_hub_market``.
    tourist_hub_market
        Factor of a market venue in a tourist hub.
    venue_share
        Share of the location component given to the venue on own-business
        pathways.
    """

    ngo_startup_support_usd: float = 125.0
    loan_interest_month: float = 0.015
    loan_repayment_share: float = 0.5
    max_loan_months: int = 24
    unassessed_aptitude: float = 0.4
    good_aptitude_share: float = 0.5
    preference_step: float = 0.2
    preference_floor: float = 0.2
    same_family_preference: float = 0.5
    demand_saturation: float = 50.0
    location_home: float = 1.0
    location_willing: float = 0.75
    location_elsewhere: float = 0.5
    location_training_share: float = 0.3
    venue_factor: Mapping[str, float] = field(default_factory=_default_venue_factor)
    tourist_hub_market: float = 0.95
    venue_share: float = 0.5

    def __post_init__(self) -> None:
        unit = (
            "loan_repayment_share",
            "unassessed_aptitude",
            "good_aptitude_share",
            "preference_step",
            "preference_floor",
            "same_family_preference",
            "location_home",
            "location_willing",
            "location_elsewhere",
            "location_training_share",
            "tourist_hub_market",
            "venue_share",
        )
        for name in unit:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise SettingsError(f"{name} must be between 0 and 1")
        if self.ngo_startup_support_usd < 0 or self.loan_interest_month < 0:
            raise SettingsError("support and interest must be >= 0")
        if self.demand_saturation <= 0 or self.max_loan_months <= 0:
            raise SettingsError("demand_saturation and max_loan_months must be > 0")
        for venue, value in self.venue_factor.items():
            if venue not in VENUES:
                raise SettingsError(f"unknown venue {venue!r} in venue_factor")
            if not 0.0 <= value <= 1.0:
                raise SettingsError(f"venue_factor[{venue!r}] must be between 0 and 1")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """Build settings from a deployment's mapping, defaults for omitted keys.

        ``venue_factor`` is merged into the default venues, not replaced.

        Raises
        ------
        SettingsError
            An unknown key, a wrong type, or a value out of range.
        """
        return _from_mapping(cls, cls(), values)
