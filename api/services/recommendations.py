"""Recommend pathways for one survivor, store what was recommended, fetch it again.

The engine (``matcher``) is pure; this module gathers its inputs from the database
(the season's snapshot, the catalog, the vacancies), calls it, and stores the answer
with its season, model version and inputs. The profile-independent part of the work
(``matcher.prepare_market``) is cached per process and rebuilt whenever the season,
the catalog or the vacancies change (see ``api.store.engine_inputs``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.config import ServiceConfig
from api.errors import NotFound
from api.services.outcome_models import retention_for
from api.services.survivors import find_survivor, find_survivor_row
from api.store import jsonio
from api.store.db import unit_of_work
from api.store.engine_inputs import ENGINE_INPUTS, MarketSeason
from api.store.models.recommendations import Recommendation
from api.store.pagination import paginate
from matcher import Recommendation as EngineRecommendation
from matcher import recommend_prepared

# A recommendation is stored on every request: a Core statement built once (through
# the ORM's unit of work, this insert and its audit row's cost twice as much).
_recommendations = cast(Table, Recommendation.__table__)
_INSERT_RECOMMENDATION = insert(_recommendations).returning(_recommendations.c.id)


def result_body(
    survivor_id: int,
    season: MarketSeason,
    generated_at: datetime,
    engine_result: EngineRecommendation,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """The API.md "Recommendations" body of an engine result, as plain JSON values.

    The engine's items are frozen dataclasses; orjson writes them as they are and
    reading that back gives the plain dicts and lists that are stored and sent.
    """
    return jsonio.plain(
        {
            "survivor_id": survivor_id,
            "season": {"id": season.id, "label": season.label},
            "generated_at": generated_at.isoformat(),
            "model_version": engine_result.model_version,
            "items": engine_result.items,
            "excluded": engine_result.excluded,
            "candidates": engine_result.candidates,
            "allowed": engine_result.allowed,
            "notes": notes or [],
        }
    )


def stored_body(rec: Recommendation) -> dict[str, Any]:
    """A stored recommendation as the API returns it: its id, then the body as sent."""
    return {"id": rec.id, **rec.result}


def recommend(
    session: Session,
    principal: Principal,
    config: ServiceConfig,
    survivor_id: int,
    *,
    limit: int = 10,
    season_id: int | None = None,
    include_excluded: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Recommend pathways for a survivor of the counsellor's NGO; store and return them."""
    survivor = find_survivor_row(session, principal, survivor_id)
    today = today or datetime.now(UTC).date()
    weights, settings = config.weights, config.engine
    season, prepared = ENGINE_INPUTS.market(session, season_id, settings)
    profile = ENGINE_INPUTS.profile(survivor)
    retention, notes = retention_for(session, config)
    answer = recommend_prepared(
        profile,
        prepared,
        today=today,
        limit=limit,
        include_excluded=include_excluded,
        weights=weights,
        retention=retention,
    )
    generated_at = datetime.now(UTC)
    body = result_body(survivor.id, season, generated_at, answer, notes)
    inputs = jsonio.plain(
        {
            "profile": profile,
            "today": today.isoformat(),
            "limit": limit,
            "include_excluded": include_excluded,
            "weights": weights,
            "settings": settings,
        }
    )
    with unit_of_work(session):
        rec_id = session.execute(
            _INSERT_RECOMMENDATION,
            {
                "survivor_id": survivor.id,
                "season_id": season.id,
                "model_version": answer.model_version,
                "generated_at": generated_at,
                "requested_by": principal.user_id,
                "inputs": inputs,
                "result": body,
            },
        ).scalar_one()
        audit(session, principal, "recommend", "survivor", survivor.id, survivor.org_id)
    return {"id": rec_id, **body}


def read_recommendation(
    session: Session, principal: Principal, survivor_id: int, rec_id: int
) -> dict[str, Any]:
    """A stored recommendation of a survivor the principal may see, unchanged; audited."""
    with unit_of_work(session):
        survivor = find_survivor(session, principal, survivor_id)
        rec = session.get(Recommendation, rec_id)
        if rec is None or rec.survivor_id != survivor.id:
            raise NotFound("This survivor has no recommendation with this id.")
        audit(session, principal, "read", "recommendation", rec.id, survivor.org_id)
    return stored_body(rec)


def list_recommendations(
    session: Session, principal: Principal, survivor_id: int, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the survivor's stored recommendations, oldest first (summaries); audited."""
    with unit_of_work(session):
        survivor = find_survivor(session, principal, survivor_id)
        stmt = select(Recommendation).where(Recommendation.survivor_id == survivor.id)
        rows, next_cursor = paginate(session, stmt, Recommendation.id, limit, cursor)
        audit(session, principal, "list_recommendations", "survivor", survivor.id, survivor.org_id)
    items = [
        {
            "id": rec.id,
            "season": rec.result["season"],
            "model_version": rec.model_version,
            "generated_at": rec.result["generated_at"],
            "items": len(rec.result["items"]),
        }
        for rec in rows
    ]
    return items, next_cursor
