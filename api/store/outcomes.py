"""Outcomes as the model reads them, simulated outcomes in bulk, and loaded models.

- :func:`training_data`: every job and business placement with its follow-ups, as
  ``matcher.outcomes.OutcomeData``. A placement's inputs are those of its pathway in
  the *current* season's prepared market (the store keeps the placement, not the pay
  and costs it was recommended with), found by its track and its vacancy, or, for a
  job found without a vacancy or an own business, by its track, occupation and town.
  A placement whose pathway is not in the market (its town or occupation is gone) is
  left out and counted.
- :func:`insert_simulated`: ``pathways simulate-outcomes`` writes its survivors,
  placements and follow-ups here in batches. It skips what the services add around a
  single write: no position is claimed and no referral made (the simulated
  placements would soon fill every vacancy), no idempotency key, and one audit row
  per batch instead of one per row. Follow-up flags are computed with
  ``casework.check_income``, as the service does.
- :data:`MODELS`: loaded outcome models, kept per (folder, version, sha256).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from api.store.engine_inputs import to_profile
from api.store.models import FollowUp, Placement, Survivor, Track
from api.store.models.casework import EARNING_KINDS
from matcher.outcomes import (
    FEATURES,
    MONTHS,
    OutcomeData,
    OutcomeError,
    OutcomeModel,
    load_model,
    pathway_features,
    read_card,
)
from matcher.outcomes import age_band as band_of
from matcher.prepared import MARKET, OWN_BUSINESS, VACANCY, PreparedMarket
from matcher.safeguards import survivor_context


def outcomes_count(session: Session) -> int:
    """Job and business placements with at least one follow-up."""
    return int(
        session.scalar(
            select(func.count(func.distinct(FollowUp.placement_id)))
            .join(Placement, Placement.id == FollowUp.placement_id)
            .where(Placement.kind.in_(EARNING_KINDS))
        )
        or 0
    )


@dataclass(frozen=True)
class Training:
    """What :func:`training_data` found: the data and the placements left out."""

    data: OutcomeData
    skipped: int


class _Rows:
    """Candidate rows of a prepared market by (track, vacancy) and (track, occ, town, kind)."""

    def __init__(self, p: PreparedMarket) -> None:
        outlet = p.candidates.outlet
        kind = p.outlets.kind[outlet]
        vac_of = np.array([v.id if v is not None else -1 for v in p.outlets.vacancy], np.int64)
        vacancy = vac_of[outlet]
        self.by_vacancy: dict[tuple[int, int], int] = {}
        self.by_place: dict[tuple[int, int, int, int], int] = {}
        track, occ, town = p.candidates.track, p.candidates.occ, p.candidates.town
        for i in range(p.n_candidates):
            k = int(kind[i])
            if k == VACANCY:
                self.by_vacancy.setdefault((int(track[i]), int(vacancy[i])), i)
            else:
                key = (int(track[i]), int(occ[i]), int(town[i]), k)
                self.by_place.setdefault(key, i)

    def find(self, p: PreparedMarket, placement: Placement, track_code: str | None) -> int | None:
        ti = -1 if track_code is None else p.catalog.track_index.get(track_code)
        if ti is None:
            return None
        if placement.vacancy_id is not None:
            return self.by_vacancy.get((ti, placement.vacancy_id))
        oi = p.catalog.occupation_index.get(placement.occupation or "")
        wi = p.catalog.town_index.get(placement.town or "")
        if oi is None or wi is None:
            return None
        kind = OWN_BUSINESS if placement.kind == "self_employment" else MARKET
        return self.by_place.get((ti, oi, wi, kind))


def training_data(session: Session, prepared: PreparedMarket) -> Training:
    """Every job and business placement with its follow-ups, as the model's data."""
    placements = list(
        session.scalars(
            select(Placement)
            .where(Placement.kind.in_(EARNING_KINDS))
            .order_by(Placement.started_on, Placement.id)
        )
    )
    survivors = {
        s.id: s
        for s in session.scalars(
            select(Survivor).where(Survivor.id.in_({p.survivor_id for p in placements}))
        )
    }
    track_codes = {int(i): str(c) for i, c in session.execute(select(Track.id, Track.code))}
    # A job's track: its own, or the survivor's latest training started before it.
    trained: dict[int, list[tuple[date, int]]] = {}
    for who, day, track in session.execute(
        select(Placement.survivor_id, Placement.started_on, Placement.track_id).where(
            Placement.kind == "training", Placement.track_id.is_not(None)
        )
    ):
        if track is not None:
            trained.setdefault(who, []).append((day, track))
    answers: dict[int, dict[str, Any]] = {}
    for f in session.scalars(select(FollowUp).order_by(FollowUp.date, FollowUp.id)):
        if f.month in MONTHS:
            entry = answers.setdefault(f.placement_id, {})
            entry[f"m{f.month}"] = bool(f.employed)
            if f.month == MONTHS[-1]:
                entry["same_employer"] = f.same_employer
    finder = _Rows(prepared)
    frames: list[pd.DataFrame] = []
    started: list[date] = []
    follow: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    skipped = 0
    for placement in placements:
        survivor = survivors[placement.survivor_id]
        track_id = placement.track_id
        if track_id is None:
            earlier = [t for d, t in trained.get(survivor.id, []) if d <= placement.started_on]
            track_id = earlier[-1] if earlier else None
        code = track_codes.get(track_id) if track_id is not None else None
        found = finder.find(prepared, placement, code)
        if found is None:
            skipped += 1
            continue
        profile = to_profile(survivor)
        ctx = survivor_context(profile, prepared, placement.started_on)
        frames.append(pathway_features(profile, prepared, ctx, np.array([found], np.int64)))
        started.append(placement.started_on)
        got = answers.get(placement.id, {})
        follow.append(
            {f"m{m}": got.get(f"m{m}") for m in MONTHS}
            | {"same_employer": got.get("same_employer")}
        )
        groups.append(
            {
                "gender": survivor.gender or "unknown",
                "age_band": band_of(placement.started_on.year - survivor.birth_year - 1),
                "literacy": survivor.literacy,
            }
        )
    features = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FEATURES)
    data = OutcomeData(
        features,
        started,
        pd.DataFrame(follow, columns=[*(f"m{m}" for m in MONTHS), "same_employer"], dtype=object),
        pd.DataFrame(groups, columns=["gender", "age_band", "literacy"]),
    )
    return Training(data, skipped)


# --- simulated outcomes in bulk -------------------------------------------------------


def insert_survivors(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert survivors in one statement; their ids in the order given."""
    if not rows:
        return []
    stmt = insert(Survivor).returning(Survivor.id, sort_by_parameter_order=True)
    return [int(i) for i in session.scalars(stmt, list(rows))]


def insert_placements(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert placements in one statement; their ids in the order given."""
    if not rows:
        return []
    stmt = insert(Placement).returning(Placement.id, sort_by_parameter_order=True)
    return [int(i) for i in session.scalars(stmt, list(rows))]


def insert_follow_ups(session: Session, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert follow-ups in one executemany; how many."""
    batch = list(rows)
    if batch:
        session.execute(insert(FollowUp), batch)
    return len(batch)


# --- loaded models --------------------------------------------------------------------


class ModelCache:
    """Outcome models loaded from the model folder, one per (folder, version, sha256)."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, str, str], OutcomeModel] = {}
        self._lock = threading.Lock()

    def get(self, folder: str, version: str, sha256: str) -> OutcomeModel:
        """The model, loaded once (``matcher.outcomes.OutcomeError`` if it fails its check)."""
        key = (folder, version, sha256)
        with self._lock:
            model = self._models.get(key)
        if model is None:
            # The registry's hash must be the card's, and the card's the file's: a
            # file and card swapped together still fail here.
            if read_card(folder, version).get("sha256") != sha256:
                raise OutcomeError(f"the card of {version} does not match the registry")
            model = load_model(folder, version)
            with self._lock:
                # Keep only the newest few: an old version is rarely used again.
                while len(self._models) >= 3:
                    self._models.pop(next(iter(self._models)))
                self._models[key] = model
        return model

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


MODELS = ModelCache()
