"""The one writer of audit rows: who read or wrote which sensitive record, and when.

A row names the actor, their role and organisation, the record's organisation, the
action and the record's id, never its content. It is written in the use case's own
transaction, so a refused or failed write leaves neither the change nor a row claiming
it; a refused request (401, 403 or 404 on a survivor's resources) leaves a row of its
own, written after the answer is made (``record_refusal``).
"""

from __future__ import annotations

import logging
from typing import cast

from flask import Response, g, request
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from api.auth import Principal
from api.store.db import get_database
from api.store.models import AuditEvent

log = logging.getLogger("pathways.audit")

# Every survivor read writes one: a Core statement built once.
_INSERT = insert(cast(Table, AuditEvent.__table__))


def audit(
    session: Session,
    principal: Principal | None,
    action: str,
    entity: str,
    entity_id: int | None,
    org_id: int | None,
    status: int | None = None,
) -> None:
    """Record that ``principal`` (None: a sample or system load) did ``action`` to a record.

    ``org_id`` is the record's organisation (whose data it is), not the caller's;
    ``status`` is None for an action done, the HTTP status for one refused.
    """
    session.execute(
        _INSERT,
        {
            "user_id": principal.user_id if principal else None,
            "role": principal.role if principal else None,
            "actor_org_id": principal.org_id if principal else None,
            "org_id": org_id,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "status": status,
        },
    )


# The blueprints that answer about survivors, and what their records are called.
SURVIVOR_BLUEPRINTS = {
    "counsellors": "survivor",
    "consents": "consent",
    "referrals": "referral",
    "placements": "placement",
    "allocations": "allocation",
}
# A URL's id names the record asked for; the first one the URL has wins.
URL_RECORDS = (
    ("rec_id", "recommendation"),
    ("referral_id", "referral"),
    ("placement_id", "placement"),
    ("allocation_id", "allocation"),
    ("survivor_id", "survivor"),
    ("vacancy_id", "vacancy"),
)
REFUSED = frozenset({401, 403, 404})


def record_refusal(response: Response) -> Response:
    """An after-request hook: a refused request for a survivor's data leaves a row.

    Written in its own transaction, since the request's own was rolled back. The
    record's organisation is not known (or not the caller's to learn): it stays empty.
    """
    if response.status_code not in REFUSED or request.blueprint not in SURVIVOR_BLUEPRINTS:
        return response
    args = request.view_args or {}
    entity, entity_id = SURVIVOR_BLUEPRINTS[request.blueprint], None
    for name, kind in URL_RECORDS:
        if isinstance(args.get(name), int):
            entity, entity_id = kind, args[name]
            break
    principal = g.get("principal")
    try:
        with get_database().sessions() as session:
            audit(session, principal, "refused", entity, entity_id, None, response.status_code)
            session.commit()
    except Exception:  # the refusal stands; the failure to record it is logged
        log.exception("could not record a refused request")
    return response
