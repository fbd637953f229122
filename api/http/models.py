"""Outcome models (admins): train one, list them, the active one, activate (roll back).

Training reads every NGO's placements and follow-ups, so it is an admin's; the card
holds figures only (no survivor), with groups under the report threshold reduced to
their size.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_principal, require_roles
from api.config import current_config
from api.http.caching import no_store
from api.http.problems import problems
from api.services import outcome_models as service
from api.store.db import get_session

blp = Blueprint(
    "models",
    __name__,
    url_prefix="/api/v1",
    description="Outcome models: which pathways last (admins)",
)
blp.after_request(no_store)


class ModelSummarySchema(ma.Schema):
    version = ma.fields.String()
    trained_at = ma.fields.String(metadata={"format": "date-time"})
    rows = ma.fields.Integer(metadata={"description": "Placements with a follow-up"})
    active = ma.fields.Boolean()
    activated_at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    metrics = ma.fields.Dict(
        metadata={"description": "Backtest held out in time: roc_auc, brier, ece, rows"}
    )


class ModelSchema(ModelSummarySchema):
    card = ma.fields.Dict(metadata={"description": "The model's JSON card"})


class ModelListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ModelSummarySchema))


class TrainRequest(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    activate = ma.fields.Boolean(
        load_default=True, metadata={"description": "Make the new model the active one"}
    )
    seed = ma.fields.Integer(strict=True, load_default=0, validate=ma.validate.Range(0, 2**31))


@blp.get("/models")
@blp.response(200, ModelListSchema)
@require_roles("admin")
def list_models() -> Any:
    """Every trained outcome model, newest first."""
    return {"items": service.list_models(get_session())}


@blp.get("/models/current")
@blp.response(200, ModelSchema)
@problems(blp, 404)
@require_roles("admin")
def current_model() -> Any:
    """The active outcome model and its card (404 while there is none)."""
    return service.current_model(get_session())


@blp.post("/models/<string:version>/activate")
@blp.response(200, ModelSchema)
@problems(blp, 404)
@require_roles("admin")
def activate(version: str) -> Any:
    """Make a trained model the active one (an older one: roll back)."""
    return service.activate(get_session(), current_principal(), version)


@blp.post("/models/train")
@blp.arguments(TrainRequest)
@blp.response(201, ModelSchema)
@problems(blp, 409, 422)
@require_roles("admin")
def train(body: dict[str, Any]) -> Any:
    """Train an outcome model on every placement with a follow-up (422 with too few)."""
    return service.train_model(
        get_session(),
        current_principal(),
        current_config(),
        activate_it=body["activate"],
        seed=body["seed"],
    )
