"""Simulated outcomes with a known ground truth, to show and test the learning loop.

The ground truth (:class:`GroundTruth`) is a logistic model of "still in work at the
12-month follow-up" over the same inputs the outcome model reads
(:data:`matcher.outcomes.FEATURES`):

- lasting work grows with the net income over the living wage (``income``, per unit
  of ``net / living wage``, capped at -1 and 1.5),
- grows with aptitude for the skill (``aptitude``, per level above 2.5; a family never
  assessed counts as 2) and with a wish met (``wish``, times the engine's preference
  component),
- falls with distance from home (``distance``, per step: home province 0, a town the
  survivor named 1, elsewhere 2),
- and some employers lose people whatever they pay (``churn``, added for the
  *churning* employers: the study's boarding house, where 8 of 20 stayed). By default
  the churning employers are the best-paying fifth of the employers with vacancies,
  so that pay alone points the wrong way, as it did in the study.

Gender, age and literacy have no effect in the truth: a model that found one would
have learned a bias of the simulated placements, not of the world.

Someone who does not last leaves at a month drawn uniformly in (0, 12), so the 1-, 3-
and 6-month follow-ups are early signals of the outcome; each follow-up is missed with
``missed`` probability, and none is known before its date.

Who is placed where is not random either: the simulated counsellor takes one of the
engine's five best pathways (without a model), the first with probability 1/2, the
second 1/4, and so on, like a counsellor following the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from matcher.outcomes import FEATURES, MONTHS, OutcomeData, age_band, pathway_features
from matcher.prepared import VACANCY, FloatArray, PreparedMarket
from matcher.rules import NO_RULE
from matcher.safeguards import first_rule, survivor_context
from matcher.scoring import fused_score, tables, top_k
from matcher.types import RELOCATION_CHOICES, Profile
from matcher.weights import Weights
from training_catalog.types import LITERACY_LEVELS, SKILL_FAMILIES

GENDERS: tuple[str, ...] = ("female", "male")


@dataclass(frozen=True)
class GroundTruth:
    """The simulated world's rule of who stays in work (see the module's text)."""

    intercept: float = -1.4
    income: float = 1.6
    aptitude: float = 0.45
    wish: float = 1.2
    distance: float = -0.55
    churn: float = -2.6
    churning: frozenset[str] = field(default_factory=frozenset)  # employer levels

    def probability(self, features: pd.DataFrame) -> FloatArray:
        """P(in work at 12 months) of each pathway row (``FEATURES`` columns)."""
        x = np.clip(features["net_over_living_wage"].to_numpy(np.float64), -1.0, 1.5)
        apt = features["aptitude"].to_numpy(np.float64)
        apt = np.where(np.isnan(apt), 2.0, apt)
        z = (
            self.intercept
            + self.income * x
            + self.aptitude * (apt - 2.5)
            + self.wish * features["wish"].to_numpy(np.float64)
            + self.distance * features["distance"].to_numpy(np.float64)
            + self.churn * features["employer"].isin(self.churning).to_numpy()
        )
        out: FloatArray = 1.0 / (1.0 + np.exp(-z))
        return out


def churning_employers(prepared: PreparedMarket, share: float = 0.2) -> frozenset[str]:
    """The best-paying ``share`` of employers with a vacancy (at least one), as the
    ``employer`` levels of :func:`matcher.outcomes.pathway_features`."""
    pay: dict[int, list[float]] = {}
    for vacancy in prepared.outlets.vacancy:
        if vacancy is not None and vacancy.employer_status == "vetted":
            pay.setdefault(vacancy.employer_id, []).append(vacancy.pay_usd_month)
    if not pay:
        return frozenset()
    ranked = sorted(pay, key=lambda e: (-float(np.mean(pay[e])), e))
    keep = max(1, round(share * len(ranked)))
    return frozenset(f"employer {e}" for e in ranked[:keep])


def synthetic_profiles(
    prepared: PreparedMarket, n: int, rng: np.random.Generator, first_id: int = 1
) -> list[Profile]:
    """Survivors for the simulation: aptitudes, wishes and towns drawn from the catalog."""
    cat = prepared.catalog
    provinces = sorted({str(p) for p in cat.town_province})
    tracks = [t.code for t in cat.tracks]
    towns = [t.code for t in cat.towns]
    out: list[Profile] = []
    for i in range(n):
        wishes: list[str] = (
            [str(c) for c in rng.choice(tracks, size=min(3, len(tracks)), replace=False)]
            if tracks
            else []
        )
        out.append(
            Profile(
                survivor_id=first_id + i,
                birth_year=int(rng.integers(1990, 2011)),
                home_province=str(rng.choice(provinces)),
                literacy=str(rng.choice(LITERACY_LEVELS)),
                aptitudes={
                    str(f): int(rng.integers(0, 6))
                    for f in rng.choice(SKILL_FAMILIES, 4, replace=False)
                },
                preferences=tuple(str(c) for c in wishes),
                relocation=str(rng.choice(RELOCATION_CHOICES)),
                willing_towns=tuple(str(t) for t in rng.choice(towns, min(2, len(towns)))),
                self_employment_interest=bool(rng.random() < 0.3),
            )
        )
    return out


def choose_pathway(
    profile: Profile,
    prepared: PreparedMarket,
    today: date,
    rng: np.random.Generator,
    weights: Weights | None = None,
    pick_from: int = 5,
) -> tuple[PreparedMarket, int] | None:
    """The pathway a simulated counsellor places the survivor on (market and row), or
    None when no pathway is allowed: one of the engine's ``pick_from`` best, the k-th
    with probability proportional to 2 ** -k."""
    ctx = survivor_context(profile, prepared, today)
    p = prepared
    if p.untrained is not None and not ctx.trained_occupation.any():
        p = p.untrained
    allowed = first_rule(p, ctx) == NO_RULE
    scores = fused_score(profile, p, ctx, weights or Weights(), tables(profile, p, ctx))
    best = top_k(scores, allowed, pick_from, prefer=p.candidates.track < 0)
    if best.size == 0:
        return None
    odds = 0.5 ** np.arange(best.size)
    return p, int(best[rng.choice(best.size, p=odds / odds.sum())])


def _months_after(start: date, months: int) -> date:
    # Follow-ups fall on the same day of the month (the schedule's rule, simplified).
    y, m = divmod(start.month - 1 + months, 12)
    return date(start.year + y, m + 1, min(start.day, 28))


@dataclass(frozen=True)
class History:
    """Simulated placements: the model's training data, with the true probabilities."""

    data: OutcomeData
    truth: FloatArray  # P(in work at 12 months) of each placement under the truth
    profiles: tuple[Profile, ...]
    rows: tuple[int, ...]  # each placement's candidate row in its market
    markets: tuple[PreparedMarket, ...]
    vacancy_ids: tuple[int | None, ...]


def follow_ups(
    truth: FloatArray,
    started_on: Sequence[date],
    today: date,
    rng: np.random.Generator,
    missed: float = 0.08,
) -> pd.DataFrame:
    """Follow-up answers (``m1 .. m12`` True, False or missing, and ``same_employer``)."""
    n = truth.size
    lasts = rng.random(n) < truth
    leaves = np.where(lasts, np.inf, rng.uniform(0.0, 12.0, n))
    out: dict[str, list[bool | None]] = {}
    for m in MONTHS:
        due = np.array([_months_after(s, m) <= today for s in started_on], np.bool_)
        seen = due & (rng.random(n) >= missed)
        out[f"m{m}"] = [bool(leaves[i] > m) if seen[i] else None for i in range(n)]
    out["same_employer"] = [None if v is None else v for v in out[f"m{MONTHS[-1]}"]]
    return pd.DataFrame(out, dtype=object)


def simulate_history(
    prepared: PreparedMarket,
    n: int,
    *,
    today: date,
    truth: GroundTruth,
    seed: int = 0,
    years: float = 3.0,
    progress: Callable[[int], None] | None = None,
) -> History:
    """``n`` placements over the ``years`` before ``today``, with their follow-ups.

    Parameters
    ----------
    prepared : PreparedMarket
        The market the simulated counsellor recommends from.
    n : int
        Survivors to place (some may have no allowed pathway and are skipped).
    today : date
        No follow-up after this day is known.
    truth : GroundTruth
    seed : int, default 0
        The same seed gives the same history.
    years : float, default 3.0
    progress : callable, optional
        Called with the number of survivors done so far.

    Returns
    -------
    History
    """
    rng = np.random.default_rng(seed)
    profiles = synthetic_profiles(prepared, n, rng)
    frames: list[pd.DataFrame] = []
    kept: list[Profile] = []
    rows: list[int] = []
    markets: list[PreparedMarket] = []
    vacancies: list[int | None] = []
    starts: list[date] = []
    genders: list[str] = []
    span = max(int(years * 365), 31)
    for done, profile in enumerate(profiles, start=1):
        start = today - timedelta(days=int(rng.integers(30, span)))
        chosen = choose_pathway(profile, prepared, start, rng)
        if progress is not None and done % 100 == 0:
            progress(done)
        if chosen is None:
            continue
        p, row = chosen
        ctx = survivor_context(profile, p, start)
        frames.append(pathway_features(profile, p, ctx, np.array([row], np.int64)))
        kept.append(profile)
        rows.append(row)
        markets.append(p)
        outlet = int(p.candidates.outlet[row])
        vac = p.outlets.vacancy[outlet] if int(p.outlets.kind[outlet]) == VACANCY else None
        vacancies.append(vac.id if vac is not None else None)
        starts.append(start)
        genders.append(str(rng.choice(GENDERS)))
    features = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FEATURES)
    p_true = truth.probability(features) if len(features) else np.zeros(0)
    answers = follow_ups(p_true, starts, today, rng)
    groups = pd.DataFrame(
        {
            "gender": genders,
            "age_band": features["age_band"].to_numpy() if len(features) else [],
            "literacy": features["literacy"].to_numpy() if len(features) else [],
        }
    )
    return History(
        OutcomeData(features, starts, answers, groups),
        p_true,
        tuple(kept),
        tuple(rows),
        tuple(markets),
        tuple(vacancies),
    )


def ages(profiles: Sequence[Profile], today: date) -> npt.NDArray[np.object_]:
    """Age bands of profiles on ``today`` (lowest age the birth year allows)."""
    return np.array([age_band(today.year - p.birth_year - 1) for p in profiles], dtype=object)
