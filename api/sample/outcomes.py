"""Simulated placements and follow-ups, to show and test the learning loop on the sample.

The ground truth is ``matcher.simulate.GroundTruth`` (documented in its module: lasting
work grows with net income over the living wage, with aptitude and a wish met, falls
with distance from home; the best-paying employers lose people whatever they pay).
Survivors are drawn from the catalog, placed by a simulated counsellor on one of the
engine's best pathways in the current season's market, and followed up at 1, 3, 6 and
12 months (none after today).

Rows are written in batches through ``api.store.outcomes`` (survivors, placements,
follow-ups), not one by one through the placement and follow-up services: those claim
a vacancy's position per placement and write one audit row per record, and 100,000
follow-ups would fill every sample vacancy and take minutes. What the batch path skips
is listed in ``api.store.outcomes``; the follow-up flags are computed with the same
``casework.check_income`` the service uses. Simulated survivors have case codes
``SIM-{seed}-{n}`` and a note saying they are simulated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.config import ServiceConfig
from api.errors import Conflict, Unprocessable
from api.sample.survivors import SAMPLE_SHELTER
from api.store.db import unit_of_work
from api.store.engine_inputs import ENGINE_INPUTS
from api.store.models import Organisation, Survivor, Track
from api.store.outcomes import insert_follow_ups, insert_placements, insert_survivors
from casework import check_income
from matcher.outcomes import MONTHS
from matcher.prepared import OWN_BUSINESS
from matcher.simulate import GroundTruth, churning_employers, simulate_history

BATCH = 2000


def _months_after(start: date, months: int) -> date:
    y, m = divmod(start.month - 1 + months, 12)
    return date(start.year + y, m + 1, min(start.day, 28))


def simulate(
    session: Session,
    principal: Principal | None,
    config: ServiceConfig,
    *,
    placements: int,
    seed: int,
    today: date,
    org_name: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Simulate ``placements`` survivors placed over three years, with follow-ups.

    Returns a summary: survivors, placements and follow-ups written, the churning
    employers' ids, and the true share still in work at 12 months.
    """
    if placements < 1:
        raise Unprocessable(
            "At least one placement must be simulated.",
            [{"field": "placements", "message": "must be 1 or more"}],
        )
    tell = progress or (lambda _stage, _done, _total: None)
    with unit_of_work(session):
        name = org_name or SAMPLE_SHELTER
        org = session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            raise Unprocessable(
                "There is no such NGO: load the sample or name an existing one.",
                [{"field": "org", "message": f"{name} not found"}],
            )
        prefix = f"SIM-{seed}-"
        if session.scalar(select(Survivor.id).where(Survivor.case_code.like(f"{prefix}%"))):
            raise Conflict(
                f"Outcomes with seed {seed} were simulated already: use another seed.",
                [{"field": "seed", "message": "already used"}],
            )
        _, prepared = ENGINE_INPUTS.market(session, None, config.engine)
        track_ids = {str(c): int(i) for c, i in session.execute(select(Track.code, Track.id))}
        org_id = org.id
    truth = GroundTruth(churning=churning_employers(prepared))
    history = simulate_history(
        prepared,
        placements,
        today=today,
        truth=truth,
        seed=seed,
        progress=lambda done: tell("placing", done, placements),
    )
    data = history.data
    written = {"survivors": 0, "placements": 0, "follow_ups": 0}
    n = len(history.profiles)
    for start in range(0, n, BATCH):
        stop = min(start + BATCH, n)
        with unit_of_work(session):
            survivor_rows = []
            for i in range(start, stop):
                prof = history.profiles[i]
                survivor_rows.append(
                    {
                        "org_id": org_id,
                        "case_code": f"{prefix}{i + 1}",
                        "birth_year": prof.birth_year,
                        "gender": str(data.groups["gender"].iat[i]),
                        "home_province": prof.home_province,
                        "literacy": prof.literacy,
                        "aptitudes": dict(prof.aptitudes),
                        "preferences": list(prof.preferences),
                        "relocation": prof.relocation,
                        "willing_towns": list(prof.willing_towns),
                        "avoid_towns": [],
                        "completed_tracks": [],
                        "self_employment_interest": prof.self_employment_interest,
                        "notes": "simulated (pathways simulate-outcomes)",
                    }
                )
            survivor_ids = insert_survivors(session, survivor_rows)
            placement_rows = []
            answers: list[dict[str, Any]] = []
            for k, i in enumerate(range(start, stop)):
                p, row = history.markets[i], history.rows[i]
                outlet = int(p.candidates.outlet[row])
                vacancy = p.outlets.vacancy[outlet]
                ti = int(p.candidates.track[row])
                began = data.started_on[i]
                got = {m: data.follow_ups[f"m{m}"].iat[i] for m in MONTHS}
                left = next((m for m in MONTHS if got[m] is False), None)
                own = int(p.outlets.kind[outlet]) == OWN_BUSINESS
                placement_rows.append(
                    {
                        "survivor_id": survivor_ids[k],
                        "org_id": org_id,
                        "kind": "self_employment" if own else "job",
                        "started_on": began,
                        "ended_on": _months_after(began, left) if left else None,
                        "end_reason": "other" if left else None,
                        "track_id": track_ids.get(p.catalog.tracks[ti].code) if ti >= 0 else None,
                        "vacancy_id": vacancy.id if vacancy is not None else None,
                        "employer_id": vacancy.employer_id if vacancy is not None else None,
                        "employer_name": (
                            vacancy.employer_name
                            if vacancy is not None
                            else ("own business" if own else "")
                        ),
                        "occupation": p.catalog.occupations[int(p.candidates.occ[row])].code,
                        "town": p.catalog.towns[int(p.candidates.town[row])].code,
                    }
                )
                answers.append(
                    {
                        "got": got,
                        "began": began,
                        "gross": float(p.money.gross[row]),
                        "wage": float(p.money.living_wage[row]),
                    }
                )
            placement_ids = insert_placements(session, placement_rows)
            follow_rows = []
            for pid, rowinfo in zip(placement_ids, answers, strict=True):
                for m, employed in rowinfo["got"].items():
                    if employed is None:
                        continue
                    income = rowinfo["gross"] if employed else 0.0
                    check = check_income(income, rowinfo["wage"], safety_concern=False)
                    follow_rows.append(
                        {
                            "placement_id": pid,
                            "org_id": org_id,
                            "month": m,
                            "date": _months_after(rowinfo["began"], m),
                            "employed": bool(employed),
                            "same_employer": bool(employed),
                            "monthly_income": round(income, 2),
                            "monthly_income_usd": round(income, 2),
                            "living_wage_usd_month": round(rowinfo["wage"], 2),
                            "gap_usd_month": check.gap_usd_month,
                            "needs_support": check.needs_support,
                            "urgent": check.urgent,
                            "left_reason": None if employed else "other",
                        }
                    )
            written["follow_ups"] += insert_follow_ups(session, follow_rows)
            written["survivors"] += len(survivor_ids)
            written["placements"] += len(placement_ids)
            audit(session, principal, "simulate", "placement", None, org_id)
        tell("writing", stop, n)
    lasted = float(np.mean(history.truth)) if n else 0.0
    return {
        **written,
        "organisation": org_name or SAMPLE_SHELTER,
        "churning_employers": sorted(truth.churning),
        "true_share_lasting": round(lasted, 3),
    }
