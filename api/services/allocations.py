"""Cohort allocation of scarce training seats: propose, read, confirm.

A proposal scores every survivor of the cohort against every track with the very
scores the recommendations show (``matcher.track_scores_prepared`` over the cached
prepared market of ``api.store.engine_inputs``), hands the matrix to the pure solver
``matcher.allocate``, and stores the answer with the intake and the free seats of
each track it was computed with. It reserves nothing.

A confirm turns a proposal into ``SeatReservation`` rows in one transaction that
holds the write lock of the rows it counts: ``SELECT ... FOR UPDATE`` on the tracks
on PostgreSQL, ``BEGIN IMMEDIATE`` (the database's write lock, taken before the
first read) on SQLite. Two confirms racing are therefore serialised; the second
counts the first one's reservations and gets a 409, never an over-booked track.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import training_catalog.types as tc
from api.audit import audit
from api.auth import Principal, may_see, scope
from api.config import ServiceConfig
from api.errors import Conflict, NotFound, Unprocessable
from api.services.outcome_models import retention_for
from api.store.catalog import reserved_seats, seats_available
from api.store.db import begin_writing, unit_of_work
from api.store.engine_inputs import ENGINE_INPUTS
from api.store.models import (
    Allocation,
    AllocationTrack,
    SeatReservation,
    Survivor,
    Track,
)
from matcher import PreparedMarket, Weights, track_scores_prepared
from matcher.allocate import (
    GOOD_APTITUDE,
    AllocationStats,
    CohortArrays,
    CohortFigures,
    Wording,
    allocate,
    cohort_figures,
    explain,
    seats_allow,
    status_quo,
)
from matcher.allocate import Allocation as Solved
from matcher.engine import model_version
from matcher.retention import Retention

Progress = Callable[[str, float], None]

# SQLite's limit on bound parameters is far above this; chunks keep IN lists small.
_CHUNK = 500
_DIGITS = 2  # scores in explanations, as the recommendations show them to a counsellor


# --- the cohort and the tracks -------------------------------------------------------


def _listed(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _duplicates(values: Sequence[Any]) -> list[Any]:
    return [v for v, n in Counter(values).items() if n > 1]


def _cohort(session: Session, principal: Principal, survivor_ids: Sequence[int]) -> list[Survivor]:
    """The survivors in request order; 422 for an empty or repeated cohort, and for an id
    that is not a survivor of the caller's NGO (unknown or another NGO's alike)."""
    field = "survivor_ids"
    if not survivor_ids:
        raise Unprocessable(
            "The cohort is empty: list the survivors to allocate.",
            [{"field": field, "message": "must list at least one survivor"}],
        )
    repeated = _duplicates(survivor_ids)
    if repeated:
        raise Unprocessable(
            f"Survivors listed more than once: {_listed(repeated)}.",
            [
                {"field": field, "message": f"survivor {i} is listed more than once"}
                for i in repeated
            ],
        )
    found: dict[int, Survivor] = {}
    ids = list(survivor_ids)
    for a in range(0, len(ids), _CHUNK):
        stmt = select(Survivor).where(Survivor.id.in_(ids[a : a + _CHUNK]))
        if scope(principal) is not None:
            stmt = stmt.where(Survivor.org_id == scope(principal))
        found.update((s.id, s) for s in session.scalars(stmt))
    # Another NGO's survivor gets exactly the answer of an id that does not exist, so
    # that no answer tells whether an id is in use elsewhere.
    unknown = [i for i in ids if i not in found]
    if unknown:
        whose = "of your organisation " if scope(principal) is not None else ""
        raise Unprocessable(
            f"No survivor {whose}has the id {_listed(unknown)}.",
            [
                {"field": field, "message": f"{i} is not a survivor {whose}".strip()}
                for i in unknown
            ],
        )
    cohort = [found[i] for i in ids]
    if scope(principal) is None and len({s.org_id for s in cohort}) > 1:
        raise Unprocessable(
            "A cohort is one NGO's survivors: these belong to several NGOs.",
            [{"field": field, "message": "survivors of more than one NGO"}],
        )
    return cohort


def _tracks(
    session: Session, track_codes: Sequence[str] | None, catalog: Mapping[str, tc.Track]
) -> list[Track]:
    """The tracks asked for, in the order given; by default every track with a free seat."""
    field = "track_codes"
    rows = {t.code: t for t in session.scalars(select(Track).order_by(Track.code))}
    if track_codes is None:
        free = [t for c, t in rows.items() if c in catalog and catalog[c].seats_available > 0]
        if not free:
            raise Conflict(
                "No track has a seat available for its next intake: there is nothing to allocate.",
                [{"field": field, "message": "no track with seats available"}],
            )
        return free
    if not track_codes:
        raise Unprocessable(
            "No tracks listed: name at least one, or leave track_codes out for every track "
            "with seats available.",
            [{"field": field, "message": "must list at least one track"}],
        )
    repeated = _duplicates(track_codes)
    if repeated:
        raise Unprocessable(
            f"Tracks listed more than once: {_listed(repeated)}.",
            [{"field": field, "message": f"{c!r} is listed more than once"} for c in repeated],
        )
    unknown = [c for c in track_codes if c not in rows or c not in catalog]
    if unknown:
        raise Unprocessable(
            f"Unknown track codes: {_listed(unknown)}.",
            [{"field": field, "message": f"{c!r} is not a known track code"} for c in unknown],
        )
    return [rows[c] for c in track_codes]


def wish_ranks(preferences: Sequence[str], tracks: Sequence[tc.Track]) -> NDArray[np.int64]:
    """A survivor's rank of each track: the position (1 = first) of their first stated
    wish the track meets (its code, or an occupation it leads to); 0 when none."""
    ranks = np.zeros(len(tracks), dtype=np.int64)
    for j, track in enumerate(tracks):
        for position, wish in enumerate(preferences, start=1):
            if track.meets(wish):
                ranks[j] = position
                break
    return ranks


# --- the proposal -------------------------------------------------------------------


@dataclass
class _Problem:
    """The arrays given to the solver and what the explanations need besides."""

    survivors: list[Survivor]
    tracks: list[tc.Track]
    scores: NDArray[np.float64]
    seats: NDArray[np.int64]
    ranks: NDArray[np.int64]
    excluded: dict[tuple[int, int], str]  # (row, column) -> the hard rule's reason
    cohort: CohortArrays  # what the cohort's figures read


def _score_matrix(
    survivors: list[Survivor],
    tracks: list[tc.Track],
    prepared: PreparedMarket,
    today: date,
    weights: Weights,
    progress: Progress | None,
    retention: Retention | None = None,
) -> _Problem:
    # With an outcome model the cohort's objective is its expected lasting placements:
    # each pair's value is the retention of the track's best pathway for the survivor.
    n, m = len(survivors), len(tracks)
    scores = np.full((n, m), np.nan)
    ranks = np.zeros((n, m), dtype=np.int64)
    excluded: dict[tuple[int, int], str] = {}
    net = np.full((n, m), np.nan)
    livable = np.zeros((n, m), dtype=np.bool_)
    good = np.zeros((n, m), dtype=np.bool_)
    # Survivors often state the same wishes: rank each list of wishes once.
    ranks_of: dict[tuple[str, ...], NDArray[np.int64]] = {}
    for i, survivor in enumerate(survivors):
        profile = ENGINE_INPUTS.profile(survivor)
        answer = track_scores_prepared(
            profile, prepared, today=today, weights=weights, retention=retention
        )
        values = answer.retention if retention is not None else answer.scores
        wishes = profile.preferences
        if wishes not in ranks_of:
            ranks_of[wishes] = wish_ranks(wishes, tracks)
        ranks[i] = ranks_of[wishes]
        for j, track in enumerate(tracks):
            value = values.get(track.code)
            good[i, j] = profile.aptitudes.get(track.skill_family, 0) >= GOOD_APTITUDE
            if value is not None:
                scores[i, j] = value
                net[i, j] = answer.net_income[track.code]
                livable[i, j] = answer.livable[track.code]
            elif ranks[i, j] > 0:
                # Only a wished track is ever explained: keep just those reasons.
                excluded[(i, j)] = answer.excluded.get(track.code, "not allowed by a hard rule")
        if progress is not None:
            progress("scores", (i + 1) / n)
    seats = np.array([t.seats_available for t in tracks], dtype=np.int64)
    cohort = CohortArrays(ranks, good, ~np.isnan(scores), livable, net)
    return _Problem(survivors, tracks, scores, seats, ranks, excluded, cohort)


def _figures(figures: CohortFigures) -> dict[str, Any]:
    return dataclasses.asdict(figures)


def _cohort_figures(p: _Problem, solved: Solved, arrival: Solved) -> dict[str, Any]:
    """The cohort's figures: the proposal, the status quo and what the seats allow."""
    return {
        "pathways": _figures(cohort_figures(solved.track_of, p.cohort)),
        "status_quo": _figures(cohort_figures(arrival.track_of, p.cohort)),
        "seats_allow": _figures(seats_allow(p.cohort, p.seats)),
    }


def _stats(stats: AllocationStats) -> dict[str, Any]:
    return {
        "assigned": stats.assigned,
        "unassigned": stats.unassigned,
        "first_choice": stats.first_choice,
        "top_two": stats.top_two,
        "total_score": round(stats.total_score, 6),
    }


def _assignments(
    p: _Problem, solved: Solved, catalog: Mapping[str, tc.Track]
) -> list[dict[str, Any]]:
    explanations = explain(solved, p.scores, p.seats, preference_ranks=p.ranks)
    words = Wording(
        [t.code for t in p.tracks],
        digits=_DIGITS,
        families=[t.skill_family for t in p.tracks],
        aptitudes=[s.aptitudes or {} for s in p.survivors],
        wishes=[s.preferences or () for s in p.survivors],
        catalog_seats={code: t.seats_available for code, t in catalog.items()},
        excluded=p.excluded,
    )
    return [
        {
            "survivor_id": survivor.id,
            "track_code": p.tracks[e.track].code if e.track >= 0 else None,
            "score": e.score,
            "preference_rank": e.rank,
            "explanation": words.explanation(e),
        }
        for e, survivor in zip(explanations, p.survivors, strict=True)
    ]


def _body(allocation: Allocation) -> dict[str, Any]:
    """A stored allocation as the API returns it: its live fields, then the result."""
    created = allocation.created_at
    confirmed = allocation.confirmed_at
    return {
        "id": allocation.id,
        "status": allocation.status,
        "created_at": _utc(created).isoformat(),
        "confirmed_at": _utc(confirmed).isoformat() if confirmed else None,
        **allocation.result,
    }


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def propose(
    session: Session,
    principal: Principal,
    config: ServiceConfig,
    survivor_ids: Sequence[int],
    track_codes: Sequence[str] | None = None,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Allocate a cohort to tracks and store the proposal (nothing is reserved).

    ``survivor_ids`` is the cohort in order of arrival (the status quo's order);
    ``track_codes`` the tracks (default: every track with a free seat).
    """
    today = today or datetime.now(UTC).date()
    cohort = _cohort(session, principal, survivor_ids)
    seated = already_seated(session, [s.id for s in cohort])
    if seated:
        raise Conflict(
            f"Survivors {_listed(seated)} already hold a seat in a coming intake: leave them "
            "out of the cohort.",
            _seated_problems(seated),
        )
    weights, settings = config.weights, config.engine
    season, prepared = ENGINE_INPUTS.market(session, None, settings)
    catalog = {t.code: t for t in prepared.catalog.tracks}
    rows = _tracks(session, track_codes, catalog)
    retention, notes = retention_for(session, config)
    problem = _score_matrix(
        cohort, [catalog[t.code] for t in rows], prepared, today, weights, progress, retention
    )
    order = np.arange(len(cohort), dtype=np.int64)
    solved = allocate(
        problem.scores,
        problem.seats,
        arrival_order=order,
        preference_ranks=problem.ranks,
        progress=progress,
    )
    assert solved.status_quo is not None
    arrival = status_quo(problem.scores, problem.seats, order, preference_ranks=problem.ranks)
    assignments = _assignments(problem, solved, catalog)
    given = Counter(a["track_code"] for a in assignments if a["track_code"] is not None)
    result = {
        "season": {"id": season.id, "label": season.label},
        "objective": "expected_lasting_placements" if retention is not None else "total_score",
        "model_version": model_version(retention),
        "notes": notes,
        "assignments": assignments,
        "total_score": round(solved.total_score, 6),
        "stats": {k: v for k, v in _stats(solved.stats).items() if k != "total_score"},
        "status_quo": _stats(solved.status_quo),
        "figures": _cohort_figures(problem, solved, arrival),
        "tracks": [
            {
                "code": t.code,
                "next_start": t.next_start.isoformat() if t.next_start else None,
                "seats_available": t.seats_available,
                "assigned": given.get(t.code, 0),
            }
            for t in problem.tracks
        ],
    }
    request = {
        "survivor_ids": list(survivor_ids),
        "track_codes": None if track_codes is None else list(track_codes),
        "today": today.isoformat(),
    }
    org_id = cohort[0].org_id
    with unit_of_work(session):
        allocation = Allocation(
            org_id=org_id,
            created_by=principal.user_id,
            season_id=season.id,
            status="proposed",
            request=request,
            result=result,
            tracks=[
                AllocationTrack(
                    track_id=row.id,
                    code=t.code,
                    intake_start=t.next_start,
                    seats_available=t.seats_available,
                    assigned=given.get(t.code, 0),
                )
                for row, t in zip(rows, problem.tracks, strict=True)
            ],
        )
        session.add(allocation)
        session.flush()
        for survivor in cohort:
            audit(session, principal, "allocate", "survivor", survivor.id, org_id)
        audit(session, principal, "create", "allocation", allocation.id, org_id)
    return _body(allocation)


def _find(
    session: Session, principal: Principal, allocation_id: int, *, lock: bool = False
) -> Allocation:
    stmt = select(Allocation).where(Allocation.id == allocation_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    allocation = session.scalars(stmt).one_or_none()
    if allocation is None or not may_see(principal, allocation.org_id):
        raise NotFound("There is no allocation with this id in your organisation.")
    return allocation


def read_allocation(session: Session, principal: Principal, allocation_id: int) -> dict[str, Any]:
    """A stored allocation of the caller's NGO (any NGO's for an admin); audited."""
    with unit_of_work(session):
        allocation = _find(session, principal, allocation_id)
        audit(session, principal, "read", "allocation", allocation.id, allocation.org_id)
    return _body(allocation)


# --- confirming ---------------------------------------------------------------------


def _stale(
    session: Session, allocation: Allocation, tracks: Mapping[int, Track]
) -> list[dict[str, str]]:
    needed = [at for at in allocation.tracks if at.assigned > 0]
    reserved = reserved_seats(session, [at.track_id for at in needed])
    problems = []
    for at in needed:
        track = tracks.get(at.track_id)
        if track is None:
            problems.append({"field": f"tracks.{at.code}", "message": "no longer exists"})
        elif track.next_start != at.intake_start:
            problems.append(
                {
                    "field": f"tracks.{at.code}",
                    "message": f"its intake moved from {at.intake_start} to {track.next_start}",
                }
            )
        else:
            free = seats_available(track.seats, track.next_start, reserved.get(track.id, 0))
            if free < at.assigned:
                problems.append(
                    {
                        "field": f"tracks.{at.code}",
                        "message": f"{free} seats left for the intake of {at.intake_start}, "
                        f"{at.assigned} needed",
                    }
                )
    return problems


def already_seated(session: Session, survivor_ids: Sequence[int]) -> dict[int, str]:
    """Survivors who hold a seat in a track's coming intake -> that track's code."""
    held: dict[int, str] = {}
    for a in range(0, len(survivor_ids), _CHUNK):
        chunk = list(survivor_ids[a : a + _CHUNK])
        stmt = (
            select(SeatReservation.survivor_id, Track.code)
            .join(Track, Track.id == SeatReservation.track_id)
            .where(
                SeatReservation.survivor_id.in_(chunk),
                SeatReservation.intake_start == Track.next_start,
            )
            .order_by(SeatReservation.survivor_id, Track.code)
        )
        for survivor_id, code in session.execute(stmt).all():
            held.setdefault(int(survivor_id), code)
    return held


def _seated_problems(held: Mapping[int, str]) -> list[dict[str, str]]:
    return [
        {"field": f"survivor_ids.{i}", "message": f"survivor {i} already holds a seat in {code}"}
        for i, code in held.items()
    ]


def confirm(session: Session, principal: Principal, allocation_id: int) -> dict[str, Any]:
    """Reserve the proposal's seats in one transaction; 409 when anything changed."""
    try:
        begin_writing(session)
        with unit_of_work(session):
            allocation = _find(session, principal, allocation_id, lock=True)
            if allocation.status == "confirmed":
                raise Conflict(
                    "This allocation is already confirmed: its seats are reserved.",
                    [{"field": "status", "message": "already confirmed"}],
                )
            ids = sorted(at.track_id for at in allocation.tracks if at.assigned > 0)
            # Lock in id order, so that two confirms never wait on each other crosswise.
            locked = session.scalars(
                select(Track)
                .where(Track.id.in_(ids))
                .order_by(Track.id)
                .with_for_update(of=Track)  # not the provider, which is joined eagerly
                .execution_options(populate_existing=True)
            ).all()
            tracks = {t.id: t for t in locked}
            assigned = [a for a in allocation.result["assignments"] if a["track_code"]]
            problems = _stale(session, allocation, tracks)
            seated = already_seated(session, [a["survivor_id"] for a in assigned])
            problems += _seated_problems(seated)
            if problems:
                codes = [p["field"].removeprefix("tracks.") for p in problems]
                names = _listed(
                    [c for c in codes if not c.startswith("survivor_ids.")]
                    + [f"survivor {i}" for i in seated]
                )
                raise Conflict(
                    f"Things changed since the proposal ({names}); nothing was reserved. "
                    "Make a new proposal.",
                    problems,
                )
            by_code = {at.code: at for at in allocation.tracks}
            for a in assigned:
                at = by_code[a["track_code"]]
                assert at.intake_start is not None  # a track without an intake has no seats
                session.add(
                    SeatReservation(
                        track_id=at.track_id,
                        intake_start=at.intake_start,
                        survivor_id=a["survivor_id"],
                        allocation_id=allocation.id,
                    )
                )
            allocation.status = "confirmed"
            allocation.confirmed_by = principal.user_id
            allocation.confirmed_at = datetime.now(UTC)
            session.flush()
            audit(session, principal, "confirm", "allocation", allocation.id, allocation.org_id)
    except IntegrityError as exc:  # a reservation written meanwhile by another path
        raise Conflict(
            "A seat of this allocation was reserved meanwhile; nothing was reserved."
        ) from exc
    return _body(allocation)
