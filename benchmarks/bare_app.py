"""Baselines of the HTTP benchmark: bare Flask endpoints over the same synthetic market.

Each worker builds the market of ``benchmarks/common/market.py`` (the same seeds as
``benchmarks/recommend.py``, so the same arrays) and, for its first ``BARE_SURVIVORS``
survivors, the engine's component arrays and hard-rule masks. Two routes, no auth, no
database:

- ``POST /bare/<i>``: the weighted sum + masked top-k over survivor ``i``'s arrays
  (the numpy work of scoring, as in the engine half's "bare numpy" figure);
- ``POST /engine/<i>``: the whole engine, ``recommend_prepared``, answered as JSON.

Served by gunicorn from the repository root::

    PYTHONPATH=. .venv/bin/gunicorn -w 2 -b 127.0.0.1:8001 benchmarks.bare_app:app
"""

from __future__ import annotations

from typing import Any

import numpy as np
from flask import Flask, request

from benchmarks.common.market import BARE_SURVIVORS, TODAY, build_market, build_profiles
from matcher import Weights, prepare_market, recommend_prepared
from matcher.rules import NO_RULE
from matcher.safeguards import first_rule, survivor_context
from matcher.scoring import components

_syn = build_market()
PREPARED = prepare_market(_syn.market, _syn.catalog, _syn.vacancies)
PROFILES = build_profiles(_syn, BARE_SURVIVORS)
WEIGHTS = np.asarray(Weights().normalised())
COMPS, MASKS = [], []
for _p in PROFILES:
    _ctx = survivor_context(_p, PREPARED, TODAY)
    MASKS.append(first_rule(PREPARED, _ctx) == NO_RULE)
    COMPS.append(components(_p, PREPARED, _ctx))

app = Flask(__name__)


def _limit() -> int:
    return int((request.get_json(silent=True) or {}).get("limit", 10))


@app.post("/bare/<int:i>")
def bare(i: int) -> dict[str, Any]:
    limit = _limit()
    k = i % len(COMPS)
    scores = np.where(MASKS[k], np.einsum("i,ij->j", WEIGHTS, COMPS[k]), -np.inf)
    part = np.argpartition(-scores, limit)[:limit]
    top = part[np.argsort(-scores[part])]
    return {"items": [{"index": int(j), "score": float(scores[j])} for j in top]}


@app.post("/engine/<int:i>")
def engine(i: int) -> dict[str, Any]:
    rec = recommend_prepared(PROFILES[i % len(PROFILES)], PREPARED, today=TODAY, limit=_limit())
    return {
        "items": [
            {"rank": it.rank, "score": it.score, "reasons": list(it.reasons)} for it in rec.items
        ]
    }
