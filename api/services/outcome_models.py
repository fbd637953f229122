"""Outcome models: train one from the follow-ups, list them, activate one (or roll
back), and the active one as the engine uses it.

A model is trained on every job and business placement with a follow-up, saved in
the deployment's model folder (joblib beside its JSON card), recorded in the registry
and, unless asked otherwise, made the active one. Recommendations and allocations use
the active model; while there is none (or fewer outcomes than the deployment's
minimum), the retention component is absent and every response says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.audit import audit
from api.auth import Principal
from api.config import ServiceConfig
from api.errors import Conflict, NotFound, Unprocessable
from api.store.db import unit_of_work
from api.store.engine_inputs import ENGINE_INPUTS
from api.store.models import OutcomeModelVersion
from api.store.outcomes import MODELS, outcomes_count, training_data
from matcher.outcomes import OutcomeError, save_model, train
from matcher.retention import Retention

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


def _summary(row: OutcomeModelVersion) -> dict[str, Any]:
    metrics = row.card.get("metrics", {})
    return {
        "version": row.version,
        "trained_at": row.card.get("trained_at"),
        "rows": row.rows,
        "active": row.active,
        "activated_at": row.activated_at.isoformat() if row.activated_at else None,
        "metrics": {k: metrics.get(k) for k in ("roc_auc", "brier", "ece", "rows")},
    }


def _body(row: OutcomeModelVersion) -> dict[str, Any]:
    return {**_summary(row), "metrics": row.card.get("metrics", {}), "card": row.card}


def list_models(session: Session) -> list[dict[str, Any]]:
    """Every trained model, newest first."""
    with unit_of_work(session):
        rows = session.scalars(
            select(OutcomeModelVersion).order_by(OutcomeModelVersion.id.desc())
        ).all()
        return [_summary(r) for r in rows]


def _active(session: Session) -> OutcomeModelVersion | None:
    return session.scalar(select(OutcomeModelVersion).where(OutcomeModelVersion.active))


def current_model(session: Session) -> dict[str, Any]:
    """The active model with its card, or 404."""
    with unit_of_work(session):
        row = _active(session)
        if row is None:
            raise NotFound("No outcome model is active: train one first.")
        return _body(row)


def activate(session: Session, principal: Principal, version: str) -> dict[str, Any]:
    """Make ``version`` the active model (an older one: a roll back)."""
    with unit_of_work(session):
        row = session.scalar(
            select(OutcomeModelVersion).where(OutcomeModelVersion.version == version)
        )
        if row is None:
            raise NotFound(f"There is no outcome model {version!r}.")
        session.execute(update(OutcomeModelVersion).values(active=False))
        row.active = True
        row.activated_at = datetime.now(UTC)
        session.flush()
        audit(session, principal, "activate", "outcome_model", row.id, None)
        return _body(row)


def new_version(now: datetime | None = None) -> str:
    """A model name from the time it was trained, e.g. ``o20261202T141500``."""
    return (now or datetime.now(UTC)).strftime("o%Y%m%dT%H%M%S")


def train_model(
    session: Session,
    principal: Principal,
    config: ServiceConfig,
    *,
    activate_it: bool = True,
    version: str | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train a model on every placement with a follow-up, save it, record it.

    Raises ``Unprocessable`` (422) with the reason when there are too few outcomes or
    no held-out outcomes to backtest on, ``Conflict`` when the version exists.
    """
    name = version or new_version()
    with unit_of_work(session):
        taken = set(session.scalars(select(OutcomeModelVersion.version)))
        if version is None:
            # Two trainings in the same second get -2, -3...
            base, k = name, 2
            while name in taken:
                name, k = f"{base}-{k}", k + 1
        if name in taken:
            raise Conflict(
                f"An outcome model {name!r} exists already.",
                [{"field": "version", "message": "already trained"}],
            )
        _, prepared = ENGINE_INPUTS.market(session, None, config.engine)
        found = training_data(session, prepared)
    try:
        model = train(
            found.data,
            version=name,
            min_outcomes=config.min_outcomes,
            report_min_cell=config.report_min_cell,
            seed=seed,
            progress=progress,
        )
        card = save_model(model, config.model_folder)
    except OutcomeError as exc:
        raise Unprocessable(
            f"No model was trained: {exc}.", [{"field": "outcomes", "message": str(exc)}]
        ) from exc
    card["placements_left_out"] = found.skipped
    with unit_of_work(session):
        row = OutcomeModelVersion(
            version=name,
            rows=model.rows,
            sha256=card["sha256"],
            card=card,
            active=False,
            trained_by=principal.user_id,
        )
        session.add(row)
        session.flush()
        audit(session, principal, "train", "outcome_model", row.id, None)
    if activate_it:
        return activate(session, principal, name)
    with unit_of_work(session):
        return _body(session.get(OutcomeModelVersion, row.id) or row)


def retention_for(session: Session, config: ServiceConfig) -> tuple[Retention | None, list[str]]:
    """The active model as the engine uses it, or None and the note that says why."""
    row = _active(session)
    if row is None:
        count = outcomes_count(session)
        return None, [
            "No outcome model is active, so the score has no retention component: "
            f"{count} placements have a follow-up; a model is trained from "
            f"{config.min_outcomes} (pathways train-model)."
        ]
    try:
        model = MODELS.get(config.model_folder, row.version, row.sha256)
    except OutcomeError as exc:
        log.error("outcome model %s not loaded: %s", row.version, exc)
        return None, [
            f"The active outcome model {row.version} could not be loaded ({exc}), so the "
            "score has no retention component."
        ]
    return Retention(model, config.report_min_cell), []
