"""What the engine returns: frozen dataclasses mirroring API.md "Recommendations".

Field names are those of the JSON items, so the api can serialise an item with
``dataclasses.asdict`` (tuples become lists in JSON). Money is US$ per month rounded
to 2 decimals; ``score`` and ``components`` are rounded to 4.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class TrackRef:
    """The training track of a pathway (``town`` is the training town's code)."""

    code: str
    name: str
    town: str
    duration_months: int
    seats_available: int


@dataclass(frozen=True, slots=True)
class OccupationRef:
    """An occupation by ISCO-08 code and English name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class TownRef:
    """The work town of a pathway."""

    code: str
    name: str
    tourist_hub: bool


@dataclass(frozen=True, slots=True)
class EmployerRef:
    """The employer of a vacancy pathway."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class StartUp:
    """Own business money: what it costs to start and how a loan for the rest repays.

    ``loan_months`` is ``None`` when the net income cannot repay the loan at all
    (then the item also carries a warning); 0 when the NGO support covers it all.
    ``cost_usd`` is ``None`` when the survey gave no start-up cost.
    """

    cost_usd: float | None
    ngo_support_usd: float
    loan_usd: float
    loan_interest_month: float
    loan_months: int | None


@dataclass(frozen=True)
class RecommendationItem:
    """One recommended pathway, as in API.md ``items``.

    Extra fields beyond the contract: ``venue`` (own business only) and
    ``startup`` (own business only).
    """

    rank: int
    pathway: str  # employment | self_employment
    track: TrackRef | None
    occupation: OccupationRef
    town: TownRef
    employer: EmployerRef | None
    vacancy_id: int | None
    warnings: tuple[str, ...]
    gross_income_usd_month: float
    living_costs_usd_month: float
    net_income_usd_month: float
    living_wage_usd_month: float
    meets_living_wage: bool
    score: float
    components: Mapping[str, float]
    reasons: tuple[str, ...]
    venue: str | None = None
    startup: StartUp | None = None


@dataclass(frozen=True)
class ExcludedItem:
    """A pathway a hard rule removed, with the reason, as in API.md ``excluded``.

    ``rule`` is the rule's short name (see ``matcher.rules.RULE_NAMES``), an
    extra for the api and tests; ``score`` is what the pathway would have scored.
    """

    track: TrackRef | None
    occupation: OccupationRef
    town: TownRef
    employer: EmployerRef | None
    vacancy_id: int | None
    reason: str
    rule: str
    score: float


@dataclass(frozen=True)
class Recommendation:
    """The engine's answer for one survivor.

    ``candidates`` counts every pathway built for this survivor and ``allowed`` those
    no hard rule removed. ``excluded`` is empty unless asked for; it then lists the
    best-scoring excluded pathways (at most ``limit``), best first.
    """

    survivor_id: int
    model_version: str
    items: tuple[RecommendationItem, ...]
    excluded: tuple[ExcludedItem, ...]
    candidates: int
    allowed: int


@dataclass(frozen=True)
class TrackScores:
    """Per-track best score for one survivor, for the cohort allocation.

    ``scores``: track code -> the best score among the survivor's allowed pathways
    through that track (exactly the score ``recommend`` shows for that pathway).
    ``excluded``: track code -> why no pathway through it is allowed (the reason of
    its best-scoring excluded pathway, or that no job data reaches it). Every track
    of the catalog is in exactly one of the two. ``net_income`` (US$ a month) and
    ``livable`` (gross >= the living wage) are those of the best pathway through each
    track of ``scores``, the one the recommendations would show first for it.
    """

    scores: dict[str, float]
    excluded: dict[str, str]
    net_income: dict[str, float] = field(default_factory=dict)
    livable: dict[str, bool] = field(default_factory=dict)
    # With an outcome model: track code -> retention of its best-scoring pathway.
    retention: dict[str, float] = field(default_factory=dict)
